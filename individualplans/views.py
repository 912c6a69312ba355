"""Individual plans: the pages. Thin: the rules are in services, selectors and permissions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Consent
from cases.selectors import case_get_for_user
from individualplans import permissions, selectors, services
from individualplans.forms import (
    CloseForm,
    EvaluationForm,
    GoalForm,
    HandoverForm,
    MeasureForm,
    PlanConsentForm,
    PlanEditForm,
    PlanStartForm,
)
from mentorprogram.access import requires_permission
from mentorprogram.forms import apply_validation_error, page_number
from mentorprogram.pdf import pdf_render

# Every plan page: verified users whose role reaches cases (SLT coordinators, coordinators, mentors);
# which plan each may read or change is decided per plan (``permissions``), and a plan they may not read is a 404.
PLAN_PAGES = "cases.list_assigned_cases"


@requires_permission(PLAN_PAGES)
@require_GET
def plan_list(request):
    page = page_number(request)
    include_closed = request.GET.get("closed") == "1"
    plans, has_next = selectors.plan_list_for_user(user=request.user, page=page, include_closed=include_closed)
    context = {"plans": plans, "page": page, "has_next": has_next, "include_closed": include_closed}
    return render(request, "individualplans/plan_list.html", context)


def _plan_context(request, plan, **extra):
    page = selectors.plan_page(plan=plan)
    return {
        "page": page,
        "plan": plan,
        "may_edit": permissions.may_edit_plan(request.user, plan, consent_in_force=page.consent_in_force),
        "may_hand_over": permissions.may_hand_over(request.user, plan),
        "may_close": permissions.may_close_plan(request.user, plan),
        "may_withdraw": permissions.may_withdraw_plan_consent(request.user, plan) and plan.is_active,
        "may_renew_consent": permissions.may_record_plan_consent(request.user, plan.case, plan) and plan.is_active,
        "today": timezone.localdate(),
        **extra,
    }


@requires_permission(PLAN_PAGES)
@require_GET
def plan_detail(request, pk):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    return render(request, "individualplans/plan_detail.html", _plan_context(request, plan))


@requires_permission(PLAN_PAGES)
@require_http_methods(["GET", "POST"])
def plan_start(request, pk):
    """Start a plan in a case: first the participant's consent, then the plan with its coordinator."""
    case = case_get_for_user(user=request.user, pk=pk)
    if not permissions.may_start_plan(request.user, case):
        raise PermissionDenied
    coordinators = selectors.coordinator_choices()
    consent_form = PlanConsentForm(prefix="consent")
    start_form = PlanStartForm(prefix="plan", coordinators=coordinators, initial={"coordinator": request.user.pk})
    status = 200
    if request.method == "POST" and request.POST.get("step") == "consent":
        consent_form = PlanConsentForm(request.POST, prefix="consent")
        if consent_form.is_valid():
            try:
                services.plan_consent_record(actor=request.user, case=case, **consent_form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(consent_form, exc)
            else:
                messages.success(request, _("The consent to an individual plan is recorded."))
                return redirect("plans:start", pk=case.pk)
        status = 400
    elif request.method == "POST":
        start_form = PlanStartForm(request.POST, prefix="plan", coordinators=coordinators)
        if start_form.is_valid():
            try:
                plan = services.plan_start(actor=request.user, case=case, request=request, **start_form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(start_form, exc)
            else:
                messages.success(request, _("The individual plan is started. Add the participant's goals."))
                return redirect("plans:detail", pk=plan.pk)
        status = 400
    context = {
        "case": case,
        "consent_in_force": permissions.plan_consent_in_force(case.pk),
        "active_plan": case.plans.filter(status="active").first(),
        "consent_form": consent_form,
        "start_form": start_form,
    }
    return render(request, "individualplans/plan_start.html", context, status=status)


@requires_permission(PLAN_PAGES)
@require_http_methods(["GET", "POST"])
def plan_consent(request, pk):
    """Renew the participant's consent to a plan they have (a new consent; the old ones stay as they were)."""
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not (plan.is_active and permissions.may_record_plan_consent(request.user, plan.case, plan)):
        raise PermissionDenied
    form = PlanConsentForm(request.POST or None, prefix="consent")
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_consent_record(actor=request.user, case=plan.case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The consent to an individual plan is recorded."))
            return redirect("plans:detail", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "individualplans/plan_consent.html", {"plan": plan, "form": form}, status=status)


@requires_permission(PLAN_PAGES)
@require_POST
def plan_consent_withdraw(request, pk, consent_pk):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    consent = Consent.objects.filter(case_id=plan.case_id, pk=consent_pk, plan_consent__isnull=False).first()
    if consent is None:
        raise Http404
    try:
        services.plan_consent_withdraw(actor=request.user, plan=plan, consent=consent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.warning(request, _("The consent is withdrawn. Work on the plan stops from now on."))
    return redirect("plans:detail", pk=plan.pk)


def _versioned_edit(request, *, form, save, current_of, success, redirect_to, template, context):
    """POST of a form that edits a row: save, or show it again with what was typed (and, on a conflict, what is saved)."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save(form.service_fields())
            except services.EditConflict as exc:
                form = form.with_version(exc.current.version)
                form.add_error(None, exc.messages)
                context["saved_now"] = current_of(exc.current)
                status = 409
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, success)
                return redirect_to
    return render(request, template, {**context, "form": form}, status=status)


@requires_permission(PLAN_PAGES)
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not permissions.may_edit_plan(request.user, plan):
        raise PermissionDenied
    initial = {"participant_words": plan.participant_words, "services": plan.services, "version": plan.version}
    form = PlanEditForm(request.POST or None, initial=initial)
    return _versioned_edit(
        request,
        form=form,
        save=lambda fields: services.plan_update(
            actor=request.user, plan=plan, **fields, version=form.cleaned_data["version"]
        ),
        current_of=lambda current: {
            _("What matters to the participant"): current.participant_words,
            _("Services taking part"): ", ".join(str(label) for label in current.service_labels),
        },
        success=_("The plan is saved."),
        redirect_to=redirect("plans:detail", pk=plan.pk),
        template="individualplans/plan_form.html",
        context={"plan": plan, "title": _("The participant's words and the services")},
    )


@requires_permission(PLAN_PAGES)
@require_http_methods(["GET", "POST"])
def goal_add(request, pk):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not permissions.may_edit_plan(request.user, plan):
        raise PermissionDenied
    form = GoalForm(request.POST or None)
    return _versioned_edit(
        request,
        form=form,
        save=lambda fields: services.goal_add(actor=request.user, plan=plan, **fields),
        current_of=dict,
        success=_("The goal is added."),
        redirect_to=redirect("plans:detail", pk=plan.pk),
        template="individualplans/plan_form.html",
        context={"plan": plan, "title": _("New goal")},
    )


def _goal_saved(goal) -> dict:
    return {
        _("Life area"): goal.get_life_area_display(),
        _("The goal"): goal.wording,
        _("Status"): goal.get_status_display(),
        _("Target date"): goal.target_date,
    }


@requires_permission(PLAN_PAGES)
@require_http_methods(["GET", "POST"])
def goal_edit(request, pk):
    goal = selectors.goal_for_user(user=request.user, pk=pk)
    if not permissions.may_edit_plan(request.user, goal.plan):
        raise PermissionDenied
    initial = {f: getattr(goal, f) for f in ("life_area", "wording", "status", "target_date", "version")}
    form = GoalForm(request.POST or None, initial=initial)
    return _versioned_edit(
        request,
        form=form,
        save=lambda fields: services.goal_update(
            actor=request.user, goal=goal, version=form.cleaned_data["version"], **fields
        ),
        current_of=_goal_saved,
        success=_("The goal is saved."),
        redirect_to=redirect("plans:detail", pk=goal.plan_id),
        template="individualplans/plan_form.html",
        context={"plan": goal.plan, "title": _("Change the goal")},
    )


@requires_permission(PLAN_PAGES)
@require_http_methods(["GET", "POST"])
def measure_add(request, pk):
    goal = selectors.goal_for_user(user=request.user, pk=pk)
    if not permissions.may_edit_plan(request.user, goal.plan):
        raise PermissionDenied
    form = MeasureForm(request.POST or None)
    return _versioned_edit(
        request,
        form=form,
        save=lambda fields: services.measure_add(actor=request.user, goal=goal, **fields),
        current_of=dict,
        success=_("The measure is added."),
        redirect_to=redirect("plans:detail", pk=goal.plan_id),
        template="individualplans/plan_form.html",
        context={"plan": goal.plan, "goal": goal, "title": _("New measure")},
    )


def _measure_saved(measure) -> dict:
    return {
        _("What will be done"): measure.description,
        _("Responsible service"): measure.get_service_display(),
        _("Person responsible"): measure.responsible_person,
        _("Starts"): measure.starts_on,
        _("Ends"): measure.ends_on or "–",
        _("Status"): measure.get_status_display(),
    }


@requires_permission(PLAN_PAGES)
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk):
    measure = selectors.measure_for_user(user=request.user, pk=pk)
    if not permissions.may_edit_plan(request.user, measure.plan):
        raise PermissionDenied
    fields = ("description", "service", "responsible_person", "starts_on", "ends_on", "status", "version")
    form = MeasureForm(request.POST or None, initial={f: getattr(measure, f) for f in fields})
    return _versioned_edit(
        request,
        form=form,
        save=lambda fields: services.measure_update(
            actor=request.user, measure=measure, version=form.cleaned_data["version"], **fields
        ),
        current_of=_measure_saved,
        success=_("The measure is saved."),
        redirect_to=redirect("plans:detail", pk=measure.plan_id),
        template="individualplans/plan_form.html",
        context={"plan": measure.plan, "goal": measure.goal, "title": _("Change the measure")},
    )


@requires_permission(PLAN_PAGES)
@require_http_methods(["GET", "POST"])
def evaluation_add(request, pk):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not permissions.may_edit_plan(request.user, plan):
        raise PermissionDenied
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_record(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The evaluation is recorded."))
            return redirect("plans:detail", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "form": form, "title": _("Record an evaluation")}
    return render(request, "individualplans/plan_form.html", context, status=status)


@requires_permission(PLAN_PAGES)
@require_http_methods(["GET", "POST"])
def plan_handover(request, pk):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not permissions.may_hand_over(request.user, plan):
        raise PermissionDenied
    current = plan.current_period()
    coordinators = selectors.coordinator_choices(exclude=current.coordinator if current else None)
    form = HandoverForm(request.POST or None, coordinators=coordinators)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.plan_hand_over(actor=request.user, plan=plan, request=request, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The plan is handed over to %(name)s, who has been told.")
                % {"name": period.coordinator.get_full_name() or period.coordinator.username},
            )
            if permissions.may_read_plan(request.user, plan):
                return redirect("plans:detail", pk=plan.pk)
            return redirect("plans:list")
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "form": form, "current": current}
    return render(request, "individualplans/plan_handover.html", context, status=status)


@requires_permission(PLAN_PAGES)
@require_http_methods(["GET", "POST"])
def plan_close(request, pk):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not permissions.may_close_plan(request.user, plan):
        raise PermissionDenied
    form = CloseForm(request.POST or None, initial={"version": plan.version})
    return _versioned_edit(
        request,
        form=form,
        save=lambda fields: services.plan_close(
            actor=request.user, plan=plan, version=form.cleaned_data["version"], note=fields["note"]
        ),
        current_of=lambda current: {_("Status"): current.get_status_display()},
        success=_("The plan is closed. It can still be read and printed."),
        redirect_to=redirect("plans:detail", pk=plan.pk),
        template="individualplans/plan_form.html",
        context={"plan": plan, "title": _("Close the plan")},
    )


@requires_permission(PLAN_PAGES)
@require_GET
def plan_pdf(request, pk):
    """The participant's own copy of the plan, as a PDF. Printing it is recorded as an export."""
    plan = selectors.plan_for_print(user=request.user, pk=pk)
    document = pdf_render("individualplans/plan_pdf.html", {"page": selectors.plan_page(plan=plan), "plan": plan})
    response = HttpResponse(document, content_type="application/pdf")
    # No name in the file name: it ends up in download folders and browser histories.
    response["Content-Disposition"] = f'inline; filename="individuell-plan-{plan.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
