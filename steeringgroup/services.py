"""Steering reports: asked for, built in the background, published once and never changed.

``steering_report_request`` writes the request and an outbox item in one
transaction; the worker runs ``steering_report_build`` (figures in SQL,
suppression against every report published before, the PDF); an SLT
coordinator publishes it with ``steering_report_publish``, which checks that
nothing was published in between (else the report is built again).
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mentorprogram.roles import SLT_COORDINATOR, active_users_with_role
from notifications.models import Notification
from notifications.services import notification_send, outbox_enqueue
from steeringgroup import figures as figures_module
from steeringgroup import tables
from steeringgroup.models import ReportCell, SteeringReport
from steeringgroup.permissions import may_generate
from steeringgroup.suppression import SHOWN, Cell, Support, suppress

BUILD_REPORT = "steering_report_build"
MAX_ATTEMPTS = 3
# A report waiting or building with no progress for this long is handed to a worker again.
STALLED_MINUTES = 10
MAX_MONTHS = 60
PUBLISH_LOCK = 7_140_316

log = logging.getLogger(__name__)


# --- The period ------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def last_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_of_quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - datetime.timedelta(days=1)
    return datetime.date(end.year, end.month - 2, 1), end


def period_check(start: datetime.date, end: datetime.date, *, today: datetime.date | None = None) -> None:
    """Whole months, in order, finished, at most five years."""
    today = today or timezone.localdate()
    if end < start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    if end >= month_start(today):
        raise ValidationError(
            {"period_end": _("The period must have ended: choose a month before this one (figures must not change).")}
        )
    if len(figures_module.months_between(start, end)) > MAX_MONTHS:
        raise ValidationError({"period_start": _("A report spans at most five years.")})


# --- Asking for one -------------------------------------------------------------------------


@transaction.atomic
def steering_report_request(*, actor, start: datetime.date, end: datetime.date) -> SteeringReport:
    """Ask for a report of the whole months ``start``..``end``; a worker builds it (the page shows its progress)."""
    if actor is not None and not may_generate(actor):
        raise PermissionDenied
    start, end = month_start(start), month_end(end)
    period_check(start, end)
    report = SteeringReport.objects.create(
        period_start=start, period_end=end, municipality=settings.MUNICIPALITY_NAME, requested_by=actor
    )
    outbox_enqueue(kind=BUILD_REPORT, payload={"report": report.pk})
    return report


def quarterly_report_request(today: datetime.date | None = None) -> SteeringReport | None:
    """Beat, on the first day of each quarter: last quarter's report, unless one is already asked for."""
    start, end = last_quarter(today or timezone.localdate())
    if SteeringReport.objects.filter(period_start=start, period_end=end).exclude(status="failed").exists():
        return None
    return steering_report_request(actor=None, start=start, end=end)


def _history(exclude: int) -> tuple[list[Cell], list[int]]:
    """The cells of every published report, as the suppression reads them, and those reports' ids."""
    published = list(
        SteeringReport.objects.filter(status=SteeringReport.Status.PUBLISHED)
        .exclude(pk=exclude)
        .values_list("pk", flat=True)
    )
    cells = [
        Cell(
            str(c.report_id),
            c.table,
            c.row,
            c.col,
            Support(c.population, tuple(sorted(c.filters.items())), tuple(c.times)),
            c.value,
            c.status,
        )
        for c in ReportCell.objects.filter(report_id__in=published).order_by("pk")
    ]
    return cells, published


def _report_content(report: SteeringReport, progress) -> tuple[dict, list[Cell], list[int]]:
    """The published tables (display only), the cells with their true values, and the reports they were checked
    against."""
    threshold = settings.STEERING_SMALL_COUNT_THRESHOLD
    figures = figures_module.figures_compute(report.period_start, report.period_end)
    progress(40)
    report_tables = tables.tables(figures.months)
    cells = tables.cells(str(report.pk), figures, report_tables)
    history, published_ids = _history(exclude=report.pk)
    outcome = suppress(
        cells,
        history,
        figures_module.CATEGORIES,
        threshold=threshold,
        atom_value=lambda support: figures.value(support.population, dict(support.filters), support.times),
    )
    progress(70)
    by_key = {(c.table, c.row, c.col): c for c in cells}
    published = tables.published_tables(report_tables, by_key, figures, threshold)
    medians = {key: tables.median_text(value, n, threshold) for key, (value, n) in figures.medians.items()}
    active = by_key[("mentors", "active", "count")]
    capacity = figures.capacity_used if active.status == SHOWN and figures.capacity_used is not None else None
    content = {
        "threshold": threshold,
        "tables": published,
        "medians": medians,
        "capacity_used": None if capacity is None else f"{capacity:.1f}".replace(".", ","),
        "summary": tables.summary(published, figures, medians),
        "empty": figures.is_empty,
        "hidden_for_earlier_reports": outcome.hidden_for_earlier_reports,
        "withheld": [t["title"] for t in published if t["withheld"]],
    }
    return content, cells, published_ids


def _progress(report_pk: int, value: int) -> None:
    """Committed at once (the build runs outside a transaction), so the page polling the report sees it move."""
    building = SteeringReport.objects.filter(pk=report_pk, status=SteeringReport.Status.BUILDING)
    building.update(progress=value, progress_at=timezone.now())  # audit: a report's progress, no personal data


def steering_reports_stalled_requeue(now=None) -> int:
    """Beat, every few minutes: a report waiting or building with no progress for STALLED_MINUTES goes back to the
    outbox (a worker died, or the broker lost the message): a report never silently fails to come."""
    now = now or timezone.now()
    stalled = SteeringReport.objects.filter(
        status__in=(SteeringReport.Status.QUEUED, SteeringReport.Status.BUILDING),
        progress_at__lt=now - datetime.timedelta(minutes=STALLED_MINUTES),
    )
    count = 0
    for pk in stalled.values_list("pk", flat=True):
        with transaction.atomic():
            SteeringReport.objects.filter(pk=pk).update(  # audit: a report's state, no personal data
                status=SteeringReport.Status.QUEUED, progress=0, progress_at=now
            )
            outbox_enqueue(kind=BUILD_REPORT, payload={"report": pk})
        count += 1
    return count


class BuildFailed(Exception):
    """The build failed and will be tried again (``attempts`` so far)."""


def steering_report_build(report_pk: int) -> SteeringReport | None:
    """Build the report: figures in SQL, suppression, the PDF; then, in one transaction, its cells and the result.

    Runs outside a transaction so that its progress is seen while it works. A
    failure is recorded with its kind (never its message) and raised as
    BuildFailed for the task to retry; after MAX_ATTEMPTS the report is FAILED,
    and the page says why.
    """
    from steeringgroup.pdf import report_pdf

    report = SteeringReport.objects.filter(pk=report_pk).first()
    if report is None or report.status not in (SteeringReport.Status.QUEUED, SteeringReport.Status.BUILDING):
        return None  # gone, or built already (a task may run twice)
    attempts = report.attempts + 1
    SteeringReport.objects.filter(pk=report.pk).update(  # audit: a report's state, no personal data
        status=SteeringReport.Status.BUILDING, progress=5, attempts=attempts, progress_at=timezone.now()
    )
    try:
        with translation.override("nb"):
            content, cells, checked_against = _report_content(report, lambda value: _progress(report.pk, value))
            report.figures = content
            pdf = report_pdf(report)
        _progress(report.pk, 90)
        with transaction.atomic():
            report = SteeringReport.objects.select_for_update().get(pk=report.pk)
            if report.status != SteeringReport.Status.BUILDING or report.cells.exists():
                return None  # another run finished first
            ReportCell.objects.bulk_create(  # audit: aggregate counts, no personal data; never changed (0002)
                ReportCell(
                    report=report,
                    population=c.support.population,
                    table=c.table,
                    row=c.row,
                    col=c.col,
                    filters=dict(c.support.filters),
                    times=list(c.support.times),
                    value=c.value,
                    status=c.status,
                )
                for c in cells
            )
            report.figures = content
            report.checked_against = checked_against
            report.hidden_for_earlier_reports = content["hidden_for_earlier_reports"]
            report.pdf = pdf
            report.status = SteeringReport.Status.READY
            report.progress = 100
            report.built_at = timezone.now()
            report.failure_reason = ""
            report.save()
            for coordinator in active_users_with_role(SLT_COORDINATOR):
                notification_send(
                    recipient=coordinator,
                    kind=Notification.Kind.STEERING_REPORT_READY,
                    params={"report": report.pk},
                    url=reverse("steering:detail", args=[report.pk]),
                    dedup_key=f"steering_report_ready:{report.pk}",
                )
        return report
    except Exception as exc:
        final = attempts >= MAX_ATTEMPTS
        SteeringReport.objects.filter(pk=report.pk).update(  # audit: a report's state, no personal data
            status=SteeringReport.Status.FAILED if final else SteeringReport.Status.QUEUED,
            progress=0,
            progress_at=timezone.now(),
            failure_reason=_failure_text(exc, final),
        )
        log.warning("steering report %s failed (attempt %s): %s", report.pk, attempts, type(exc).__name__)
        if final:
            return None
        raise BuildFailed(attempts) from exc


def _failure_text(exc: Exception, final: bool) -> str:
    """The reason shown on the report's page: the kind of error, never its message (it may quote data)."""
    with translation.override("nb"):
        if final:
            return _("The report could not be built (%(error)s) after %(n)s attempts. Ask for it again.") % {
                "error": type(exc).__name__,
                "n": MAX_ATTEMPTS,
            }
        return _("An attempt failed (%(error)s); the report is tried again shortly.") % {"error": type(exc).__name__}


@transaction.atomic
def steering_report_publish(*, actor, report: SteeringReport) -> SteeringReport:
    """Publish a built report to the steering group. Refused if another report was published after it was built:
    it was checked against what was published then, so it is built again."""
    if not may_generate(actor):
        raise PermissionDenied
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK])  # audit: a lock, one publication at a time
    report = SteeringReport.objects.select_for_update().get(pk=report.pk)
    if report.status != SteeringReport.Status.READY:
        raise ValidationError(_("Only a report that is built and not yet published can be published."))
    published_now = set(
        SteeringReport.objects.filter(status=SteeringReport.Status.PUBLISHED).values_list("pk", flat=True)
    )
    if published_now - set(report.checked_against):
        raise ValidationError(
            _(
                "Another report was published after this one was built. Ask for this period again: the new report "
                "is checked against everything published."
            )
        )
    report.status = SteeringReport.Status.PUBLISHED
    report.published_by = actor
    report.published_at = timezone.now()
    report.save(update_fields=["status", "published_by", "published_at"])
    return report


def report_csv(report: SteeringReport) -> str:
    """The published tables as CSV for a spreadsheet (semicolons, as Norwegian Excel reads them)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    with translation.override("nb"):
        writer.writerow([_("Table"), _("Row"), _("Column"), _("Value")])
        for table in report.figures.get("tables", []):
            for row in table["rows"]:
                for column, value in zip(table["columns"], row["cells"], strict=False):
                    writer.writerow([table["title"], row["label"], column, value])
        for key, value in report.figures.get("medians", {}).items():
            writer.writerow([_("Median days"), key, "", value])
    return "\ufeff" + out.getvalue()
