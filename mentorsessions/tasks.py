from celery import shared_task

from mentorsessions.services import concern_signals_escalate


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def concern_signals_escalate_task() -> None:
    """Every few minutes (beat): escalate concern signals unanswered past their level's limit, once each."""
    concern_signals_escalate()
