"""The relay: hands pending outbox rows to Celery. Runs in every worker (a bootstep).

Web requests never publish to Redis themselves; they only write rows. So a
request cannot hang when Redis is down or stuck (celery #6046), and nothing
written is lost: the relay publishes it once Redis answers again. Several
workers relay side by side; ``SKIP LOCKED`` gives each row to one of them.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import OutboxItem

log = logging.getLogger(__name__)


def outbox_relay(*, limit: int = 200) -> int:
    """Publish due items; returns how many were handed over. Stops at the first publish error."""
    from notifications.tasks import outbox_item_run_task

    now = timezone.now()
    # A row handed over long ago but never finished (its worker died with the
    # message) is handed over again; running it twice is harmless.
    stale = now - datetime.timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS)
    handed = 0
    with transaction.atomic():
        due = (
            OutboxItem.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=OutboxItem.Status.PENDING, available_at__lte=now)
                | Q(status=OutboxItem.Status.DISPATCHED, dispatched_at__lt=stale)
            )
            .order_by("available_at", "pk")[:limit]
        )
        for item in due:
            try:
                outbox_item_run_task.apply_async(args=[item.pk], retry=False)
            except Exception as exc:  # broker away: keep the row pending and try on the next tick
                log.warning(
                    "outbox relay: broker unavailable (%s); %s items wait", type(exc).__name__, len(due) - handed
                )
                break
            item.status, item.dispatched_at = OutboxItem.Status.DISPATCHED, now
            item.save(update_fields=["status", "dispatched_at"])
            handed += 1
    return handed


def outbox_backlog() -> dict:
    """For /health/: how much waits, how old the oldest is, and how many failed."""
    now = timezone.now()
    waiting = OutboxItem.objects.filter(status__in=[OutboxItem.Status.PENDING, OutboxItem.Status.DISPATCHED])
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "waiting": waiting.count(),
        "failed": OutboxItem.objects.filter(status=OutboxItem.Status.FAILED).count(),
        "oldest_waiting_seconds": int((now - oldest).total_seconds()) if oldest else 0,
    }
