"""Health checks for ``/health/`` and operators: database, Redis, worker.

Nothing here returns data from the database; only whether each part answers.
"""

import contextlib
import time

import redis
from django.conf import settings
from django.db import connection

from mentorprogram.celery import WORKER_HEARTBEAT_KEY

OK = "ok"
ERROR = "error"
NOT_CONFIGURED = "not configured"


def redis_client() -> redis.Redis | None:
    """A Redis client with short timeouts, or None when ``REDIS_URL`` is unset."""
    if not settings.REDIS_URL:
        return None
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def record_worker_heartbeat(*, hostname: str, at: float) -> None:
    """Called by the worker's heartbeat bootstep; a Redis outage is tolerated."""
    client = redis_client()
    if client is None:
        return
    # On a Redis outage the next beat tries again; /health/ shows the worker
    # as down meanwhile.
    with contextlib.suppress(redis.RedisError):
        client.set(WORKER_HEARTBEAT_KEY, f"{at:.3f}", ex=settings.HEALTH_WORKER_STALE_SECONDS)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
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


def check_worker() -> str:
    client = redis_client()
    if client is None:
        return NOT_CONFIGURED
    try:
        value = client.get(WORKER_HEARTBEAT_KEY)
    except redis.RedisError:
        return ERROR
    if value is None:
        return ERROR
    age = time.time() - float(value)
    return OK if age <= settings.HEALTH_WORKER_STALE_SECONDS else ERROR


def health_report() -> tuple[bool, dict[str, str]]:
    """(healthy, checks): healthy when no configured check failed."""
    checks = {"database": check_database(), "redis": check_redis(), "worker": check_worker()}
    healthy = all(status != ERROR for status in checks.values())
    return healthy, checks
