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
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.processes import (  # noqa: E402 (found through the line above when run as a script)
    celery_worker_start,
    gunicorn_start,
    pgbouncer_start,
    pooled_url,
    port_open,
    redis_start,
    redis_url,
    stop_all,
    wait_until,
)
from bench.timing import timed_ms  # noqa: E402


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


def _django_setup(env: dict) -> None:
    """Django on the run's database and settings, in this (sub)process."""
    os.environ.update(env)
    import django

    django.setup()


# --- What each role does --------------------------------------------------------------------------------------


def prepare(env: dict) -> dict:
    """Verified sessions and tokens for a few users of each role, and the objects their requests name."""
    _django_setup(env)
    from importlib import import_module

    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.models import CaseAssignment
    from individualplans.models import IndividualPlan
    from mentorprogram.accounts.tokens import api_token_create
    from mentorprogram.models import User

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806 (a class)

    def session_for(user) -> str:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "mentorprogram.auth_backends.RolesAndPermissionsBackend"
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
        participant = CaseAssignment.objects.order_by("pk").values_list("case__participant_id", flat=True).first()
        actors.append(
            {
                "role": "privacy_officer",
                "session": session_for(user),
                "requests": [
                    ("who-read search", "GET", f"/audit/access/?{urlencode({'participant_id': participant})}")
                ],
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
    return {
        "actors": actors,
        "cookie": settings.SESSION_COOKIE_NAME,
        "notified": _notify(int(env.get("LOAD_NOTIFY", 0)), key=env.get("LOAD_NOTIFY_KEY", "")),
    }


def _notify(count: int, *, key: str) -> list[int]:
    """``count`` notifications (with an email each) into the outbox, for the relays to deliver during the run;
    their dedup keys start with ``key``."""
    from django.db import transaction

    from mentorprogram.models import User
    from notifications.models import Notification
    from notifications.services import notification_send

    recipients = list(User.objects.filter(username__startswith="skala-", is_active=True).exclude(email="")[:count])
    if count and not recipients:
        raise SystemExit("no generated user with an email address to notify")
    items = []
    for i in range(count):
        with transaction.atomic():
            item = notification_send(
                recipient=recipients[i % len(recipients)],
                kind=Notification.Kind.ASSIGNED_TO_CASE,
                params={"case": i + 1, "as": "mentor"},
                dedup_key=f"{key}-{i}",
            )
        items.append(item.pk)
    return items


def measure(env: dict) -> dict:
    """On the generated data, in one process: the permission filter's cost (a coordinator's first case-list page
    from ``case_list_for_user``, against the same query over every case) and ``verify_audit`` over the whole trail
    (sealed first, as beat would have)."""
    _django_setup(env)
    from audit.chain import chain_seal, chain_verify
    from cases.models import Case
    from cases.selectors import case_list_for_user
    from mentorprogram.models import User

    coordinator = (
        User.objects.filter(username__startswith="skala-coordinator-", case_assignments__case__status="active")
        .order_by("pk")
        .first()
    )
    filtered = timed_ms(lambda: list(case_list_for_user(user=coordinator)[:50]), n=30)
    unfiltered = timed_ms(
        lambda: list(Case.objects.select_related("participant").order_by("-opened_at", "-pk")[:50]), n=30
    )
    held = case_list_for_user(user=coordinator).count()
    chain_seal(limit=100_000_000)
    started = time.perf_counter()
    verified = chain_verify()
    verify_s = time.perf_counter() - started
    if not verified.ok:
        raise SystemExit(f"verify_audit failed on the generated trail: {verified.findings[:3]}")
    return {
        "filtered_ms": filtered,
        "unfiltered_ms": unfiltered,
        "held": held,
        "cases": Case.objects.count(),
        "links": verified.links,
        "verify_s": verify_s,
    }


def _verified(user):
    user.is_verified = lambda: True
    return user


# --- The clients ----------------------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    def __init__(self, port: int, actor: dict, cookie_name: str):
        self.port, self.actor = port, actor
        self.cookies = {cookie_name: actor["session"]}

    def send(self, method: str, path: str, body: dict | None = None, headers: dict | None = None, *, cookies=True):
        """One request; ``cookies=False`` for the API, whose clients hold a token and no browser session."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        all_headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
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
                "GET", path, headers={"Authorization": f"Bearer {self.actor['token']}"}, cookies=False
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


def drive(ports: list[int], prepared: dict, *, clients: int, seconds: float) -> tuple[list, float]:
    """``clients`` threads, each an actor (roles in turn) on one of the servers (in turn), sending its requests
    back to back for ``seconds``, and each at least once through its actor's requests (a short run on a busy
    machine measures every page it names)."""
    actors = prepared["actors"]
    records, lock, stop = [], threading.Lock(), time.monotonic() + seconds

    def worker(i: int):
        actor = dict(actors[i % len(actors)])
        client = Client(ports[i % len(ports)], actor, prepared["cookie"])
        mine, step = [], i
        while time.monotonic() < stop or step - i < len(actor["requests"]):
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


def warm(ports: list[int], prepared: dict) -> None:
    """Each actor's requests once on each server, the actors side by side (connections, caches, the first compile
    of each template in more than one worker): not counted."""
    failed = []

    def actor_on(port: int, actor: dict) -> None:
        client = Client(port, dict(actor), prepared["cookie"])
        for request in actor["requests"]:
            label, status, _ms, _q = client.run(*request[:3], request[3] if len(request) > 3 else None)
            if status >= 400:
                failed.append(f"{label} answered {status}")

    threads = [threading.Thread(target=actor_on, args=(port, actor)) for port in ports for actor in prepared["actors"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failed += static_missing(Client(ports[0], dict(prepared["actors"][0]), prepared["cookie"]))
    if failed:
        raise SystemExit(f"warm-up: {'; '.join(sorted(set(failed)))}")


STATIC_REFERENCE = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def static_missing(client: Client) -> list[str]:
    """The start page's stylesheets, scripts and icons as production serves them (hashed names from the manifest,
    compressed by WhiteNoise): what did not answer 200, or names no hashed file."""
    _status, text, _ms, _q = client.send("GET", "/")
    references = sorted(set(STATIC_REFERENCE.findall(text)))
    failed = [] if references else ["the start page names no static file"]
    for path in references:
        status, _text, _ms, _q = client.send("GET", path, headers={"Accept-Encoding": "br, gzip"})
        if status != 200 or not re.search(r"\.[0-9a-f]{12}\.", path):
            failed.append(f"{path} answered {status}")
    return failed


def machine_cpu() -> tuple[int, int, int] | None:
    """The whole machine's CPU so far, in clock ticks: (busy, stolen by the hypervisor, all), from /proc/stat; None
    where there is none."""
    try:
        fields = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    except (OSError, ValueError):
        return None
    return user + nice + system + irq + softirq, steal, sum(fields)


def cpu_per_request(before, after, requests: int) -> dict:
    """Between two ``machine_cpu()``: the busy CPU a request (every process on the machine, the load clients and
    PostgreSQL included) and the share the hypervisor took. Steadier than requests a second on a machine whose speed
    drifts; empty where /proc/stat is not."""
    if before is None or after is None or not requests:
        return {}
    busy, steal, every = (b - a for a, b in zip(before, after, strict=True))
    return {"cpu_ms": busy * 1000 / os.sysconf("SC_CLK_TCK") / requests, "steal_percent": 100 * steal / max(1, every)}


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


# The two shapes the run compares (issue 20): one gunicorn straight on PostgreSQL; and the pieces of a larger
# deployment on this one machine, two gunicorn processes and two Celery workers (two outbox relays) behind
# PgBouncer in transaction mode.
SHAPES = {
    "direct": {"label": "one gunicorn, PostgreSQL directly", "servers": 1, "celery_workers": 0, "pooler": False},
    "pgbouncer": {
        "label": "two gunicorn + two Celery workers through PgBouncer",
        "servers": 2,
        "celery_workers": 2,
        "pooler": True,
    },
}
# Notifications put into the outbox before the PgBouncer shape's run; each must be emailed exactly once.
NOTIFICATIONS = 200


def run(
    *,
    scale: float,
    clients: int,
    seconds: float,
    workers: int,
    database: str | None = None,
    empty: str | None = None,
    shapes: tuple[str, ...] = ("direct",),
    notifications: int = NOTIFICATIONS,
    say=print,
) -> dict:
    """The whole run (see the module's text). ``database``: an already generated one, used and kept; ``empty``: a
    migrated empty one to fill (and drop); neither: a new one, migrated. ``workers``: gunicorn workers in all (the
    PgBouncer shape splits them over its two processes). Returns, per shape, rows and total, and what was
    generated."""
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
    results = {}
    # Production settings serve hashed, compressed files (a manifest); collected while the data is generated.
    collecting = subprocess.Popen([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env)
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
        if collecting.wait() != 0:
            raise SystemExit("collectstatic failed")
        for shape in shapes:
            results[shape] = _run_shape(
                shape, env, name, clients=clients, seconds=seconds, workers=workers, notifications=notifications
            )
        say("measuring the permission filter and verify_audit on the generated data ...")
        measured = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--measure"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            ).stdout
        )
    finally:
        stop_all([collecting])
        if not database:
            drop_database(name)
    return {
        "shapes": results,
        "generated": generated,
        "clients": clients,
        "workers": workers,
        "measured": measured,
    }


def _run_shape(
    shape: str, env: dict, name: str, *, clients: int, seconds: float, workers: int, notifications: int
) -> dict:
    config = SHAPES[shape]
    with tempfile.TemporaryDirectory(prefix=f"load-{shape}.", dir=os.environ.get("MENTORPROGRAM_TEST_TMP")) as tmp:
        os.chmod(tmp, 0o755)  # noqa: S103 (PgBouncer runs as postgres when we are root: it must reach it)
        services, processes = [], []  # PgBouncer and Redis; the app's processes, stopped first
        try:
            notify_key = f"bench-load-{uuid.uuid4().hex[:12]}"  # this run's notifications (a database may be reused)
            # Its own Redis: a worker of anything else on the machine's Redis (the test suite's) would take this
            # run's tasks and find none of its rows, and the API's throttle counts (kept in Redis by user id) would
            # be shared with whatever else has a user of the same id.
            services.append(redis_start(Path(tmp) / "redis"))
            env = {**env, "REDIS_URL": redis_url(Path(tmp) / "redis")}
            if config["pooler"]:
                services.append(pgbouncer_start(Path(tmp) / "pgbouncer"))
                mail = Path(tmp) / "mail"
                env = {
                    **env,
                    "DATABASE_URL": pooled_url(Path(tmp) / "pgbouncer", name),
                    "DATABASE_POOLER": "pgbouncer",
                    "EMAIL_URL": "filemail://",
                    "EMAIL_FILE_PATH": str(mail),
                    "LOAD_NOTIFY": str(notifications),
                    "LOAD_NOTIFY_KEY": notify_key,
                }
            prepared = json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--prepare"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            for i in range(config["celery_workers"]):
                processes.append(celery_worker_start(env, Path(tmp) / f"celery-{i}.log", f"load{i}"))
            per_server = -(-workers // config["servers"])  # rounded up: 3 workers become 2 + 2
            ports = []
            for _ in range(config["servers"]):
                port = free_port()
                processes.append(gunicorn_start(env, port, per_server))
                ports.append(port)
            for port in ports:
                wait_until(lambda port=port: port_open(port), services + processes, "a server of the load run")
            warm(ports, prepared)
            cpu_before = machine_cpu()
            records, elapsed = drive(ports, prepared, clients=clients, seconds=seconds)
            cpu = cpu_per_request(cpu_before, machine_cpu(), len(records))
            outbox = outbox_delivered(name, prepared["notified"], mail, notify_key) if config["pooler"] else None
        finally:
            stop_all(processes)
            stop_all(services)
    if outbox and not (
        outbox["done"] == outbox["notifications"] == outbox["emailed"] == outbox["emails"] == len(prepared["notified"])
    ):
        raise SystemExit(f"the outbox did not deliver each notification exactly once through the pooler: {outbox}")
    rows, total = summarise(records, elapsed)
    total.update(cpu)
    return {
        "label": config["label"],
        "rows": rows,
        "total": total,
        "outbox": outbox,
        "servers": config["servers"],
        "workers_per_server": per_server,
        "celery_workers": config["celery_workers"],
    }


def outbox_delivered(name: str, items: list[int], mail: Path, key: str, *, timeout: float = 120) -> dict:
    """Wait until the relays have run every outbox item put in before the run; then count what arrived: each
    notification must be in the centre once and emailed once (filemail: one file per connection, one message
    after another)."""
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url(name), autocommit=True) as connection:
        while True:
            (waiting,) = connection.execute(
                "SELECT count(*) FROM notifications_outboxitem WHERE id = ANY(%s) AND status IN ('pending', 'dispatched')",
                [items],
            ).fetchone()
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        (done,) = connection.execute(
            "SELECT count(*) FROM notifications_outboxitem WHERE id = ANY(%s) AND status = 'done'", [items]
        ).fetchone()
        (notifications, emailed) = connection.execute(
            "SELECT count(*), count(emailed_at) FROM notifications_notification WHERE dedup_key LIKE %s", [f"{key}-%"]
        ).fetchone()
    emails = sum(path.read_text().count("\nMessage-ID: ") for path in mail.glob("*")) if mail.exists() else 0
    return {
        "sent": len(items),
        "done": done,
        "waiting": waiting,
        "notifications": notifications,
        "emailed": emailed,
        "emails": emails,
    }


def verify_seconds_per_million(measured: dict) -> float:
    """How long ``verify_audit`` took per million links of the generated trail."""
    return measured["verify_s"] * 1_000_000 / max(measured["links"], 1)


def filter_ratio(measured: dict) -> float:
    """The permission filter's cost: a coordinator's case list ÷ the same query unfiltered (medians)."""
    return statistics.median(measured["filtered_ms"]) / statistics.median(measured["unfiltered_ms"])


def print_table(result: dict, say=print) -> None:
    for outcome in result["shapes"].values():
        total = outcome["total"]
        say(
            f"\n{outcome['label']}: {result['clients']} clients, no think time, {outcome['servers']} × "
            f"{outcome['workers_per_server']} gunicorn workers, {total['seconds']:.0f} s"
        )
        say(f"{'request':40} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'errors':>7}")
        for row in outcome["rows"]:
            say(
                f"{row['label']:40} {row['n']:>6} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['queries']:>8} "
                f"{row['errors']:>7}"
            )
        say(
            f"throughput: {total['per_second']:.1f} requests a second ({total['requests']} in {total['seconds']:.0f} s)"
        )
        if "cpu_ms" in total:
            say(
                f"CPU a request, every process on the machine: {total['cpu_ms']:.1f} ms "
                f"({total['steal_percent']:.1f} % of the time taken by the hypervisor)"
            )
        if outcome["outbox"]:
            say(f"outbox with {outcome['celery_workers']} relays: {outcome['outbox']}")
    measured = result["measured"]
    say(
        f"\npermission filter: a coordinator's case list (holds {measured['held']} of {measured['cases']} cases) "
        f"{statistics.median(measured['filtered_ms']):.2f} ms, unfiltered "
        f"{statistics.median(measured['unfiltered_ms']):.2f} ms (medians): ratio {filter_ratio(measured):.2f}"
    )
    say(
        f"verify_audit: {measured['links']:,} links in {measured['verify_s']:.1f} s, "
        f"{verify_seconds_per_million(measured):.1f} s per million links"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="of the generator's default sizes")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--database", help="an already generated database to use (skips generating one)")
    parser.add_argument("--shape", choices=[*SHAPES, "both"], default="both")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)  # the sessions, in a subprocess
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # see measure(), in a subprocess
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(dict(os.environ))))
        return
    if args.measure:
        print(json.dumps(measure(dict(os.environ))))
        return
    result = run(
        scale=args.scale,
        clients=args.clients,
        seconds=args.seconds,
        workers=args.workers,
        database=args.database,
        shapes=tuple(SHAPES) if args.shape == "both" else (args.shape,),
    )
    print_table(result)


if __name__ == "__main__":
    main()
