"""`make bench ARGS=--load`: the app under gunicorn with production settings, on generated national-scale data,
driven by concurrent clients over loopback, logged in as each role.

1. A fresh database in the benchmark's PostgreSQL, migrated, filled by ``manage.py generate_scale_data``.
2. For each role, users with a verified session (as after the two-factor login) and an API token.
3. gunicorn (``gunicorn.conf.py``) with production settings on a free local port; each response names the
   queries it made (``X-Query-Count``, only when ``MENTORPROGRAM_BENCH_QUERY_COUNT=1``).
4. ``--clients`` threads, each one user of a role in turn, send their role's requests back to back (no think time)
   for ``--seconds``; every request's time, status and queries are kept.

It prints p50/p95, requests a second and queries per request for each key page and API list, and merges them into
``bench/results.json``. Quote medians and ratios: these machines are noisy.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def manage(*args, env: dict, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return result.stdout if capture else ""


def create_database(name: str, *, template: str | None = None) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- What each role does --------------------------------------------------------------------------------------


def prepare(env: dict) -> dict:
    """Verified sessions and tokens for a few users of each role, and the objects their requests name."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.models import CaseAssignment
    from individualplans.models import IndividualPlan
    from mentorprogram.accounts.tokens import api_token_create
    from mentorprogram.models import User

    def session_for(user) -> str:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        return store.session_key

    def users(label, n=3, **having):
        return list(User.objects.filter(username__startswith=f"skala-{label}-", **having).distinct().order_by("pk")[:n])

    plans = {p.created_by_id: p.pk for p in IndividualPlan.objects.order_by("pk")[:2000]}
    actors = []
    for user in users("coordinator", case_assignments__case__status="active"):
        case = CaseAssignment.objects.filter(user=user, kind="coordinator", case__status="active").first().case_id
        plan = plans.get(user.pk) or IndividualPlan.objects.values_list("pk", flat=True).first()
        _, token = api_token_create(actor=_verified(user), name="bench", scope="read", days=1)
        actors.append(
            {
                "role": "coordinator",
                "session": session_for(user),
                "token": token,
                "requests": [
                    ("start page (coordinator)", "GET", "/"),
                    ("case list", "GET", "/cases/"),
                    ("case search", "POST", "/cases/", {"q": "Hansen"}),
                    ("case page", "GET", f"/cases/{case}/"),
                    ("coordinator's overview", "GET", "/sessions/overview/"),
                    ("plan page", "GET", f"/plans/{plan}/"),
                    ("matching", "GET", f"/mentors/cases/{case}/"),
                    ("API cases list", "API", "/api/v1/cases/"),
                    ("API plans list", "API", "/api/v1/plans/"),
                ],
            }
        )
    for user in users("mentor", case_assignments__kind="mentor", case_assignments__ended_at__isnull=True):
        case = CaseAssignment.objects.filter(user=user, kind="mentor", ended_at__isnull=True).first().case_id
        _, token = api_token_create(actor=_verified(user), name="bench", scope="read", days=1)
        actors.append(
            {
                "role": "mentor",
                "session": session_for(user),
                "token": token,
                "requests": [
                    ("mentor's home", "GET", "/sessions/"),
                    ("log a session", "SESSION", f"/sessions/cases/{case}/new/"),
                    ("API a case's sessions", "API", f"/api/v1/cases/{case}/sessions/"),
                ],
            }
        )
    for user in users("slt"):
        _, token = api_token_create(actor=_verified(user), name="bench", scope="read", days=1)
        actors.append(
            {
                "role": "slt_coordinator",
                "session": session_for(user),
                "token": token,
                "requests": [
                    ("start page (SLT)", "GET", "/"),
                    ("triage queue", "GET", "/cases/referrals/"),
                    ("mentor bank", "GET", "/mentors/"),
                    ("API triage queue", "API", "/api/v1/referrals/"),
                ],
            }
        )
    for user in users("privacy", 1):
        case = CaseAssignment.objects.order_by("pk").values_list("case__participant_id", flat=True).first()
        actors.append(
            {
                "role": "privacy_officer",
                "session": session_for(user),
                "requests": [("who-read search", "GET", f"/audit/access/?{urlencode({'participant': case})}")],
            }
        )
    for user in users("referrer", 2):
        actors.append(
            {
                "role": "referrer",
                "session": session_for(user),
                "requests": [("start page (referrer)", "GET", "/"), ("my referrals", "GET", "/cases/referrals/mine/")],
            }
        )
    return {"actors": actors, "cookie": settings.SESSION_COOKIE_NAME}


def _verified(user):
    user.is_verified = lambda: True
    return user


# --- The clients ----------------------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    def __init__(self, port: int, actor: dict, cookie_name: str):
        self.port, self.actor = port, actor
        self.cookies = {cookie_name: actor["session"]}

    def send(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers = {"Cookie": cookie, "Host": f"127.0.0.1:{self.port}", **(headers or {})}
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            all_headers["Origin"] = f"http://127.0.0.1:{self.port}"
            all_headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        started = time.perf_counter()
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, text, elapsed, int(response.getheader("X-Query-Count") or 0)

    def csrf(self, path: str) -> str:
        _status, text, _elapsed, _queries = self.send("GET", path)
        match = CSRF.search(text)
        return match.group(1) if match else ""

    def run(self, label: str, kind: str, path: str, extra=None):
        """One request of the mix: (label, status, ms, queries)."""
        if kind == "API":
            status, _text, ms, queries = self.send(
                "GET", path, headers={"Authorization": f"Bearer {self.actor['token']}"}
            )
        elif kind == "POST":
            token = self.actor.setdefault("csrf", self.csrf(path))
            status, _text, ms, queries = self.send("POST", path, {**extra, "csrfmiddlewaretoken": token})
        elif kind == "SESSION":
            token = self.actor.setdefault("csrf", self.csrf(path))
            body = {
                "csrfmiddlewaretoken": token,
                "submission_key": str(uuid.uuid4()),
                "held_on": time.strftime("%Y-%m-%d"),
                "duration_minutes": "45",
                "mode": "meeting",
                "topics": ["school_work"],
                "notes": "Vi gikk en tur og snakket om skolen.",
                "progress": "some",
                "next_step": "Besøke ungdomsklubben.",
                "concern_level": "",
            }
            status, _text, ms, queries = self.send("POST", path, body)
        else:
            status, _text, ms, queries = self.send("GET", path)
        return label, status, ms, queries


def drive(port: int, prepared: dict, *, clients: int, seconds: float) -> tuple[list, float]:
    """``clients`` threads, each an actor (roles in turn), sending its requests back to back for ``seconds``."""
    actors = prepared["actors"]
    records, lock, stop = [], threading.Lock(), time.monotonic() + seconds

    def worker(i: int):
        actor = dict(actors[i % len(actors)])
        client = Client(port, actor, prepared["cookie"])
        mine, step = [], i
        while time.monotonic() < stop:
            request = actor["requests"][step % len(actor["requests"])]
            mine.append(client.run(*request[:3], request[3] if len(request) > 3 else None))
            step += 1
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return records, time.monotonic() - started


def warm(port: int, prepared: dict) -> None:
    """Each request once (connections, caches, the first compile of each template): not counted."""
    for actor in prepared["actors"]:
        client = Client(port, dict(actor), prepared["cookie"])
        for request in actor["requests"]:
            label, status, _ms, _q = client.run(*request[:3], request[3] if len(request) > 3 else None)
            if status >= 400:
                raise SystemExit(f"warm-up: {label} answered {status}")


def summarise(records: list, elapsed: float) -> tuple[list[dict], dict]:
    by_label: dict[str, list] = {}
    for label, status, ms, queries in records:
        by_label.setdefault(label, []).append((status, ms, queries))
    rows = []
    for label, values in sorted(by_label.items()):
        times = sorted(ms for _s, ms, _q in values)
        rows.append(
            {
                "label": label,
                "n": len(values),
                "p50": statistics.median(times),
                "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
                "queries": max(q for _s, _ms, q in values),
                "errors": sum(1 for s, _ms, _q in values if s >= 400),
            }
        )
    every = sorted(ms for _label, _status, ms, _queries in records)
    total = {
        "requests": len(records),
        "seconds": elapsed,
        "per_second": len(records) / elapsed,
        "p50": statistics.median(every),
        "p95": every[min(len(every) - 1, int(len(every) * 0.95))],
    }
    return rows, total


def run(
    *,
    scale: float,
    clients: int,
    seconds: float,
    workers: int,
    database: str | None = None,
    empty: str | None = None,
    say=print,
) -> dict:
    """The whole run (see the module's text). ``database``: an already generated one, used and kept; ``empty``: a
    migrated empty one to fill (and drop); neither: a new one, migrated. Returns rows, total and what was generated."""
    name = database or empty or f"load_{os.getpid()}"
    if not database and not empty:
        create_database(name)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(name),
        "DJANGO_SETTINGS_MODULE": "mentorprogram.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_URL": "consolemail://",
        "SITE_URL": "http://127.0.0.1",
        "MENTORPROGRAM_READ_ENV_FILES": "0",
    }
    try:
        started = time.perf_counter()
        generated = {}
        if not database:
            if not empty:
                manage("migrate", "-v0", env=env)
            generated = json.loads(
                manage("generate_scale_data", f"--scale={scale}", "--json", env={**env, "DEBUG": "true"}, capture=True)
            )
            generated["minutes"] = round((time.perf_counter() - started) / 60, 1)
            say(f"generated in {generated['minutes']} min: {generated['counts']}")
        manage("collectstatic", "--noinput", "-v0", env=env)  # production settings serve hashed files (a manifest)
        prepared = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--prepare"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            ).stdout
        )
        records, elapsed = _serve_and_drive(env, prepared, clients=clients, seconds=seconds, workers=workers)
    finally:
        if not database:
            drop_database(name)
    rows, total = summarise(records, elapsed)
    return {"rows": rows, "total": total, "generated": generated, "clients": clients, "workers": workers}


def _serve_and_drive(env: dict, prepared: dict, *, clients: int, seconds: float, workers: int):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "mentorprogram.wsgi:application"],
        cwd=ROOT,
        env={
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "GUNICORN_ERROR_LOG": "/dev/null",
            "MENTORPROGRAM_BENCH_QUERY_COUNT": "1",
        },
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.3)
        warm(port, prepared)
        return drive(port, prepared, clients=clients, seconds=seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)


def print_table(result: dict, say=print) -> None:
    total = result["total"]
    say(f"\n{result['clients']} clients, no think time, {result['workers']} gunicorn workers, {total['seconds']:.0f} s")
    say(f"{'request':40} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'errors':>7}")
    for row in result["rows"]:
        say(
            f"{row['label']:40} {row['n']:>6} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['queries']:>8} "
            f"{row['errors']:>7}"
        )
    say(f"throughput: {total['per_second']:.1f} requests a second ({total['requests']} in {total['seconds']:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="of the generator's default sizes")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--database", help="an already generated database to use (skips generating one)")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)  # the sessions, in a subprocess
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(dict(os.environ))))
        return
    result = run(
        scale=args.scale, clients=args.clients, seconds=args.seconds, workers=args.workers, database=args.database
    )
    print_table(result)


if __name__ == "__main__":
    main()
