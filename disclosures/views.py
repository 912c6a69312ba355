"""The register of disclosures: recorded from the case, read by the case's holders and the privacy officer."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.selectors import case_get_for_user
from disclosures import permissions, selectors, services
from disclosures.forms import DisclosureForm, RegisterFilterForm
from mentorprogram import roles
from mentorprogram.access import requires_permission, requires_role
from mentorprogram.forms import apply_validation_error, page_number, query_without, strict_int


@requires_permission("disclosures.add_disclosure")
@require_GET
def case_disclosures(request, pk):
    case = case_get_for_user(user=request.user, pk=pk)
    disclosures = selectors.case_disclosures(case=case)
    context = {
        "case": case,
        "disclosures": disclosures,
        "may_record": permissions.may_record_disclosure(request.user, case),
    }
    return render(request, "disclosures/case_disclosures.html", context)


def _correcting(request, case):
    """The record a ``?corrects=`` (or posted ``corrects``) names, within the case; None without one."""
    value = request.POST.get("corrects") or request.GET.get("corrects")
    if not value:
        return None
    if strict_int(value) is None:
        raise Http404
    disclosure = selectors.disclosure_to_correct(case=case, pk=strict_int(value))
    if disclosure is None:
        raise Http404
    return disclosure


@requires_permission("disclosures.add_disclosure")
@require_http_methods(["GET", "POST"])
def disclosure_create(request, pk):
    case = case_get_for_user(user=request.user, pk=pk)
    if not permissions.may_record_disclosure(request.user, case):
        raise PermissionDenied
    correcting = _correcting(request, case)
    if request.method == "GET":
        form = DisclosureForm(initial=DisclosureForm.initial_for(request.user, correcting), correcting=correcting)
        status = 200
    else:
        form = DisclosureForm(request.POST, correcting=correcting)
        if form.is_valid():
            try:
                disclosure = services.disclosure_record(
                    actor=request.user,
                    case=case,
                    submission_key=form.cleaned_data["submission_key"],
                    corrects=correcting,
                    request=request,
                    **form.service_fields(),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The disclosure is recorded in the register."))
                return redirect("disclosures:detail", pk=disclosure.pk)
        status = 400
    context = {"case": case, "form": form, "correcting": correcting}
    return render(request, "disclosures/disclosure_form.html", context, status=status)


@requires_role(roles.SLT_COORDINATOR, roles.COORDINATOR, roles.MENTOR, roles.PRIVACY_OFFICER)
@require_GET
def disclosure_detail(request, pk):
    disclosure = selectors.disclosure_get_for_user(user=request.user, pk=pk)
    context = {
        "disclosure": disclosure,
        "may_correct": not disclosure.corrected and permissions.may_record_disclosure(request.user, disclosure.case),
        "holds_case": request.user.has_perm("cases.view_case", disclosure.case),
    }
    return render(request, "disclosures/disclosure_detail.html", context)


@requires_permission("disclosures.view_disclosure")
@require_GET
def register(request):
    form = RegisterFilterForm(request.GET or None)
    filters = selectors.RegisterFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.RegisterFilters(**form.cleaned_data)
    page = page_number(request)
    rows, has_next = selectors.disclosure_register(user=request.user, filters=filters, page=page)
    context = {"form": form, "rows": rows, "page": page, "has_next": has_next, "query": query_without(request)}
    return render(request, "disclosures/register.html", context, status=400 if form.errors else 200)
