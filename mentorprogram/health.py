"""Health checks for ``/health/`` and operators: database, Redis, worker.

Nothing here returns data from the database; only whether each part answers.
"""

import contextlib
import datetime
import time

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from mentorprogram.celery import BEAT_HEARTBEAT_KEY, WORKER_HEARTBEAT_KEY

OK = "ok"
ERROR = "error"
NOT_CONFIGURED = "not configured"


def redis_client() -> redis.Redis | None:
    """A Redis client with short timeouts, or None when ``REDIS_URL`` is unset."""
    if not settings.REDIS_URL:
        return None
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def record_heartbeat(key: str, *, at: float) -> None:
    """A worker's or beat's sign of life; a Redis outage is tolerated."""
    client = redis_client()
    if client is None:
        return
    # On a Redis outage the next beat tries again; /health/ shows the part
    # as down meanwhile.
    with contextlib.suppress(redis.RedisError):
        client.set(key, f"{at:.3f}", ex=settings.HEALTH_WORKER_STALE_SECONDS)


def record_worker_heartbeat(*, hostname: str, at: float) -> None:
    record_heartbeat(WORKER_HEARTBEAT_KEY, at=at)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            # audit: a read, nothing written
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver or connection failure means «down»
        return ERROR
    return OK


def check_redis() -> str:
    client = redis_client()
    if client is None:
        return NOT_CONFIGURED
    try:
        client.ping()
    except redis.RedisError:
        return ERROR
    return OK


def _check_heartbeat(key: str) -> str:
    client = redis_client()
    if client is None:
        return NOT_CONFIGURED
    try:
        value = client.get(key)
    except redis.RedisError:
        return ERROR
    if value is None:
        return ERROR
    age = time.time() - float(value)
    return OK if age <= settings.HEALTH_WORKER_STALE_SECONDS else ERROR


def check_worker() -> str:
    return _check_heartbeat(WORKER_HEARTBEAT_KEY)


def check_beat() -> str:
    return _check_heartbeat(BEAT_HEARTBEAT_KEY)


def check_outbox() -> tuple[str, dict]:
    """OK unless work has waited longer than OUTBOX_STALE_SECONDS (the relay or workers are stuck)."""
    from notifications.relay import outbox_backlog

    try:
        backlog = outbox_backlog()
    except Exception:  # database down: check_database says so
        return ERROR, {}
    return (OK if backlog["oldest_waiting_seconds"] <= settings.OUTBOX_STALE_SECONDS else ERROR), backlog


def beat_last_seen() -> str | None:
    """When beat last ticked (its heartbeat), as an ISO time in Europe/Oslo."""
    client = redis_client()
    if client is None:
        return None
    try:
        value = client.get(BEAT_HEARTBEAT_KEY)
    except redis.RedisError:
        return None
    if value is None:
        return None
    return timezone.localtime(datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC)).isoformat(
        timespec="seconds"
    )


def last_schedule_run() -> str | None:
    from notifications.models import ScheduleRun

    try:
        run = ScheduleRun.objects.order_by("-started_at").values_list("started_at", flat=True).first()
    except Exception:
        return None
    return run.isoformat() if run else None


def health_report() -> tuple[bool, dict]:
    """(healthy, report): healthy when no configured check failed. Counts and times only."""
    outbox_status, backlog = check_outbox()
    checks = {
        "database": check_database(),
        "redis": check_redis(),
        "worker": check_worker(),
        "beat": check_beat(),
        "outbox": outbox_status,
    }
    healthy = all(status != ERROR for status in checks.values())
    return healthy, {
        "checks": checks,
        "outbox": backlog,
        "beat_last_seen": beat_last_seen(),
        "last_daily_reminders": last_schedule_run(),
    }
