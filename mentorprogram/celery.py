"""The Celery app: a worker and a beat run beside the web processes.

The worker writes a heartbeat to Redis every ``CELERY_WORKER_HEARTBEAT_SECONDS``
from a bootstep of its own, so ``/health/`` can tell a live worker from a dead
one without depending on beat.
"""

import os
import time

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorprogram.settings.base")

app = Celery("mentorprogram")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

WORKER_HEARTBEAT_KEY = "mentorprogram:health:worker-heartbeat"


class WorkerHeartbeat(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        interval = settings.CELERY_WORKER_HEARTBEAT_SECONDS
        self.beat(worker)
        self.tref = worker.timer.call_repeatedly(interval, self.beat, (worker,), priority=10)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    def beat(self, worker):
        from mentorprogram.health import record_worker_heartbeat

        record_worker_heartbeat(hostname=worker.hostname, at=time.time())


app.steps["worker"].add(WorkerHeartbeat)
