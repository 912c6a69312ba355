"""Steering reports: the steering group reads the published ones; SLT coordinators ask for, follow and publish them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mentorprogram import roles
from mentorprogram.access import requires_permission, requires_role
from mentorprogram.forms import apply_validation_error
from steeringgroup import permissions, selectors, services
from steeringgroup.forms import ReportRequestForm

GENERATE = "steeringgroup.generate_steering_reports"


# The steering group and SLT coordinators reach the report pages; which reports each sees is the selectors' rule.
_readers = requires_role(roles.STEERING_GROUP, roles.SLT_COORDINATOR)


def _list_context(request, form=None):
    return {
        "reports": selectors.report_list(user=request.user),
        "may_generate": permissions.may_generate(request.user),
        "form": form or ReportRequestForm(initial=ReportRequestForm.initial_for(timezone.localdate())),
    }


@_readers
@require_GET
def report_list(request):
    return render(request, "steeringgroup/report_list.html", _list_context(request))


@requires_permission(GENERATE)
@require_POST
def report_create(request):
    if not permissions.may_generate(request.user):
        raise PermissionDenied
    form = ReportRequestForm(request.POST)
    if form.is_valid():
        try:
            report = services.steering_report_request(
                actor=request.user, start=form.cleaned_data["period_start"], end=form.cleaned_data["period_end"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The report is being built. This page shows how far it has come."))
            return redirect("steering:detail", pk=report.pk)
    return render(request, "steeringgroup/report_list.html", _list_context(request, form), status=400)


@_readers
@require_GET
def report_detail(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    context = {"report": report, "figures": report.figures, "may_generate": permissions.may_generate(request.user)}
    if request.htmx:  # the status, polled while the report is built
        return render(request, "steeringgroup/includes/report_status.html", context)
    return render(request, "steeringgroup/report_detail.html", context)


@requires_permission(GENERATE)
@require_POST
def report_publish(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        services.steering_report_publish(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The report is published to the steering group."))
    return redirect("steering:detail", pk=report.pk)


def _filename(report, suffix: str) -> str:
    return f"styringsrapport-{report.period_start:%Y-%m}-{report.period_end:%Y-%m}.{suffix}"


@_readers
@require_GET
def report_pdf(request, pk):
    report = selectors.report_download(user=request.user, pk=pk)
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response


@_readers
@require_GET
def report_csv(request, pk):
    report = selectors.report_download(user=request.user, pk=pk)
    response = HttpResponse(services.report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    return response
