from celery import shared_task

from notifications.services import PermanentFailure
from steeringgroup.models import SteeringReport
from steeringgroup.services import (
    MAX_ATTEMPTS,
    BuildFailed,
    quarterly_report_request,
    steering_report_build,
    steering_reports_stalled_requeue,
)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=MAX_ATTEMPTS)
def steering_report_build_task(self, report_pk: int) -> None:
    """Build one steering report; a failure is tried again after a pause (the report's page says so)."""
    try:
        steering_report_build(report_pk)
    except BuildFailed as exc:
        raise self.retry(countdown=30 * exc.args[0]) from exc


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def quarterly_report_task() -> None:
    """The first day of each quarter (beat): ask for last quarter's report (the outbox hands it to a worker)."""
    quarterly_report_request()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def stalled_reports_task() -> None:
    """Every few minutes (beat): a report that stopped moving goes to a worker again."""
    steering_reports_stalled_requeue()


def steering_report_dispatch(payload: dict) -> None:
    """The outbox handler: hand the build to a worker (a broker that is away makes the outbox try again)."""
    if not SteeringReport.objects.filter(pk=payload.get("report")).exists():
        raise PermanentFailure("no such report")
    steering_report_build_task.delay(payload["report"])
