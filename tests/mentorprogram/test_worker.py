"""Background work through a real Celery worker on the throwaway Redis."""

import time
import uuid

import pytest
from django.core.management import call_command

from mentorprogram.health import check_worker
from mentorprogram.tasks import worker_roundtrip_task

pytestmark = pytest.mark.worker


def test_a_task_goes_through_redis_to_a_worker_and_back(celery_worker_process):
    token = uuid.uuid4().hex
    result = worker_roundtrip_task.delay(token).get(timeout=30)
    assert result["token"] == token
    assert result["database_time"]  # the worker reached the test database


def test_the_worker_heartbeat_reaches_health(celery_worker_process):
    deadline = time.monotonic() + 15
    while check_worker() != "ok" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert check_worker() == "ok"


def test_check_worker_command_reports_the_answer(celery_worker_process, capsys):
    call_command("check_worker", timeout=30)
    assert "answered in" in capsys.readouterr().out
