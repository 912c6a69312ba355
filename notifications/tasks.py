from celery import shared_task

from notifications.reminders import reminders_run
from notifications.services import outbox_item_run


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def outbox_item_run_task(item_id: int) -> None:
    """Run one outbox item; idempotent, so a redelivered message does no harm."""
    outbox_item_run(item_id=item_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def reminders_run_task() -> None:
    """The daily reminders (Celery beat, Europe/Oslo). A second run the same day sends nothing."""
    reminders_run()
