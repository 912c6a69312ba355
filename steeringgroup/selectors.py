"""Reads of steering reports: counts only. Downloads are access events like any export."""

from django.http import Http404

from audit.models import AccessEvent
from audit.services import records_read
from steeringgroup.models import SteeringReport
from steeringgroup.permissions import may_generate


def _visible(user):
    """SLT coordinators see every report; the steering group the published ones."""
    if may_generate(user):
        return SteeringReport.objects.all()
    if user.has_perm("steeringgroup.read_steering_reports"):
        return SteeringReport.objects.filter(status=SteeringReport.Status.PUBLISHED)
    return SteeringReport.objects.none()


def report_list(*, user) -> list[SteeringReport]:
    return list(_visible(user).defer("pdf", "figures").order_by("-period_end", "-pk")[:200])


def report_get(*, user, pk: int) -> SteeringReport:
    report = _visible(user).defer("pdf").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


@records_read(AccessEvent.Kind.EXPORT)
def report_download(*, user, pk: int) -> SteeringReport:
    """A report downloaded (PDF or CSV): recorded as an export, with who and when."""
    report = _visible(user).filter(pk=pk).first()
    if report is None or report.pdf is None:
        raise Http404
    return report
