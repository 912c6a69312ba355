import time
import uuid

from django.core.management.base import BaseCommand, CommandError

from mentorprogram.tasks import worker_roundtrip_task


class Command(BaseCommand):
    help = "Send a task through Redis to a Celery worker and wait for its answer."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=15.0)

    def handle(self, *args, timeout, **options):
        token = uuid.uuid4().hex
        started = time.monotonic()
        try:
            result = worker_roundtrip_task.delay(token).get(timeout=timeout)
        except Exception as exc:
            raise CommandError(f"No answer from a worker within {timeout:g} s: {type(exc).__name__}") from exc
        if result.get("token") != token:
            raise CommandError("The worker answered with another task's result.")
        elapsed_ms = (time.monotonic() - started) * 1000
        self.stdout.write(f"Worker {result['worker']} answered in {elapsed_ms:.0f} ms.")
