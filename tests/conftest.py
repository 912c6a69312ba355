"""Shared fixtures: users, the real Celery worker, and Chromium for Playwright.

The suite runs against the throwaway PostgreSQL and Redis that
``scripts/with-services.sh`` starts (``make test``).
"""

import os
import subprocess
import sys
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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright's own browser download fails on these machines."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


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


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, redis_client, tmp_path_factory):
    """A real Celery worker process on the throwaway Redis and the test database."""
    from django.conf import settings

    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for(settings.DATABASES["default"]["NAME"]),
        "DJANGO_SETTINGS_MODULE": "mentorprogram.settings.test",
        "MENTORPROGRAM_READ_ENV_FILES": "0",
        "CELERY_WORKER_HEARTBEAT_SECONDS": "1",
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
                "test-worker@%h",
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
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
