import socket
from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.db import connection


@shared_task(ignore_result=False)
def worker_roundtrip_task(token: str) -> dict:
    """Proves the whole background path: broker → worker → database → result backend.

    Used by ``manage.py check_worker`` and the integration tests.
    """
    with connection.cursor() as cursor:
        # audit: a read, nothing written
        cursor.execute("SELECT now()")
        (database_time,) = cursor.fetchone()
    return {"token": token, "worker": socket.gethostname(), "database_time": database_time.isoformat()}


@shared_task
def expired_sessions_clear_task() -> None:
    """Deletes the sign-ins that have run out (beat, hourly). Django never deletes them by itself: the session table
    would keep every sign-in ever made, a national deployment's many a day, and each request looks its own up."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
