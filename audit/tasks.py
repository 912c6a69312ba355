from pathlib import Path

from celery import shared_task
from django.conf import settings

from audit.chain import chain_head_export, chain_seal


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def chain_seal_task() -> None:
    """Every few seconds (beat): chain the trail rows written since the last run."""
    chain_seal()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def chain_head_export_task() -> None:
    """Hourly (beat): append the chain's head to AUDIT_HEAD_EXPORT_PATH, outside the database."""
    if settings.AUDIT_HEAD_EXPORT_PATH:
        chain_head_export(path=Path(settings.AUDIT_HEAD_EXPORT_PATH))
