"""Shared fixtures: users, the real Celery worker, and Chromium for Playwright.

The suite runs against the throwaway PostgreSQL and Redis that
``scripts/with-services.sh`` starts (``make test``).
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# --- Several test processes: `make test` runs the suite in two (pytest-xdist) ----------------------------------
# Each process has a test database of its own (pytest-django names it) and a Redis of its own: a test stops Redis,
# and the Celery queues and the cache would cross otherwise (mentorprogram/settings/test.py picks it up). The smoke
# bench runs once, started by the controller as soon as a process has collected its test.

BENCH_SMOKE = pytest.StashKey()
WORKER_REDIS = pytest.StashKey()
SMOKE_DIRECTORY = "MENTORPROGRAM_BENCH_SMOKE_DIR"


def worker_redis_url_variable(worker: str) -> str:
    return f"MENTORPROGRAM_REDIS_URL_{worker.upper()}"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs):
    """In the controller, before the processes start (they inherit its environment)."""
    from tests.bench_smoke import SmokeRun

    base = Path(os.environ.get("MENTORPROGRAM_TEST_TMP") or tempfile.gettempdir())
    servers = config.stash.setdefault(WORKER_REDIS, [])
    for spec in specs:
        directory = Path(tempfile.mkdtemp(prefix=f"redis-{spec.id}.", dir=base))
        server = RedisServer(f"unix://{directory}/redis.sock")
        server.start()
        servers.append(server)
        os.environ[worker_redis_url_variable(spec.id)] = f"unix://{server.socket}"
    os.environ[SMOKE_DIRECTORY] = str(SmokeRun.new_directory())


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    from tests.bench_smoke import TEST_ID, SmokeRun

    if TEST_ID in ids and BENCH_SMOKE not in node.config.stash:
        node.config.stash[BENCH_SMOKE] = SmokeRun.start(Path(os.environ[SMOKE_DIRECTORY]))


def pytest_collection_finish(session):
    """In a single test process, the smoke bench starts at once when it is among the tests to run."""
    from tests.bench_smoke import TEST_ID, SmokeRun

    if "PYTEST_XDIST_WORKER" not in os.environ and any(item.nodeid == TEST_ID for item in session.items):
        session.config.stash[BENCH_SMOKE] = SmokeRun.start()


def pytest_sessionfinish(session):
    if "PYTEST_XDIST_WORKER" in os.environ:
        return  # the controller stops what it started
    run = session.config.stash.get(BENCH_SMOKE, None)
    if run is not None:
        run.stop()
    for server in session.config.stash.get(WORKER_REDIS, []):
        server.stop()
    if os.environ.get(SMOKE_DIRECTORY):
        shutil.rmtree(os.environ[SMOKE_DIRECTORY], ignore_errors=True)


@pytest.fixture(scope="session")
def bench_smoke(request):
    """The smoke bench's run: started with the session, by the controller, or now (the test was not collected as
    itself)."""
    from tests.bench_smoke import SmokeRun

    stash = request.config.stash
    if os.environ.get(SMOKE_DIRECTORY):
        return SmokeRun(Path(os.environ[SMOKE_DIRECTORY]))
    if BENCH_SMOKE not in stash:
        stash[BENCH_SMOKE] = SmokeRun.start()
    return stash[BENCH_SMOKE]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright's own browser download fails on these machines."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def demo(settings):
    """The demo data of `make run` (seed_demo refuses to run without DEBUG)."""
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False


@pytest.fixture
def password():
    return "et-passord-for-tester-123"


@pytest.fixture
def user(db, password):
    """A coordinator with an enrolled authenticator."""
    from mentorprogram.roles import COORDINATOR
    from tests.mentorprogram.factories import UserFactory

    return UserFactory(password=password, roles=[COORDINATOR], otp=True)


@pytest.fixture
def make_user(db):
    """make_user(*roles, otp=True): a user holding the roles, with an authenticator unless otp=False."""
    from tests.mentorprogram.factories import UserFactory

    def make(*roles, otp=True, **fields):
        return UserFactory(roles=list(roles), otp=otp, **fields)

    return make


@pytest.fixture
def team(make_user):
    """An active case opened two months ago with its coordinator and mentor; an SLT coordinator; an outsider mentor."""
    import datetime
    from types import SimpleNamespace

    from django.utils import timezone

    from cases.models import Case, CaseAssignment
    from cases.services import case_assignment_start
    from mentorprogram.roles import COORDINATOR, MENTOR, SLT_COORDINATOR
    from tests.cases.factories import CaseFactory

    slt = make_user(SLT_COORDINATOR, first_name="Siri", last_name="Slt")
    coordinator = make_user(COORDINATOR, first_name="Kari", last_name="Koordinator")
    mentor = make_user(MENTOR, first_name="Mats", last_name="Mentor")
    outsider = make_user(MENTOR, first_name="Ola", last_name="Utenfor")
    case = CaseFactory(status=Case.Status.ACTIVE, opened_at=timezone.now() - datetime.timedelta(days=60))
    case_assignment_start(actor=slt, case=case, user=coordinator, kind=CaseAssignment.Kind.COORDINATOR)
    mentor_assignment = case_assignment_start(actor=slt, case=case, user=mentor, kind=CaseAssignment.Kind.MENTOR)
    return SimpleNamespace(
        slt=slt,
        coordinator=coordinator,
        mentor=mentor,
        outsider=outsider,
        case=case,
        mentor_assignment=mentor_assignment,
    )


@pytest.fixture
def verified_login():
    """verified_login(client, user): logged in with both factors, as after a real login."""
    from tests.mentorprogram.factories import verified_login

    return verified_login


def _database_url_for(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + quote(name)))


@pytest.fixture(scope="session")
def redis_client():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL is not set: run the tests with `make test`.")
    return redis.Redis.from_url(url)


def start_worker(*, log_path: Path, database_name: str, extra_env: dict | None = None) -> subprocess.Popen:
    """Start a real Celery worker (prefork, one child) on the throwaway Redis and wait until it is ready."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for(database_name),
        "DJANGO_SETTINGS_MODULE": "mentorprogram.settings.test",
        "MENTORPROGRAM_READ_ENV_FILES": "0",
        "CELERY_WORKER_HEARTBEAT_SECONDS": "1",
        "OUTBOX_RELAY_INTERVAL_SECONDS": "1",
        **(extra_env or {}),
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mentorprogram",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"test-worker-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while b"ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("The Celery worker did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.2)
    return process


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class SessionWorker:
    """The worker many tests share, started when one asks for it; a test with a worker of its own stops it first."""

    def __init__(self, log_dir: Path):
        self.log_dir, self.process, self.starts = log_dir, None, 0

    def running(self) -> subprocess.Popen:
        from django.conf import settings

        if self.process is None or self.process.poll() is not None:
            self.starts += 1
            self.process = start_worker(
                log_path=self.log_dir / f"worker-{self.starts}.log",
                database_name=settings.DATABASES["default"]["NAME"],
            )
        return self.process

    def stop(self) -> None:
        if self.process is not None:
            stop_worker(self.process)
            self.process = None


@pytest.fixture(scope="session")
def session_worker(django_db_setup, tmp_path_factory):
    worker = SessionWorker(tmp_path_factory.mktemp("celery"))
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker_process(django_db_setup, django_db_blocker, redis_client, session_worker):
    """A real Celery worker process on the throwaway Redis and the test database, shared between tests."""
    return session_worker.running()


@pytest.fixture
def own_worker(tmp_path, session_worker):
    """own_worker(**extra_env): a worker for this test alone, stopped when it ends.

    A test that stops Redis, kills a child or reads its own email trace needs
    one; a worker left running would relay the next test's outbox, so the
    shared worker stops first (the next test that asks for it starts it again).
    """
    from django.conf import settings

    session_worker.stop()
    started = []

    def start(**extra_env):
        process = start_worker(
            log_path=tmp_path / f"worker-{len(started)}.log",
            database_name=settings.DATABASES["default"]["NAME"],
            extra_env=extra_env,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        stop_worker(process)


class RedisServer:
    """The throwaway Redis of `make test`, which a test may stop and start again."""

    def __init__(self, url: str):
        self.socket = url.removeprefix("unix://")
        self.dir = os.path.dirname(self.socket)

    def ping(self) -> bool:
        return (
            subprocess.run(["redis-cli", "-s", self.socket, "ping"], capture_output=True, text=True).stdout.strip()
            == "PONG"
        )

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-s", self.socket, "shutdown", "nosave"], capture_output=True)
        deadline = time.monotonic() + 10
        while os.path.exists(self.socket) and time.monotonic() < deadline:
            time.sleep(0.1)

    def start(self) -> None:
        if self.ping():
            return
        subprocess.run(
            [
                "redis-server",
                "--port",
                "0",
                "--unixsocket",
                self.socket,
                "--unixsocketperm",
                "700",
                "--dir",
                self.dir,
                "--daemonize",
                "yes",
                "--pidfile",
                f"{self.dir}/redis.pid",
                "--logfile",
                f"{self.dir}/redis.log",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not self.ping():
            if time.monotonic() > deadline:
                pytest.fail("Redis did not start again")
            time.sleep(0.1)


@pytest.fixture
def redis_server():
    url = os.environ.get("REDIS_URL", "")
    if not url.startswith("unix://"):
        pytest.fail("REDIS_URL must be the unix socket of `make test`'s Redis")
    server = RedisServer(url)
    yield server
    server.start()  # whatever the test did, the next one finds Redis running


@contextlib.contextmanager
def kept_for_the_module(django_db_blocker):
    """Rows made inside live for one module's tests, each test in a savepoint within, and are rolled back at the
    module's end: for data that is costly to make and that the tests only read (or change in their savepoint)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class OidcProvider:
    """The real OpenID provider of the tests (``tests/support/oidc_provider.mjs``, Node), on a local port."""

    client_id = "mentorprogram"
    client_secret = "a-client-secret-for-the-tests"  # noqa: S105

    def __init__(self, port: int):
        self.issuer = f"http://127.0.0.1:{port}"

    def next(self, *, amr=("pwd",), acr=None, fault=None, delay=None) -> None:
        """How the next sign-in goes: the authentication methods it shows, and a fault in its ID token."""
        import requests

        state = {"amr": list(amr), "acr": acr, "fault": fault, "delay": delay}
        requests.post(f"{self.issuer}/_test/next", json=state, timeout=5).raise_for_status()

    def config(self, **overrides) -> dict:
        """Its entry in ``OIDC_PROVIDERS``, as ``mentorprogram.env.env_oidc_providers`` makes it."""
        return {
            "label": "Testkommunens innlogging",
            "issuer": self.issuer,
            "metadata_url": f"{self.issuer}/.well-known/openid-configuration",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "scope": "openid profile",
            "acr_values": "",
            "mfa_acr": ["idporten-loa-substantial", "idporten-loa-high"],
            "mfa_amr": ["mfa"],
            **overrides,
        }


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider_process(live_server, tmp_path_factory):
    """The provider, started once: the package `oidc-provider` from npm, run by Node (``make install`` got it)."""
    import requests

    port = free_port()
    provider = OidcProvider(port)
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": OidcProvider.client_id,
        "OIDC_CLIENT_SECRET": OidcProvider.client_secret,
        "OIDC_REDIRECT_URIS": f"{live_server.url}/login/oidc/test/callback/",
        "OIDC_POST_LOGOUT_REDIRECT_URIS": f"{live_server.url}/login/",
    }
    log_path = tmp_path_factory.mktemp("oidc") / "provider.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            ["node", "tests/support/oidc_provider.mjs"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
            break
        except requests.RequestException:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("The OpenID provider did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.2)
    yield provider
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def oidc_provider(oidc_provider_process, live_server, settings):
    """The provider, configured as the installation's only one («test»), with the live server as the site."""
    settings.OIDC_PROVIDERS = {"test": oidc_provider_process.config()}
    settings.SITE_URL = live_server.url
    oidc_provider_process.next()
    return oidc_provider_process
