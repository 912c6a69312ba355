"""Writes on mentor sessions, addenda, drafts and concern signals. Every change happens here.

Who may call what: the assigned mentor logs, corrects (its author, for 24
hours), adds to and voids sessions on the cases they hold (object right
``cases.log_session``); the case's coordinator acknowledges concern signals
(``cases.change_case``). Each function checks the right itself, so a view, an
API endpoint and a task get the same answer.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_event_record
from cases.models import Case
from cases.retention import delete_each
from cases.selectors import case_coordinators
from mentorprogram.roles import SLT_COORDINATOR, active_users_with_role
from mentorsessions.models import ConcernSignal, MentorSession, MentorSessionDraft, SessionAddendum
from mentorsessions.permissions import (
    may_acknowledge_concern,
    may_log_session,
    may_start_session,
    session_editable_until,
)
from notifications.models import Notification
from notifications.services import notification_send

# The fields a mentor types into a session (the form and the draft hold these).
SESSION_FIELDS = (
    "held_on",
    "duration_minutes",
    "mode",
    "topics",
    "notes",
    "progress",
    "next_step",
    "next_meeting_on",
)
DRAFT_FIELDS = SESSION_FIELDS + ("concern_level", "concern_description")
DRAFT_MAX_CHARS = 20_000
# Set by the service, not typed: left out of full_clean.
NOT_TYPED = ["case", "mentor", "submission_key", "voided_by"]
# full_clean asks the database about each check constraint (a savepoint and a query); _validate_session has
# already said what is wrong with the duration in words, and the constraints stay the law in the database.
CLEAN = {"exclude": NOT_TYPED, "validate_constraints": False}


def _not_holding_error() -> ValidationError:
    return ValidationError(
        _(
            "You no longer hold this case as its mentor, so the session cannot be saved here. "
            "Your text is kept below: copy it and contact the coordinator."
        ),
        code="not_assigned",
    )


def _validate_session(*, case: Case, fields: dict, concern_level: str = "", concern_description: str = "") -> None:
    """The rules a session's content must follow, with a Norwegian message at each field."""
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"unknown session fields {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    held_on = fields.get("held_on")
    if held_on is not None:
        if held_on > today:
            errors.setdefault("held_on", []).append(_("The date cannot be in the future."))
        elif held_on < timezone.localtime(case.opened_at).date():
            errors.setdefault("held_on", []).append(
                _("The date is before the case was opened (%(date)s).")
                % {"date": formats.date_format(timezone.localtime(case.opened_at).date(), "SHORT_DATE_FORMAT")}
            )
    duration = fields.get("duration_minutes")
    if duration is not None:
        if duration < 1:
            errors.setdefault("duration_minutes", []).append(_("The duration must be at least one minute."))
        elif duration > 24 * 60:
            errors.setdefault("duration_minutes", []).append(
                _("A session cannot last more than 24 hours (1440 minutes).")
            )
    next_meeting_on = fields.get("next_meeting_on")
    if next_meeting_on is not None and held_on is not None and next_meeting_on < held_on:
        errors.setdefault("next_meeting_on", []).append(_("The next meeting cannot be before this session."))
    if concern_level and concern_level not in ConcernSignal.Level.values:
        errors.setdefault("concern_level", []).append(_("Choose a level from the list."))
    if concern_level and not (concern_description or "").strip():
        errors.setdefault("concern_description", []).append(
            _("Describe what worries you, so the coordinator can act on it.")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def mentor_session_log(
    *,
    actor,
    case: Case,
    submission_key,
    concern_level: str = "",
    concern_description: str = "",
    request=None,
    **fields,
) -> MentorSession:
    """Log a session on a case the actor holds as mentor; raise its concern signal; drop the draft.

    The same ``submission_key`` twice (a double tap, a resent form) returns the
    first session. A concern signal notifies the case's coordinator at once
    (and the SLT coordinators when it is acute or the case has no coordinator).
    """
    existing = MentorSession.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.mentor_id != actor.pk:
            raise PermissionDenied
        return existing
    if not may_log_session(actor, case):
        raise _not_holding_error()
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("The case is closed; sessions can no longer be logged on it."), code="closed")
    _validate_session(case=case, fields=fields, concern_level=concern_level, concern_description=concern_description)
    session = MentorSession(case=case, mentor=actor, submission_key=submission_key, **fields)
    session.full_clean(**CLEAN)
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        # The same form arrived twice at once: the other request saved it.
        existing = MentorSession.objects.filter(submission_key=submission_key, mentor=actor).first()
        if existing is None:
            raise
        return existing
    if concern_level:
        _concern_raise(
            actor=actor, session=session, level=concern_level, description=concern_description.strip(), request=request
        )
    for draft in MentorSessionDraft.objects.filter(case=case, mentor=actor):
        draft.delete()
    return session


def _concern_recipients(case: Case, *, level: str, escalation: bool = False) -> list:
    """The case's coordinators; the SLT coordinators too for an acute or escalated signal, or a case without one."""
    recipients = case_coordinators(case)
    if escalation or level == ConcernSignal.Level.ACUTE or not recipients:
        recipients += list(active_users_with_role(SLT_COORDINATOR))
    unique = {}
    for user in recipients:
        unique.setdefault(user.pk, user)
    return list(unique.values())


def _concern_url(recipient, signal: ConcernSignal) -> str:
    # Only a holder of the case can open the session; an SLT coordinator who
    # does not hold it is offered emergency access; others get the overview.
    if recipient.has_perm("cases.view_sessions", signal.case):
        return reverse("mentorsessions:detail", args=[signal.session_id])
    if recipient.has_perm("cases.open_emergency_access"):
        return reverse("cases:emergency_access", args=[signal.case_id])
    return reverse("mentorsessions:overview")


def _concern_raise(*, actor, session: MentorSession, level: str, description: str, request=None) -> ConcernSignal:
    signal = ConcernSignal.objects.create(
        session=session, case=session.case, level=level, description=description, raised_by=actor
    )
    audit_event_record(
        action=AuditEvent.Action.CONCERN_RAISED,
        actor=actor,
        obj=signal,
        data={"case": session.case_id, "session": session.pk, "level": level},
        request=request,
    )
    for recipient in _concern_recipients(session.case, level=level):
        if recipient.pk == actor.pk:
            continue
        notification_send(
            recipient=recipient,
            kind=Notification.Kind.CONCERN_SIGNAL,
            params={"case": session.case_id, "level": level, "signal": signal.pk},
            url=_concern_url(recipient, signal),
            dedup_key=f"concern_signal:{signal.pk}",
        )
    return signal


def _session_for_update(session: MentorSession) -> MentorSession:
    return MentorSession.objects.select_for_update().select_related("case").get(pk=session.pk)


@transaction.atomic
def mentor_session_update(
    *, actor, session: MentorSession, concern_level: str = "", concern_description: str = "", request=None, **fields
) -> MentorSession:
    """Correct a session: its author only, within 24 hours of recording it, while holding the case.

    A concern signal may be raised by a correction; one already raised stays as it is.
    """
    session = _session_for_update(session)
    if session.mentor_id != actor.pk:
        raise PermissionDenied
    if session.is_voided:
        raise ValidationError(_("The session is voided and cannot be changed."), code="voided")
    if timezone.now() >= session_editable_until(session):
        raise ValidationError(
            _("More than 24 hours have passed since the session was logged: write an addendum instead."),
            code="edit_window",
        )
    if not may_log_session(actor, session.case):
        raise _not_holding_error()
    has_signal = ConcernSignal.objects.filter(session=session).exists()
    if has_signal:
        concern_level, concern_description = "", ""
    _validate_session(
        case=session.case, fields=fields, concern_level=concern_level, concern_description=concern_description
    )
    changed = sorted(name for name, value in fields.items() if getattr(session, name) != value)
    for name in changed:
        setattr(session, name, fields[name])
    if changed:
        session.full_clean(**CLEAN)
        session.updated_at = timezone.now()
        session.save(update_fields=[*changed, "updated_at"])
        audit_event_record(
            action=AuditEvent.Action.SESSION_CORRECTED,
            actor=actor,
            obj=session,
            data={"case": session.case_id, "fields": changed},
            request=request,
        )
    if concern_level:
        _concern_raise(
            actor=actor, session=session, level=concern_level, description=concern_description.strip(), request=request
        )
    return session


@transaction.atomic
def session_addendum_add(*, actor, session: MentorSession, text: str, request=None) -> SessionAddendum:
    """Add to a session, dated and attributed: any mentor who holds the case, at any time; never changed after."""
    session = _session_for_update(session)
    if not may_log_session(actor, session.case):
        raise _not_holding_error()
    if session.is_voided:
        raise ValidationError(_("The session is voided; nothing more can be added to it."), code="voided")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the addendum.")]})
    addendum = SessionAddendum(session=session, text=text, written_by=actor)
    addendum.full_clean(exclude=["session", "written_by"])
    addendum.save()
    return addendum


@transaction.atomic
def mentor_session_void(*, actor, session: MentorSession, reason: str, request=None) -> MentorSession:
    """Void a session logged by mistake: its author, holding the case, with a reason. It stays, marked void."""
    session = _session_for_update(session)
    if session.mentor_id != actor.pk:
        raise PermissionDenied
    if not may_log_session(actor, session.case):
        raise _not_holding_error()
    if session.is_voided:
        raise ValidationError(_("The session is already voided."), code="voided")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the session is voided.")]})
    session.voided_at, session.voided_by, session.void_reason = timezone.now(), actor, reason
    session.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit_event_record(
        action=AuditEvent.Action.SESSION_VOIDED,
        actor=actor,
        obj=session,
        data={"case": session.case_id},
        request=request,
    )
    return session


@transaction.atomic
def concern_signal_acknowledge(*, actor, signal: ConcernSignal, note: str, request=None) -> ConcernSignal:
    """The case's coordinator has read the signal and says what is done; the mentor is told."""
    signal = ConcernSignal.objects.select_for_update().select_related("case").get(pk=signal.pk)
    if not may_acknowledge_concern(actor, signal.case):
        raise PermissionDenied
    if signal.acknowledged_at is not None:
        who = signal.acknowledged_by
        raise ValidationError(
            _("%(name)s acknowledged this signal at %(time)s.")
            % {
                "name": who.get_full_name() or who.username,
                "time": formats.date_format(timezone.localtime(signal.acknowledged_at), "SHORT_DATETIME_FORMAT"),
            },
            code="acknowledged",
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Write what you have done or will do.")]})
    signal.acknowledged_at, signal.acknowledged_by, signal.acknowledgement = timezone.now(), actor, note
    signal.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement"])
    audit_event_record(
        action=AuditEvent.Action.CONCERN_ACKNOWLEDGED,
        actor=actor,
        obj=signal,
        data={"case": signal.case_id, "level": signal.level},
        request=request,
    )
    mentor = signal.raised_by
    if mentor.is_active and mentor.pk != actor.pk:
        notification_send(
            recipient=mentor,
            kind=Notification.Kind.CONCERN_ACKNOWLEDGED,
            params={"case": signal.case_id, "level": signal.level, "signal": signal.pk},
            url=reverse("mentorsessions:detail", args=[signal.session_id]),
            dedup_key=f"concern_acknowledged:{signal.pk}",
        )
    return signal


def concern_signals_escalate(*, now: datetime.datetime | None = None) -> int:
    """Escalate every signal unanswered past its level's limit (CONCERN_ESCALATION_HOURS), once.

    Called by beat every few minutes. Each signal is escalated in its own
    transaction under a row lock, so two runs at once escalate it once.
    Returns how many signals were escalated.
    """
    now = now or timezone.now()
    escalated = 0
    for level, hours in settings.CONCERN_ESCALATION_HOURS.items():
        due = ConcernSignal.objects.filter(
            level=level,
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
            raised_at__lte=now - datetime.timedelta(hours=hours),
        ).order_by("raised_at", "pk")
        for signal_id in due.values_list("pk", flat=True):
            with transaction.atomic():
                signal = (
                    ConcernSignal.objects.select_for_update(skip_locked=True)
                    .select_related("case")
                    .filter(pk=signal_id, acknowledged_at__isnull=True, escalated_at__isnull=True)
                    .first()
                )
                if signal is None:
                    continue
                signal.escalated_at = now
                signal.save(update_fields=["escalated_at"])
                audit_event_record(
                    action=AuditEvent.Action.CONCERN_ESCALATED,
                    obj=signal,
                    data={"case": signal.case_id, "level": signal.level, "hours": hours},
                )
                for recipient in _concern_recipients(signal.case, level=signal.level, escalation=True):
                    notification_send(
                        recipient=recipient,
                        kind=Notification.Kind.CONCERN_ESCALATED,
                        params={"case": signal.case_id, "level": signal.level, "hours": hours, "signal": signal.pk},
                        url=_concern_url(recipient, signal),
                        dedup_key=f"concern_escalated:{signal.pk}",
                    )
                escalated += 1
    return escalated


def session_draft_save(*, actor, case: Case, data: dict, submission_key=None) -> MentorSessionDraft | None:
    """Keep what the mentor has typed so far into a new session on ``case`` (one draft per mentor and case).

    An autosave that arrives after its form was saved (``submission_key`` names
    a logged session) is dropped: it must not bring the saved text back as a
    draft for the next session. Returns None then.
    """
    if not may_log_session(actor, case):
        raise _not_holding_error()
    if submission_key is not None and MentorSession.objects.filter(submission_key=submission_key).exists():
        return None
    clean = {}
    for name in DRAFT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        # A null character cannot be stored (PostgreSQL refuses it): left out, and the view says so.
        if isinstance(value, list):
            clean[name] = [str(v).replace("\x00", "")[:100] for v in value][:20]
        else:
            clean[name] = str(value).replace("\x00", "")[:DRAFT_MAX_CHARS]
    draft, _created = MentorSessionDraft.objects.update_or_create(
        case=case, mentor=actor, defaults={"data": clean, "saved_at": timezone.now()}
    )
    return draft


def case_page_actions(*, case, user) -> dict:
    """The case page's «log a session» (registered with ``cases.registry``)."""
    return {"may_log_session": may_start_session(user, case)}


def erase_with_case(case) -> dict:
    """Erasure under the retention rules (registered with ``cases.registry``): drafts, addenda, signals, sessions."""
    return {
        "drafts": len(delete_each(MentorSessionDraft.objects.filter(case=case))),
        "addenda": len(delete_each(SessionAddendum.objects.filter(session__case=case))),
        "concern_signals": len(delete_each(ConcernSignal.objects.filter(case=case))),
        "sessions": len(delete_each(MentorSession.objects.filter(case=case))),
    }


def concern_notice_text(kind: str):
    """The notices of a concern signal (registered with notifications): the case, the level, the hours."""

    def text(params) -> str:
        level = params.get("level")
        values = {
            "case": params.get("case"),
            "level": ConcernSignal.Level(level).label if level in ConcernSignal.Level.values else level,
            "hours": params.get("hours"),
        }
        if kind == Notification.Kind.CONCERN_SIGNAL:
            return _("Concern signal in case %(case)s: %(level)s. Read it and acknowledge it.") % values
        if kind == Notification.Kind.CONCERN_ESCALATED:
            return _("A concern signal in case %(case)s (%(level)s) has been unanswered for %(hours)s hours.") % values
        return _("The coordinator has acknowledged your concern signal in case %(case)s.") % values

    return text
