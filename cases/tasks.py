from celery import shared_task

from cases.retention import retention_step


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def retention_step_task() -> None:
    """Nightly (beat): erase the cases whose notice has run out, list the ones newly due."""
    retention_step()
