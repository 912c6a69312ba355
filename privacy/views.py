from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AuditEvent
from audit.services import audit_event_record
from cases import retention as retention_rules
from cases.forms import EmergencyReviewForm
from cases.models import Case, EmergencyAccess, LegalHold, Participant, RetentionRun
from cases.selectors import emergency_access_list
from cases.services import emergency_access_review
from mentorprogram.access import requires_permission
from mentorprogram.forms import apply_validation_error, page_number, query_without
from mentorprogram.roles import ROLES_BY_SLUG
from privacy import selectors
from privacy import subject_access as exports
from privacy.forms import AccessSearchForm, EventFilterForm, LegalHoldForm, LegalHoldLiftForm, ParticipantFindForm
from privacy.selectors import (
    AccessFilters,
    EventFilters,
    access_event_search,
    access_readers,
    audit_event_search,
    participants_matching,
)


@requires_permission("audit.view_auditevent")
@require_GET
def event_list(request):
    """The security and domain events, by action, user, case and period."""
    form = EventFilterForm(request.GET or None)
    filters = EventFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = EventFilters(
            action=data["action"],
            user=data["user"].pk if data["user"] else None,
            case=data["case"],
            occurred_from=data["occurred_from"],
            occurred_to=data["occurred_to"],
        )
    page = page_number(request)
    events, has_next = audit_event_search(filters=filters, page=page)
    context = {"form": form, "events": events, "page": page, "has_next": has_next, "query": query_without(request)}
    return render(request, "privacy/event_list.html", context, status=400 if form.errors else 200)


def _participant_for(request, form):
    """(the participant searched for, candidates to choose from): one of them, or neither."""
    chosen = form.cleaned_data.get("participant_id")
    if chosen:
        participant = Participant.objects.filter(pk=chosen).first()
        if participant is None:
            form.add_error("participant", _("No participant matches."))
        return participant, []
    query = form.cleaned_data.get("participant", "")
    if not query:
        return None, []
    candidates = participants_matching(query)
    if not candidates:
        form.add_error("participant", _("No participant matches."))
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates


def _by_number(request, data):
    """The search's own fields as a query string, the participant and the reader by number only: no name in any
    URL."""
    return query_without(request, "participant", "reader", params=data)


def _without_name(data):
    """A GET search's fields without a typed name or username (those are searched by POST only)."""
    data = data.copy()
    data.pop("participant", None)
    data.pop("reader", None)
    return data


@requires_permission("audit.view_accessevent")
@require_http_methods(["GET", "POST"])
def access_list(request):
    """«Who has read this participant», «what has this user read», and reads outside an assignment.

    A name is searched by POST; the result is shown at an address that
    names the participant by number, so no name stands in a URL or a log.
    """
    if request.method == "POST":
        form = AccessSearchForm(request.POST, typed=True)
        if form.is_valid():
            participant, candidates = _participant_for(request, form)
            reader_id = form.reader_user.pk if form.reader_user else ""
            if candidates:
                choose = _by_number(request, {**request.POST.dict(), "reader_id": reader_id})
                context = {"form": form, "candidates": candidates, "choose_query": choose}
                return render(request, "privacy/access_list.html", context)
            if not form.errors:
                data = {
                    **request.POST.dict(),
                    "participant_id": participant.pk if participant else "",
                    "reader_id": reader_id,
                }
                return redirect(f"{reverse('audit:access')}?{_by_number(request, data)}")
        return render(request, "privacy/access_list.html", {"form": form}, status=400)
    form, participant, candidates, filters = _access_filters(request)
    rows, has_next, readers = [], False, []
    page = page_number(request)
    if filters is not None:
        rows, has_next = access_event_search(filters=filters, page=page)
        readers = _with_role_names(access_readers(filters=filters)) if form.is_bound else []
    context = {
        "form": form,
        "participant": participant,
        "candidates": candidates,
        "events": rows,
        "readers": readers,
        "page": page,
        "has_next": has_next,
        "query": query_without(request),
        "csv_query": query_without(request),
        "choose_query": query_without(request, "participant_id"),
    }
    return render(request, "privacy/access_list.html", context, status=400 if form.errors else 200)


def _access_filters(request):
    """The access log's search from the query string: (form, participant, candidates, filters or None)."""
    form = AccessSearchForm(_without_name(request.GET) or None, initial=AccessSearchForm.this_year())
    if not form.is_bound:
        return form, None, [], AccessFilters()
    if not form.is_valid():
        return form, None, [], None
    participant, candidates = _participant_for(request, form)
    if candidates or form.errors:
        return form, participant, candidates, None
    data = form.cleaned_data
    filters = AccessFilters(
        participant=participant.pk if participant else None,
        reader=form.reader_user.pk if form.reader_user else None,
        kind=data["kind"],
        read_from=data["read_from"],
        read_to=data["read_to"],
        outside_assignment=data["outside_assignment"],
    )
    return form, participant, candidates, filters


def _with_role_names(readers: list[dict]) -> list[dict]:
    for reader in readers:
        reader["role_names"] = ", ".join(
            str(ROLES_BY_SLUG[slug].name) for slug in (reader["roles"] or "").split(",") if slug in ROLES_BY_SLUG
        )
    return readers


@requires_permission("audit.view_accessevent")
@require_GET
def access_csv(request):
    """The answer to «who has read» as CSV: one line per reader (semicolons, for a Norwegian spreadsheet)."""
    import csv
    import io

    form, _participant, _candidates, filters = _access_filters(request)
    if filters is None or not form.is_bound:
        return redirect(f"{reverse('audit:access')}?{query_without(request)}")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Reader"), _("Roles"), _("Reads"), _("First"), _("Last"), _("Outside an assignment")])
    for reader in _with_role_names(access_readers(filters=filters)):
        writer.writerow(
            [
                reader["actor_name"] or reader["actor_username"],
                reader["role_names"],
                reader["reads"],
                timezone.localtime(reader["first"]).strftime("%d.%m.%Y %H:%M"),
                timezone.localtime(reader["last"]).strftime("%d.%m.%Y %H:%M"),
                reader["outside"],
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hvem-har-lest.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _emergency_context(*, review_forms=None):
    grants = emergency_access_list()
    review_forms = review_forms or {}
    for grant in grants:
        grant.review_form = review_forms.get(grant.pk) or EmergencyReviewForm(prefix=f"g{grant.pk}")
    return {"grants": grants}


@requires_permission("cases.review_emergencyaccess")
@require_GET
def emergency_list(request):
    """Every emergency access, those waiting for review first."""
    context = _emergency_context()
    return render(request, "privacy/emergency_list.html", context)


@requires_permission("cases.review_emergencyaccess")
@require_POST
def emergency_review(request, pk):
    grant = EmergencyAccess.objects.filter(pk=pk).first()
    if grant is None:
        raise Http404
    form = EmergencyReviewForm(request.POST, prefix=f"g{grant.pk}")
    if form.is_valid():
        try:
            emergency_access_review(actor=request.user, grant=grant, request=request, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The review is recorded."))
            return redirect("audit:emergency")
    context = _emergency_context(review_forms={grant.pk: form})
    return render(request, "privacy/emergency_list.html", context, status=400)


@requires_permission("cases.view_retentionrun")
@require_GET
def retention(request):
    """The retention list (a dry run) the privacy officer reads before the cases are erased, and earlier runs."""
    return _retention_page(request)


def _retention_page(request, *, hold_form=None, lift_forms=None, status=200):
    pending = RetentionRun.objects.filter(erased_at__isnull=True).first()
    cases, referrals = [], []
    if pending is not None:
        cases = selectors.retention_cases(run=pending)
        referrals = selectors.retention_referrals(run=pending)
    lift_forms = lift_forms or {}
    holds = [
        (hold, lift_forms.get(hold.pk) or LegalHoldLiftForm(auto_id=f"lift-{hold.pk}-%s"))
        for hold in LegalHold.objects.filter(lifted_at__isnull=True).select_related("placed_by").order_by("placed_at")
    ]
    context = {
        "pending": pending,
        "cases": cases,
        "referrals": referrals,
        "holds": holds,
        "hold_form": hold_form or LegalHoldForm(),
        "done": RetentionRun.objects.filter(erased_at__isnull=False).select_related("erased_by")[:20],
        "may_erase": request.user.has_perm("cases.change_retentionrun"),
        "months": settings.RETENTION_MONTHS,
        "may_hold": request.user.has_perm("cases.add_legalhold"),
    }
    return render(request, "privacy/retention.html", context, status=status)


@requires_permission("cases.add_legalhold")
@require_POST
def legal_hold_place(request):
    """Keep a case (by its number) from erasure, with a reason."""
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        case = Case.objects.filter(pk=form.cleaned_data["case"]).first()
        if case is None:
            form.add_error("case", _("No case has this number."))
        else:
            try:
                retention_rules.legal_hold_place(
                    actor=request.user, case=case, reason=form.cleaned_data["reason"], request=request
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The case is kept from erasure until the hold is lifted."))
                return redirect("audit:retention")
    return _retention_page(request, hold_form=form, status=400)


@requires_permission("cases.change_legalhold")
@require_POST
def legal_hold_lift(request, pk):
    hold = LegalHold.objects.filter(pk=pk, lifted_at__isnull=True).first()
    if hold is None:
        raise Http404
    form = LegalHoldLiftForm(request.POST, auto_id=f"lift-{hold.pk}-%s")
    if form.is_valid():
        try:
            retention_rules.legal_hold_lift(
                actor=request.user, hold=hold, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The hold is lifted."))
            return redirect("audit:retention")
    return _retention_page(request, lift_forms={hold.pk: form}, status=400)


@requires_permission("cases.change_retentionrun")
@require_POST
def retention_erase_now(request, pk):
    run = RetentionRun.objects.filter(pk=pk, erased_at__isnull=True).first()
    if run is None:
        raise Http404
    erased = retention_rules.retention_erase(run=run, actor=request.user, request=request)
    messages.success(
        request,
        ngettext("%(count)s case is erased.", "%(count)s cases are erased.", len(erased)) % {"count": len(erased)},
    )
    return redirect("audit:retention")


@requires_permission("audit.export_subject_access")
@require_http_methods(["GET", "POST"])
def subject_access(request):
    """Find the participant who asked for access, see what the export holds, download it."""
    form = ParticipantFindForm((request.POST if request.method == "POST" else _without_name(request.GET)) or None)
    participant, candidates, report = None, [], None
    if form.is_bound and form.is_valid():
        participant, candidates = _participant_for(request, form)
    if request.method == "POST" and participant is not None:
        # Found by name: shown at an address that names them by number only.
        return redirect(f"{reverse('audit:subject_access')}?participant_id={participant.pk}")
    if participant is not None:
        participant, report = selectors.access_request_view(participant=participant, reader=request.user)
    context = {"form": form, "participant": participant, "candidates": candidates, "report": report}
    return render(request, "privacy/subject_access.html", context, status=400 if form.errors else 200)


def _subject_access_export(request, pk, *, fmt):
    participant, report = selectors.access_request_export(pk=pk, reader=request.user)
    audit_event_record(
        action=AuditEvent.Action.ACCESS_REQUEST_EXPORTED,
        actor=request.user,
        obj=participant,
        data={"participant": participant.pk, "format": fmt},
        request=request,
    )
    stamp = timezone.localdate().isoformat()
    if fmt == "pdf":
        response = HttpResponse(
            exports.subject_access_pdf(report, participant=participant), content_type="application/pdf"
        )
    else:
        response = HttpResponse(report.as_json(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="innsyn-deltaker-{participant.pk}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@requires_permission("audit.export_subject_access")
@require_GET
def subject_access_pdf(request, pk):
    return _subject_access_export(request, pk, fmt="pdf")


@requires_permission("audit.export_subject_access")
@require_GET
def subject_access_json(request, pk):
    return _subject_access_export(request, pk, fmt="json")
