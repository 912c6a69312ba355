"""Intake and triage: a referral submitted, its participant settled, the decision recorded."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import (
    Case,
    CaseAssignment,
    CaseStatusChange,
    Participant,
    Referral,
)
from cases.services.assignments import case_assignment_start
from mentorprogram.roles import (
    SLT_COORDINATOR,
    may_reach_personal_data,
)
from notifications.models import Notification
from notifications.services import notification_send, notification_send_to_role


@transaction.atomic
def referral_submit(*, actor, submission_key, **fields) -> Referral:
    """Register a referral (from the referrer, or typed in by an SLT coordinator or coordinator).

    The same form submitted twice (a double click) returns the first referral.
    Every SLT coordinator is notified; an acute one says so.
    """
    existing = Referral.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.submitted_by_id != actor.pk:
            raise PermissionDenied
        return existing
    referral = Referral(submitted_by=actor, submission_key=submission_key, **fields)
    referral.full_clean()
    referral.save()
    kind = Notification.Kind.REFERRAL_ACUTE if referral.is_acute else Notification.Kind.REFERRAL_RECEIVED
    notification_send_to_role(
        SLT_COORDINATOR,
        kind=kind,
        params={"referral": referral.pk},
        url=reverse("cases:referral_detail", args=[referral.pk]),
        dedup_key=f"referral:{referral.pk}:received",
    )
    if not actor.has_perm("cases.triage_referral"):
        # The sender's receipt: the reference and when to expect an answer, nothing of the person.
        notification_send(
            recipient=actor,
            kind=Notification.Kind.REFERRAL_RECEIPT,
            params={"reference": referral.reference, "answer_by": referral.answer_due_on.isoformat()},
            url=reverse("cases:referral_receipt", args=[referral.pk]),
            dedup_key=f"referral:{referral.pk}:receipt",
        )
    return referral


def _referral_for_update(referral: Referral) -> Referral:
    """The referral, locked. No join under the lock: a row another decision updated while this one waited
    is re-read on its own, and a joined row would come back empty (who decided first, read as nobody).
    """
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _who_and_when(user, at) -> dict:
    return {"name": user.get_full_name() or user.username, "when": timezone.localtime(at).strftime("%d.%m.%Y %H:%M")}


def _refuse_if_decided(referral: Referral) -> None:
    if not referral.is_open:
        raise ValidationError(
            _("The referral was already decided by %(name)s at %(when)s. Nothing was changed.")
            % _who_and_when(referral.decided_by, referral.decided_at)
        )


@transaction.atomic
def referral_participant_resolve(*, actor, referral: Referral, participant: Participant | None = None) -> Participant:
    """Link the referral to a known participant, or confirm a new one made from its details.

    The decision, who made it and when are kept on the referral.
    """
    if not actor.has_perm("cases.triage_referral") or not may_reach_personal_data(actor):
        raise PermissionDenied
    referral = _referral_for_update(referral)
    _refuse_if_decided(referral)
    if referral.participant_id is not None and (participant is None or participant.pk == referral.participant_id):
        # Settled already (a second click, a second coordinator): never a second participant for one referral.
        raise ValidationError(
            _("The participant for this referral was already settled by %(name)s at %(when)s. Nothing was changed.")
            % _who_and_when(referral.participant_decided_by, referral.participant_decided_at)
        )
    if participant is None:
        if referral.national_id and Participant.objects.filter(national_id=referral.national_id).exists():
            raise ValidationError(
                _("A participant with this national identity number exists. Link the referral to them.")
            )
        participant = Participant(
            first_name=referral.first_name,
            last_name=referral.last_name,
            date_of_birth=referral.date_of_birth,
            national_id=referral.national_id,
            gender=referral.gender,
            languages=referral.languages,
            district=referral.district,
            guardians=referral.guardians,
        )
        participant.full_clean()
        participant.save()
        decision = Referral.ParticipantDecision.NEW
    else:
        decision = Referral.ParticipantDecision.EXISTING
    referral.participant = participant
    referral.participant_decision = decision
    referral.participant_decided_by = actor
    referral.participant_decided_at = timezone.now()
    referral.status = Referral.Status.IN_TRIAGE
    referral.save(
        update_fields=[
            "participant",
            "participant_decision",
            "participant_decided_by",
            "participant_decided_at",
            "status",
        ]
    )
    return participant


def _accept(*, actor, referral: Referral, track: str, request, **_ignored) -> None:
    """Open a case for the participant, or join their open case; the decider coordinates it when nobody does."""
    if referral.participant_id is None:
        raise ValidationError(_("Link the referral to a participant, or confirm a new one, before accepting it."))
    case = (
        Case.objects.select_for_update()
        .filter(participant_id=referral.participant_id)
        .exclude(status=Case.Status.CLOSED)
        .first()
    )
    if case is None:
        if track not in Case.Track.values:
            raise ValidationError({"track": _("Choose the track for the new case.")})
        case = Case.objects.create(participant_id=referral.participant_id, track=track)
        CaseStatusChange.objects.create(
            case=case,
            to_status=case.status,
            changed_by=actor,
            reason=_("Opened from referral %(pk)s") % {"pk": referral.pk},
        )
    referral.case = case
    if not CaseAssignment.objects.filter(
        case=case, kind=CaseAssignment.Kind.COORDINATOR, ended_at__isnull=True
    ).exists():
        case_assignment_start(actor=actor, case=case, user=actor, kind=CaseAssignment.Kind.COORDINATOR, request=request)


def _forward(*, referral: Referral, reason: str, forwarded_to: str, **_ignored) -> None:
    if not forwarded_to.strip():
        raise ValidationError({"forwarded_to": _("Say which service the referral is forwarded to.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    referral.forwarded_to = forwarded_to.strip()


def _no_action(*, reason: str, **_ignored) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why no action is taken.")})


def _duplicate(*, referral: Referral, duplicate_of: Referral | None, **_ignored) -> None:
    if duplicate_of is None or duplicate_of.pk == referral.pk:
        raise ValidationError({"duplicate_of": _("Choose the referral this one duplicates.")})
    referral.duplicate_of = duplicate_of


# Each decision's own rules and effects; referral_decide records who, when and why for all of them.
_DECISIONS = {
    Referral.Status.ACCEPTED: _accept,
    Referral.Status.FORWARDED: _forward,
    Referral.Status.NO_ACTION: _no_action,
    Referral.Status.DUPLICATE: _duplicate,
}


@transaction.atomic
def referral_decide(
    *,
    actor,
    referral: Referral,
    decision: str,
    reason: str = "",
    forwarded_to: str = "",
    duplicate_of: Referral | None = None,
    track: str = "",
    request=None,
) -> Referral:
    """The SLT coordinator's decision: accept, forward, no action, or duplicate.

    Accepting opens a case for the participant (or joins their open case); the
    deciding SLT coordinator becomes its responsible coordinator when it has none.
    Two coordinators deciding at once: the second is told who decided first.
    """
    if not actor.has_perm("cases.triage_referral") or not may_reach_personal_data(actor):
        raise PermissionDenied
    referral = _referral_for_update(referral)
    _refuse_if_decided(referral)
    apply = _DECISIONS.get(decision)
    if apply is None:
        raise ValidationError(_("Unknown decision."))
    apply(
        actor=actor,
        referral=referral,
        reason=reason,
        forwarded_to=forwarded_to,
        duplicate_of=duplicate_of,
        track=track,
        request=request,
    )
    referral.status = decision
    referral.decision_reason = reason.strip()
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.save()
    # The referrer learns the status, nothing of the case.
    if referral.submitted_by_id != actor.pk:
        notification_send(
            recipient=referral.submitted_by,
            kind=Notification.Kind.REFERRAL_DECIDED,
            params={"referral": referral.pk, "status": referral.status},
            url=reverse("cases:referral_mine"),
            dedup_key=f"referral:{referral.pk}:decided",
        )
    return referral


def referral_receipt_text(params) -> str:
    """The sender's receipt notice (registered with notifications): the reference and a date, no personal data."""
    try:
        answer_by = date_format(datetime.date.fromisoformat(params.get("answer_by", "")), "DATE_FORMAT")
    except (TypeError, ValueError):
        answer_by = "–"
    return _("Your referral is received, with reference %(reference)s. You will be told the decision by %(date)s.") % {
        "reference": params.get("reference", ""),
        "date": answer_by,
    }


def referral_decided_text(params) -> str:
    """The referrer's notice (registered with notifications): the referral's status, nothing of the case."""
    status = params.get("status")
    label = Referral.Status(status).label if status in Referral.Status.values else status
    return _("Your referral %(referral)s has been decided: %(status)s.") % {
        "referral": params.get("referral"),
        "status": label,
    }
