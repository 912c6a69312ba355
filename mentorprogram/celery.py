"""The Celery app: a worker and a beat run beside the web processes.

The worker writes a heartbeat to Redis every ``CELERY_WORKER_HEARTBEAT_SECONDS``
from a bootstep of its own, so ``/health/`` can tell a live worker from a dead
one without depending on beat.
"""

import logging
import os
import time

from celery import Celery, beat, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorprogram.settings.base")

app = Celery("mentorprogram")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

WORKER_HEARTBEAT_KEY = "mentorprogram:health:worker-heartbeat"
BEAT_HEARTBEAT_KEY = "mentorprogram:health:beat-heartbeat"
log = logging.getLogger(__name__)


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


class OutboxRelay(bootsteps.StartStopStep):
    """Hands pending outbox rows to Celery every OUTBOX_RELAY_INTERVAL_SECONDS (see notifications.relay)."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        self.tref = worker.timer.call_repeatedly(settings.OUTBOX_RELAY_INTERVAL_SECONDS, self.relay, priority=10)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    def relay(self):
        from django.db import close_old_connections

        from notifications.relay import outbox_relay

        try:
            close_old_connections()
            outbox_relay()
        except Exception:  # the database may be restarting: log, and try on the next tick
            log.exception("outbox relay failed")


class HeartbeatScheduler(beat.PersistentScheduler):
    """Celery beat's scheduler, writing a heartbeat to Redis so /health/ knows beat is alive."""

    def tick(self, *args, **kwargs):
        from mentorprogram.health import record_heartbeat

        record_heartbeat(BEAT_HEARTBEAT_KEY, at=time.time())
        return min(super().tick(*args, **kwargs), 30)


app.steps["worker"].add(WorkerHeartbeat)
app.steps["worker"].add(OutboxRelay)
