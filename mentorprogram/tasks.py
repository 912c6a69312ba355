import socket

from celery import shared_task
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
