"""Mentor sessions: the mentor's home, logging from a phone, corrections, addenda, concern signals.

Each view: scoped selector (404) → right → form → one service → redirect; a
failed form comes back with everything the user typed and a Norwegian message.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorprogram.access import requires_permission
from mentorprogram.forms import apply_validation_error, page_number
from mentorsessions import permissions, selectors, services
from mentorsessions.forms import AcknowledgeForm, AddendumForm, SessionCreateForm, SessionForm, VoidForm
from mentorsessions.models import ConcernSignal


@requires_permission("mentorsessions.log_sessions")
@require_GET
def mentor_home(request):
    """The mentor's start page: my participants, what is due, «log a session» one tap away."""
    rows = selectors.mentor_home(user=request.user)
    return render(request, "mentorsessions/mentor_home.html", {"rows": rows})


def _form_context(request, case, form, **extra):
    return {
        "case": case,
        "form": form,
        "radicalisation_contact": settings.RADICALISATION_CONTACT,
        **extra,
    }


@requires_permission("mentorsessions.log_sessions")
@require_http_methods(["GET", "POST"])
def session_create(request, pk):
    if request.method == "GET":
        case = selectors.case_get_for_logging(user=request.user, pk=pk)
        draft = selectors.session_draft_for(user=request.user, case=case)
        form = SessionCreateForm(initial=SessionCreateForm.initial_for(draft.data if draft else None))
        context = _form_context(request, case, form, draft_saved_at=draft.saved_at if draft else None)
        return render(request, "mentorsessions/session_form.html", context)
    form = SessionCreateForm(request.POST)
    try:
        case = selectors.case_get_for_logging(user=request.user, pk=pk)
    except Http404:
        # The assignment ended while they typed: say so and give the text back, nothing of the case.
        form.is_valid()
        form.add_error(None, services._not_holding_error())
        return render(request, "mentorsessions/session_form.html", _form_context(request, None, form), status=400)
    if form.is_valid():
        try:
            session = services.mentor_session_log(
                actor=request.user,
                case=case,
                submission_key=form.cleaned_data["submission_key"],
                request=request,
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The session is saved."))
            if getattr(session, "concern", None) is not None and session.concern.level == ConcernSignal.Level.ACUTE:
                messages.warning(request, _("Acute danger: call the police on 112 now if you have not done so."))
            return redirect("mentorsessions:detail", pk=session.pk)
    context = _form_context(request, case, form, draft_saved_at=timezone.now())
    return render(request, "mentorsessions/session_form.html", context, status=400)


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@requires_permission("mentorsessions.log_sessions")
@require_POST
def session_draft(request, pk):
    """htmx, as the mentor types: keep the draft; answer with a line for the status region."""
    case = selectors.case_scope_for_logging(user=request.user, pk=pk)
    data = {name: request.POST.get(name, "") for name in services.DRAFT_FIELDS}
    data["topics"] = request.POST.getlist("topics")
    draft = services.session_draft_save(
        actor=request.user, case=case, data=data, submission_key=_uuid_or_none(request.POST.get("submission_key"))
    )
    if draft is None:
        return HttpResponse(_("The session is saved."))
    saved = formats.time_format(timezone.localtime(draft.saved_at), "H:i")
    line = _("Draft saved at %(time)s") % {"time": saved}
    if any("\x00" in value for value in [*request.POST.values(), *data["topics"]]):
        line += " " + _("A null character (NUL) in the text cannot be saved and was left out: the form refuses it too.")
    return HttpResponse(line)


@requires_permission("cases.list_assigned_cases")
@require_GET
def case_sessions(request, pk):
    case = selectors.case_get_for_sessions(user=request.user, pk=pk)
    page = page_number(request)
    sessions, has_next = selectors.session_page_for_case(case=case, page=page)
    context = {
        "case": case,
        "sessions": sessions,
        "page": page,
        "has_next": has_next,
        "may_log_session": permissions.may_start_session(request.user, case),
    }
    return render(request, "mentorsessions/case_sessions.html", context)


def _detail_context(request, session, **bound_forms):
    user = request.user
    concern = getattr(session, "concern", None)
    holds_case = permissions.may_log_session(user, session.case)
    may_add = holds_case and not session.is_voided
    is_author = holds_case and session.mentor_id == user.pk
    return {
        "session": session,
        "case": session.case,
        "concern": concern,
        "addenda": selectors.session_addenda(session=session),
        "editable_until": permissions.session_editable_until(session),
        "may_edit": permissions.may_edit_session(user, session),
        "addendum_form": (bound_forms.get("addendum_form") or AddendumForm()) if may_add else None,
        "void_form": (bound_forms.get("void_form") or VoidForm()) if is_author and not session.is_voided else None,
        "acknowledge_form": (bound_forms.get("acknowledge_form") or AcknowledgeForm())
        if concern is not None and concern.is_open and permissions.may_acknowledge_concern(user, session.case)
        else None,
        "radicalisation_contact": settings.RADICALISATION_CONTACT,
    }


@requires_permission("cases.list_assigned_cases")
@require_GET
def session_detail(request, pk):
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    return render(request, "mentorsessions/session_detail.html", _detail_context(request, session))


@requires_permission("mentorsessions.log_sessions")
@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    if session.mentor_id != request.user.pk:
        raise PermissionDenied
    with_concern = not ConcernSignal.objects.filter(session=session).exists()
    if not permissions.may_edit_session(request.user, session):
        messages.error(request, _("The session can no longer be corrected: write an addendum instead."))
        return redirect("mentorsessions:detail", pk=session.pk)
    if request.method == "POST":
        form = SessionForm(request.POST, with_concern=with_concern)
        if form.is_valid():
            try:
                services.mentor_session_update(
                    actor=request.user, session=session, request=request, **form.service_fields()
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The session is corrected."))
                return redirect("mentorsessions:detail", pk=session.pk)
    else:
        initial = {name: getattr(session, name) for name in services.SESSION_FIELDS}
        form = SessionForm(initial=initial, with_concern=with_concern)
    context = _form_context(
        request, session.case, form, session=session, editable_until=permissions.session_editable_until(session)
    )
    return render(request, "mentorsessions/session_form.html", context, status=400 if form.errors else 200)


def _detail_post(request, pk, *, form_class, name, call, success):
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(session, form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("mentorsessions:detail", pk=session.pk)
    context = _detail_context(request, session, **{name: form})
    return render(request, "mentorsessions/session_detail.html", context, status=400)


@requires_permission("mentorsessions.log_sessions")
@require_POST
def session_addendum_add(request, pk):
    return _detail_post(
        request,
        pk,
        form_class=AddendumForm,
        name="addendum_form",
        call=lambda session, data: services.session_addendum_add(
            actor=request.user, session=session, text=data["text"], request=request
        ),
        success=_("The addendum is saved."),
    )


@requires_permission("mentorsessions.log_sessions")
@require_POST
def session_void(request, pk):
    return _detail_post(
        request,
        pk,
        form_class=VoidForm,
        name="void_form",
        call=lambda session, data: services.mentor_session_void(
            actor=request.user, session=session, reason=data["reason"], request=request
        ),
        success=_("The session is voided. It stays in the record, marked as voided."),
    )


@requires_permission("mentorsessions.follow_sessions")
@require_POST
def concern_acknowledge(request, pk):
    signal = selectors.concern_get_for_user(user=request.user, pk=pk)
    return _detail_post(
        request,
        signal.session_id,
        form_class=AcknowledgeForm,
        name="acknowledge_form",
        call=lambda session, data: services.concern_signal_acknowledge(
            actor=request.user, signal=session.concern, note=data["note"], request=request
        ),
        success=_("The signal is acknowledged; the mentor is told."),
    )


@requires_permission("mentorsessions.follow_sessions")
@require_GET
def coordinator_overview(request):
    """Open concern signals, quiet cases and recent sessions across the cases the user coordinates."""
    page = page_number(request)
    overview = selectors.coordinator_overview(user=request.user, page=page)
    context = {
        "overview": overview,
        "page": page,
        "has_next": overview.has_next,
        "quiet_weeks": settings.SESSION_QUIET_WEEKS,
    }
    return render(request, "mentorsessions/coordinator_overview.html", context)
