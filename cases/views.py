from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import permissions, selectors, services
from cases.forms import (
    AssessmentForm,
    CaseStatusForm,
    ConsentForm,
    DecisionForm,
    DuplicateCheckForm,
    EmergencyAccessForm,
    NetworkMemberForm,
    ParticipantResolveForm,
    ReferralForm,
)
from cases.models import Case, Consent, Referral
from cases.registry import case_page_contributions
from mentorprogram.access import requires_permission
from mentorprogram.forms import apply_validation_error, page_number, strict_int

# --- Cases --------------------------------------------------------------------------------


CASE_STATUS_FILTERS = [("", _lazy("All")), *selectors.CASE_LIST_STATUSES]


@requires_permission("cases.list_assigned_cases")
@require_http_methods(["GET", "POST"])
def case_list(request):
    """The user's cases: filtered by status, track, coordinator, mentor and what is due (in the address), searched
    by name or number (sent by POST, so no name stands in an address or a log)."""
    source = request.POST if request.method == "POST" else request.GET
    holders = selectors.case_list_holders(user=request.user)
    dues = selectors.case_due_choices()

    def chosen(name, allowed):
        value = source.get(name, "")
        return value if value in allowed else ""

    def person(name, kind):
        value = strict_int(source.get(name, ""))
        return value if value in dict(holders[kind]) else None

    filters = selectors.CaseListFilter(
        status=chosen("status", dict(CASE_STATUS_FILTERS)),
        track=chosen("track", Case.Track.values),
        due=chosen("due", dict(dues)),
        coordinator=person("coordinator", "coordinator"),
        mentor=person("mentor", "mentor"),
    )
    # A NUL cannot reach PostgreSQL in a string: left out, like any other character a name cannot hold.
    query = (request.POST.get("q") or "").replace("\x00", "").strip()[:100] if request.method == "POST" else ""
    page = page_number(request)
    if query:
        cases, has_next = selectors.case_search_for_user(user=request.user, query=query, filters=filters)
    else:
        cases, has_next = selectors.case_page_for_user(user=request.user, page=page, filters=filters)
    in_address = {
        "status": filters.status,
        "track": filters.track,
        "due": filters.due,
        "coordinator": filters.coordinator or "",
        "mentor": filters.mentor or "",
    }
    context = {
        "cases": cases,
        "page": page,
        "has_next": has_next and not query,
        "query": urlencode({k: v for k, v in in_address.items() if v}),
        "search": query,
        "filters": filters,
        "in_address": in_address,
        "statuses": CASE_STATUS_FILTERS,
        "tracks": Case.Track.choices,
        "dues": dues,
        "coordinators": holders["coordinator"],
        "mentors": holders["mentor"],
    }
    return render(request, "cases/case_list.html", context)


def _case_detail_context(request, case, **bound_forms):
    """The case page; ``bound_forms`` carry a failed form back with what the user typed."""
    can_change = request.user.has_perm("cases.change_case", case)
    may_read_sessions = request.user.has_perm("cases.view_sessions", case)
    assignments = list(selectors.case_active_assignments(case=case))
    context = {
        "case": case,
        "can_change": can_change,
        "is_assigned_mentor": any(a.user_id == request.user.pk and a.kind == "mentor" for a in assignments),
        "has_mentor": any(a.kind == "mentor" for a in assignments),
        "assignments": assignments,
        "may_assign": permissions.may_assign(request.user, case),
        "timeline": selectors.case_timeline(case=case, reader=request.user),
        "may_read_sessions": may_read_sessions,
        "emergency_access": selectors.emergency_access_active(user=request.user, case_pk=case.pk),
        "assessment": next(iter(selectors.case_content(case, "assessments")), None),  # the newest
        "network": selectors.case_content(case, "network"),
        "consents": selectors.case_content(case, "consents"),
    }
    # What the other apps offer on the case page (may_match, may_log_session, may_record_disclosure, ...).
    for contribute in case_page_contributions():
        context.update(contribute(case=case, user=request.user))
    if can_change:
        # audit: a dict of page context, not a queryset
        context.update(
            status_form=bound_forms.get("status_form")
            or (CaseStatusForm(case=case) if Case.TRANSITIONS[case.status] else None),
            assessment_form=bound_forms.get("assessment_form") or AssessmentForm(prefix="assessment"),
            network_form=bound_forms.get("network_form") or NetworkMemberForm(prefix="network"),
            consent_form=bound_forms.get("consent_form") or ConsentForm(prefix="consent"),
        )
    return context


@requires_permission("cases.list_assigned_cases")
@require_GET
def case_detail(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    return render(request, "cases/case_detail.html", _case_detail_context(request, case))


@requires_permission("cases.list_assigned_cases")
@require_POST
def case_status(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    form = CaseStatusForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_status_change(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The status is changed."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_detail.html", _case_detail_context(request, case, status_form=form), status=400)


def _case_form_post(request, pk, *, form_class, prefix, service, success):
    """One POST on a case: validate, call the service, or show the page again with what was typed."""
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            service(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("cases:detail", pk=case.pk)
    context = _case_detail_context(request, case, **{f"{prefix}_form": form})
    return render(request, "cases/case_detail.html", context, status=400)


@requires_permission("cases.list_assigned_cases")
@require_POST
def case_assessment_add(request, pk):
    return _case_form_post(
        request,
        pk,
        form_class=AssessmentForm,
        prefix="assessment",
        service=services.assessment_record,
        success=_("The assessment is saved."),
    )


@requires_permission("cases.list_assigned_cases")
@require_POST
def case_network_add(request, pk):
    return _case_form_post(
        request,
        pk,
        form_class=NetworkMemberForm,
        prefix="network",
        service=services.network_member_add,
        success=_("Added to the network map."),
    )


@requires_permission("cases.list_assigned_cases")
@require_POST
def case_consent_add(request, pk):
    return _case_form_post(
        request,
        pk,
        form_class=ConsentForm,
        prefix="consent",
        service=services.consent_record,
        success=_("The consent is recorded."),
    )


@requires_permission("cases.list_assigned_cases")
@require_POST
def case_consent_withdraw(request, pk, consent_pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    consent = Consent.objects.filter(case=case, pk=consent_pk).first()
    if consent is None:
        raise Http404
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The consent is withdrawn, from now on."))
    return redirect("cases:detail", pk=case.pk)


@requires_permission("cases.list_assigned_cases")
@require_POST
def case_assignment_end(request, pk, assignment_pk):
    """End a mentor's or coordinator's assignment (SLT coordinators, the case's coordinator): the rights go at once."""
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    assignment = case.assignments.filter(pk=assignment_pk, ended_at__isnull=True).select_related("user").first()
    if assignment is None:
        raise Http404
    reason = (request.POST.get("reason") or "").strip()[:2000]
    if not reason:
        messages.error(request, _("Say why the assignment ends; the person is told that it has."))
        return redirect("cases:detail", pk=case.pk)
    try:
        services.case_assignment_end(actor=request.user, assignment=assignment, reason=reason, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The assignment of %(name)s has ended, and they have been told.")
            % {"name": assignment.user.get_full_name() or assignment.user.username},
        )
    if request.user.has_perm("cases.view_case", case):
        return redirect("cases:detail", pk=case.pk)
    return redirect("cases:list")  # they ended their own assignment: the case is out of their reach now


# --- Emergency access (break-the-glass) ---------------------------------------------------


@requires_permission("cases.open_emergency_access")
@require_http_methods(["GET", "POST"])
def emergency_access(request, pk):
    """Open time-limited read access to a case the user does not hold. Shows nothing of the case but its number.

    Every number gets the same form, whether a case has it, is open or is
    closed: the page must not tell who may open it which cases exist. Only
    a sent form with a valid code learns that this number cannot be opened.
    """
    case = Case.objects.filter(pk=pk).first()
    if case is not None and request.user.has_perm("cases.view_case", case):  # held, or emergency access open
        return redirect("cases:detail", pk=case.pk)
    form = EmergencyAccessForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (case is None or not permissions.may_open_emergency_access(request.user, case))
    ):
        try:
            services.emergency_access_refuse(actor=request.user, otp_token=form.cleaned_data["otp_token"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
    elif request.method == "POST" and form.is_valid():
        try:
            grant = services.emergency_access_open(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.warning(
                request,
                _("Emergency access is open until %(time)s. The privacy officer has been told.")
                % {"time": formats.time_format(timezone.localtime(grant.expires_at), "TIME_FORMAT")},
            )
            return redirect("cases:detail", pk=case.pk)
    if form.is_bound:
        form.data = form.data.copy()
        form.data["otp_token"] = ""  # a used code is never shown again
    context = {"case_pk": pk, "form": form, "hours": settings.EMERGENCY_ACCESS_HOURS}
    return render(request, "cases/emergency_access.html", context, status=400 if form.is_bound else 200)


@requires_permission("cases.open_emergency_access")
@require_POST
def emergency_access_end(request, pk):
    grant = selectors.emergency_access_active(user=request.user, case_pk=pk)
    if grant is None:
        raise Http404
    services.emergency_access_end(actor=request.user, grant=grant, request=request)
    messages.success(request, _("Your emergency access is closed."))
    return redirect("home")


# --- Referrals ----------------------------------------------------------------------------


@requires_permission("cases.submit_referral")
@require_http_methods(["GET", "POST"])
def referral_create(request):
    """Intake: a referrer's own tip, or one an SLT coordinator or coordinator types in."""
    user = request.user
    initial = {}
    if not user.has_perm("cases.triage_referral"):
        initial = {"referrer_name": user.get_full_name(), "referrer_email": user.email}
    form = ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "submission_key"}
        referral = services.referral_submit(actor=user, submission_key=form.cleaned_data["submission_key"], **fields)
        if referral.is_acute:
            messages.warning(request, _("Acute danger: call the police on 112 now if you have not done so."))
        messages.success(request, _("Referral %(reference)s is registered.") % {"reference": referral.reference})
        if user.has_perm("cases.triage_referral"):
            return redirect("cases:referral_detail", pk=referral.pk)
        return redirect("cases:referral_receipt", pk=referral.pk)
    context = {"form": form, "duplicate_check": user.has_perm("cases.triage_referral")}
    return render(request, "cases/referral_form.html", context, status=400 if form.errors else 200)


@requires_permission("cases.triage_referral")
@require_POST
def referral_duplicate_check(request):
    """At intake (htmx): known participants like the one being typed in, for SLT coordinators only.

    A POST: the name, date of birth and national id never stand in a URL,
    where proxies, access logs and browser history would keep them.
    """
    form = DuplicateCheckForm(request.POST)
    matches = []
    if form.is_valid():
        matches = selectors.participant_duplicates(**form.cleaned_data)
    return render(request, "cases/includes/duplicate_check.html", {"matches": matches, "checked": form.is_valid()})


@requires_permission("cases.submit_referral")
@require_GET
def referral_mine(request):
    return render(
        request, "cases/referral_mine.html", {"referrals": selectors.referral_list_for_referrer(user=request.user)}
    )


@requires_permission("cases.triage_referral")
@require_GET
def triage_queue(request):
    filters = {name: request.GET.get(name, default) for name, default in selectors.QUEUE_FILTER_DEFAULTS.items()}
    page = page_number(request)
    referrals, has_next = selectors.referral_queue_page(user=request.user, page=page, **filters)
    query = urlencode({k: v for k, v in filters.items() if v})
    context = {
        "referrals": referrals,
        "page": page,
        "has_next": has_next,
        "query": query,
        "filters": filters,
        "statuses": [("open", _("Open")), ("all", _("All")), *Referral.Status.choices],
        "urgencies": Referral.Urgency.choices,
        "sources": Referral.Source.choices,
        "sorts": [("urgency", _("Most urgent")), ("waiting", _("Waited longest")), ("newest", _("Newest"))],
    }
    return render(request, "cases/triage_queue.html", context)


def _referral_detail(request, referral, *, decision_form=None, resolve_error=None, status=200):
    duplicates = []
    if referral.participant_id is None:
        duplicates = selectors.referral_participant_matches(referral=referral)
    others = selectors.referral_other_open(referral=referral)
    context = {
        "referral": referral,
        "duplicates": duplicates,
        "resolve_error": resolve_error,
        "decision_form": decision_form or DecisionForm(others=others),
        "has_open_case": referral.participant_id is not None
        and referral.participant.cases.exclude(status=Case.Status.CLOSED).exists(),
        "may_open_case": referral.case_id is not None and request.user.has_perm("cases.view_case", referral.case),
        "case_coordinator_names": ", ".join(
            user.get_full_name() or user.username
            for user in (selectors.case_coordinators(referral.case) if referral.case_id else [])
        ),
    }
    return render(request, "cases/referral_detail.html", context, status=status)


@requires_permission("cases.triage_referral")
@require_GET
def referral_detail(request, pk):
    return _referral_detail(request, selectors.referral_get_for_triage(user=request.user, pk=pk))


@requires_permission("cases.triage_referral")
@require_POST
def referral_resolve_participant(request, pk):
    referral = selectors.referral_get_for_triage(user=request.user, pk=pk)
    form = ParticipantResolveForm(request.POST)
    participant = None
    if form.is_valid() and form.cleaned_data["participant"] != "new":
        # Only a participant the duplicate search offered for this referral.
        participant = selectors.referral_participant_offered(
            referral=referral, participant_pk=form.cleaned_data["participant"]
        )
        if participant is None:
            return _referral_detail(
                request, referral, resolve_error=_("Choose one of the participants suggested."), status=400
            )
    try:
        services.referral_participant_resolve(actor=request.user, referral=referral, participant=participant)
    except ValidationError as exc:
        return _referral_detail(request, referral, resolve_error=" ".join(exc.messages), status=400)
    messages.success(request, _("The participant is settled for this referral."))
    return redirect("cases:referral_detail", pk=referral.pk)


@requires_permission("cases.triage_referral")
@require_POST
def referral_decide(request, pk):
    referral = selectors.referral_get_for_triage(user=request.user, pk=pk)
    form = DecisionForm(request.POST, others=selectors.referral_other_open(referral=referral))
    if form.is_valid():
        try:
            referral = services.referral_decide(
                actor=request.user, referral=referral, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if referral.status != Referral.Status.ACCEPTED:
                messages.success(request, _("The decision is recorded."))
                return redirect("cases:triage")
            if request.user.has_perm("cases.view_case", referral.case):
                messages.success(
                    request,
                    _("The referral is accepted into this case, which you hold. Next: record the assessment.")
                    if not referral.case.assessments.exists()
                    else _("The referral is accepted into this case, which you hold."),
                )
                return redirect("cases:detail", pk=referral.case_id)
            messages.success(request, _("The decision is recorded."))
            # It joined an open case someone else holds: the referral's page says whose, never a 404.
            return redirect("cases:referral_detail", pk=referral.pk)
    referral.refresh_from_db()
    return _referral_detail(request, referral, decision_form=form, status=400)
