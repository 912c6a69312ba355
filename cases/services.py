"""Writes on cases. Every function here is the only way its change happens."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_perms, remove_perm

from audit.models import AuditEvent
from audit.services import audit_event_record
from cases.models import (
    Assessment,
    Case,
    CaseAssignment,
    CaseStatusChange,
    Consent,
    ConsentWithdrawal,
    EmergencyAccess,
    NetworkMember,
    Participant,
    Referral,
)
from mentorprogram.roles import (
    COORDINATOR,
    MENTOR,
    PRIVACY_OFFICER,
    SLT_COORDINATOR,
    active_users_with_role,
    may_reach_personal_data,
    role_slugs_for,
)
from notifications.models import Notification
from notifications.services import notification_send

# The object rights each kind of assignment gives on its case. Ending the
# assignment takes back whatever no other active assignment still gives.
ASSIGNMENT_GRANTS: dict[str, tuple[str, ...]] = {
    CaseAssignment.Kind.MENTOR: ("view_case", "log_session", "view_sessions"),
    CaseAssignment.Kind.COORDINATOR: ("view_case", "change_case", "assign_case", "view_sessions"),
}
# Which roles may hold which kind of assignment.
ASSIGNABLE_ROLES: dict[str, set[str]] = {
    CaseAssignment.Kind.MENTOR: {MENTOR},
    CaseAssignment.Kind.COORDINATOR: {COORDINATOR, SLT_COORDINATOR},
}


def _may_assign(actor, case: Case) -> bool:
    if not may_reach_personal_data(actor):
        return False
    # SLT coordinators hold the permission model-wide; a coordinator holds it
    # on their own cases only, as an object right from their assignment.
    if SLT_COORDINATOR in role_slugs_for(actor) and actor.has_perm("cases.assign_case"):
        return True
    return actor.has_perm("cases.assign_case", case)


def _sync_rights(*, user, case: Case) -> None:
    """Make the user's object rights on the case exactly what their active assignments give."""
    wanted: set[str] = set()
    for kind in CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True).values_list(
        "kind", flat=True
    ):
        wanted.update(ASSIGNMENT_GRANTS[kind])
    held = {
        perm for perm in get_perms(user, case) if perm in {p for grants in ASSIGNMENT_GRANTS.values() for p in grants}
    }
    for perm in wanted - held:
        assign_perm(f"cases.{perm}", user, case)
    for perm in held - wanted:
        remove_perm(f"cases.{perm}", user, case)


@transaction.atomic
def case_assignment_start(*, actor, case: Case, user, kind: str, reason: str = "", request=None) -> CaseAssignment:
    """Assign a mentor or coordinator to a case and grant the rights that come with it.

    Callers: SLT coordinators (any case), coordinators (their own cases).
    Side effects: the assignment row, object rights for ``user``, an audit event.
    Raises ValidationError (Norwegian text) when a rule refuses it.
    """
    if not _may_assign(actor, case):
        raise PermissionDenied
    if kind not in ASSIGNMENT_GRANTS:
        raise ValidationError(_("Unknown kind of assignment."))
    if not user.is_active or not (set(role_slugs_for(user)) & ASSIGNABLE_ROLES[kind]):
        raise ValidationError(_("This person does not have a role that can be assigned this way."))
    if not may_reach_personal_data(user):
        raise ValidationError(_("This person holds a role that may not see case content."))
    Case.objects.select_for_update().get(pk=case.pk)  # serialise assignments on one case
    if (
        kind == CaseAssignment.Kind.COORDINATOR
        and CaseAssignment.objects.filter(case=case, kind=kind, ended_at__isnull=True).exists()
    ):
        raise ValidationError(_("The case already has a responsible coordinator. End that assignment first."))
    if CaseAssignment.objects.filter(case=case, user=user, kind=kind, ended_at__isnull=True).exists():
        raise ValidationError(_("This person is already assigned to the case."))
    assignment = CaseAssignment(case=case, user=user, kind=kind, started_by=actor, reason=reason)
    assignment.full_clean()
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        # The constraint is the law; a concurrent assignment won the race.
        raise ValidationError(
            _("The case was assigned by someone else at the same time. Reload and try again.")
        ) from None
    _sync_rights(user=user, case=case)
    audit_event_record(
        action=AuditEvent.Action.ASSIGNMENT_STARTED,
        actor=actor,
        subject_user=user,
        obj=case,
        data={"assignment": assignment.pk, "kind": kind, "granted": list(ASSIGNMENT_GRANTS[kind])},
        request=request,
    )
    notification_send(
        recipient=user,
        kind=Notification.Kind.ASSIGNED_TO_CASE,
        params={"case": case.pk, "as": kind},
        url=reverse("cases:detail", args=[case.pk]),
        dedup_key=f"assignment:{assignment.pk}:started",
    )
    return assignment


@transaction.atomic
def case_assignment_end(*, actor, assignment: CaseAssignment, reason: str = "", request=None) -> CaseAssignment:
    """End an assignment and take back, in the same transaction, every right it gave.

    The next request of the person who was assigned answers 404 for the case.
    """
    assignment = CaseAssignment.objects.select_for_update().select_related("case", "user").get(pk=assignment.pk)
    if not _may_assign(actor, assignment.case):
        raise PermissionDenied
    if assignment.ended_at is not None:
        raise ValidationError(_("The assignment has already ended."))
    assignment.ended_at = timezone.now()
    assignment.ended_by = actor
    if reason:
        assignment.reason = f"{assignment.reason}\n{reason}".strip()
    assignment.save(update_fields=["ended_at", "ended_by", "reason"])
    _sync_rights(user=assignment.user, case=assignment.case)
    audit_event_record(
        action=AuditEvent.Action.ASSIGNMENT_ENDED,
        actor=actor,
        subject_user=assignment.user,
        obj=assignment.case,
        data={"assignment": assignment.pk, "kind": assignment.kind},
        request=request,
    )
    # No link: the case is out of their reach now.
    notification_send(
        recipient=assignment.user,
        kind=Notification.Kind.ASSIGNMENT_ENDED,
        params={"case": assignment.case_id},
        dedup_key=f"assignment:{assignment.pk}:ended",
    )
    return assignment


# --- Referrals and triage ---------------------------------------------------------------


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
    for slt in active_users_with_role(SLT_COORDINATOR):
        notification_send(
            recipient=slt,
            kind=kind,
            params={"referral": referral.pk},
            url=reverse("cases:referral_detail", args=[referral.pk]),
            dedup_key=f"referral:{referral.pk}:received",
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
    Status = Referral.Status
    if decision == Status.ACCEPTED:
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
            case_assignment_start(
                actor=actor, case=case, user=actor, kind=CaseAssignment.Kind.COORDINATOR, request=request
            )
    elif decision == Status.FORWARDED:
        if not forwarded_to.strip():
            raise ValidationError({"forwarded_to": _("Say which service the referral is forwarded to.")})
        if not reason.strip():
            raise ValidationError({"reason": _("Say why.")})
        referral.forwarded_to = forwarded_to.strip()
    elif decision == Status.NO_ACTION:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why no action is taken.")})
    elif decision == Status.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == referral.pk:
            raise ValidationError({"duplicate_of": _("Choose the referral this one duplicates.")})
        referral.duplicate_of = duplicate_of
    else:
        raise ValidationError(_("Unknown decision."))
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


@transaction.atomic
def case_status_change(*, actor, case: Case, to_status: str, reason: str = "", outcome: str = "") -> Case:
    """Move a case one step in its workflow; only the allowed steps (the database refuses the rest)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_case_change(actor, case)
    if to_status not in Case.TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            {
                "to_status": _("A case cannot go from «%(from)s» to «%(to)s».")
                % {
                    "from": case.get_status_display(),
                    "to": Case.Status(to_status).label if to_status in Case.Status.values else to_status,
                }
            }
        )
    if to_status == Case.Status.CLOSED:
        if outcome not in Case.Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome when closing a case.")})
        case.closed_at, case.outcome = timezone.now(), outcome
    from_status = case.status
    case.status = to_status
    case.save(update_fields=["status", "closed_at", "outcome"])
    CaseStatusChange.objects.create(
        case=case, from_status=from_status, to_status=to_status, changed_by=actor, reason=reason
    )
    return case


# --- Assessment, network, consents ------------------------------------------------------


def _require_case_change(actor, case: Case) -> None:
    """Writes on a case's content: its coordinator (an object right), never a role-wide permission."""
    if not may_reach_personal_data(actor) or not actor.has_perm("cases.change_case", case):
        raise PermissionDenied


@transaction.atomic
def assessment_record(*, actor, case: Case, **fields) -> Assessment:
    """Add a risk and needs assessment to the case (earlier ones are kept as history)."""
    _require_case_change(actor, case)
    assessment = Assessment(case=case, assessed_by=actor, **fields)
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def network_member_add(*, actor, case: Case, **fields) -> NetworkMember:
    _require_case_change(actor, case)
    member = NetworkMember(case=case, added_by=actor, **fields)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def consent_record(*, actor, case: Case, **fields) -> Consent:
    """Record a consent to share with the named services, from the participant or a guardian."""
    _require_case_change(actor, case)
    consent = Consent(case=case, recorded_by=actor, **fields)
    if consent.given_by == Consent.GivenBy.GUARDIAN and not consent.guardian_name.strip():
        raise ValidationError({"guardian_name": _("Name the guardian who gave the consent.")})
    if consent.valid_to and consent.valid_to < consent.valid_from:
        raise ValidationError({"valid_to": _("The end cannot come before the start.")})
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent) -> Consent:
    """Withdraw a consent: a withdrawal record of its own (the consent is never changed).

    It stops counting the moment this commits. A second withdrawal is refused
    (and the one-to-one key refuses it in the database).
    """
    consent = Consent.objects.select_for_update().select_related("case").get(pk=consent.pk)
    _require_case_change(actor, consent.case)
    if ConsentWithdrawal.objects.filter(consent=consent).exists():
        raise ValidationError(_("The consent is already withdrawn."))
    ConsentWithdrawal.objects.create(consent=consent, withdrawn_by=actor)
    return Consent.objects.select_related("withdrawal__withdrawn_by").get(pk=consent.pk)


# --- Emergency access (break-the-glass) -----------------------------------------------------


def may_open_emergency_access(user, case: Case) -> bool:
    """SLT coordinators and coordinators, on an open case they do not hold already."""
    return (
        may_reach_personal_data(user)
        and user.has_perm("cases.open_emergency_access")
        and case.status != Case.Status.CLOSED
        and not CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True).exists()
    )


def emergency_access_refuse(*, actor, otp_token: str) -> None:
    """A sent emergency-access form for a number that cannot be opened: always raises ValidationError.

    The code is checked first, so that learning «this number cannot be
    opened» costs a fresh code from the user's own authenticator.
    """
    from django_otp import match_token

    token = (otp_token or "").replace(" ", "")
    if not token or match_token(actor, token) is None:
        raise ValidationError({"otp_token": _("The code is wrong or has expired. Enter the code your app shows now.")})
    raise ValidationError(_("Emergency access cannot be opened to a case with this number: check the number."))


@transaction.atomic
def emergency_access_open(*, actor, case: Case, legal_basis: str, reason: str, otp_token: str, request=None):
    """Open read access to ``case`` for EMERGENCY_ACCESS_HOURS: a legal basis, a reason, the second factor again.

    Side effects: the grant, an EMERGENCY_ACCESS_GRANTED audit event, and a
    notification to every privacy officer at once (emailed by default).
    An active grant for the same user and case is returned as it is.
    Raises PermissionDenied, or ValidationError (Norwegian) for a missing
    reason, an unknown basis or a wrong code.
    """
    from django.conf import settings
    from django_otp import match_token

    from cases.selectors import emergency_access_active

    if not may_open_emergency_access(actor, case):
        raise PermissionDenied
    active = emergency_access_active(user=actor, case_pk=case.pk)
    if active is not None:
        return active
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("No reason, no access: say why you must read this case now.")
    if legal_basis not in EmergencyAccess.LegalBasis.values:
        errors["legal_basis"] = _("Choose the legal basis.")
    token = (otp_token or "").replace(" ", "")
    if not token or match_token(actor, token) is None:
        errors["otp_token"] = _("The code is wrong or has expired. Enter the code your app shows now.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    grant = EmergencyAccess.objects.create(
        case=case,
        user=actor,
        legal_basis=legal_basis,
        reason=reason,
        granted_at=now,
        expires_at=now + datetime.timedelta(hours=settings.EMERGENCY_ACCESS_HOURS),
    )
    actor._emergency_access = {}
    audit_event_record(
        action=AuditEvent.Action.EMERGENCY_ACCESS_GRANTED,
        actor=actor,
        obj=grant,
        data={"case": case.pk, "legal_basis": legal_basis, "expires_at": grant.expires_at.isoformat()},
        request=request,
    )
    for officer in active_users_with_role(PRIVACY_OFFICER):
        notification_send(
            recipient=officer,
            kind=Notification.Kind.EMERGENCY_ACCESS,
            params={"case": case.pk, "user": actor.username},
            url=reverse("audit:emergency"),
            dedup_key=f"emergency_access:{grant.pk}",
        )
    return grant


@transaction.atomic
def emergency_access_end(*, actor, grant: EmergencyAccess, request=None) -> EmergencyAccess:
    """The user closes their emergency access before it expires."""
    grant = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
    if grant.user_id != actor.pk:
        raise PermissionDenied
    if not grant.is_active():
        return grant
    grant.ended_at = timezone.now()
    grant.save(update_fields=["ended_at"])
    actor._emergency_access = {}
    audit_event_record(
        action=AuditEvent.Action.EMERGENCY_ACCESS_ENDED,
        actor=actor,
        obj=grant,
        data={"case": grant.case_id},
        request=request,
    )
    return grant


@transaction.atomic
def emergency_access_review(*, actor, grant: EmergencyAccess, review: str, note: str, request=None):
    """The privacy officer's review, once: justified or not, with a note."""
    if not may_reach_personal_data(actor) or not actor.has_perm("cases.review_emergencyaccess"):
        raise PermissionDenied
    grant = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
    if grant.reviewed_at is not None:
        raise ValidationError(_("This emergency access has already been reviewed."))
    errors = {}
    if review not in EmergencyAccess.Review.values:
        errors["review"] = _("Choose whether the access was justified.")
    if not (note or "").strip():
        errors["note"] = _("Write what you found, for the record.")
    if errors:
        raise ValidationError(errors)
    grant.reviewed_at, grant.reviewed_by, grant.review, grant.review_note = timezone.now(), actor, review, note.strip()
    grant.save(update_fields=["reviewed_at", "reviewed_by", "review", "review_note"])
    audit_event_record(
        action=AuditEvent.Action.EMERGENCY_ACCESS_REVIEWED,
        actor=actor,
        obj=grant,
        data={"case": grant.case_id, "review": review},
        request=request,
    )
    return grant


def referral_decided_text(params) -> str:
    """The referrer's notice (registered with notifications): the referral's status, nothing of the case."""
    status = params.get("status")
    label = Referral.Status(status).label if status in Referral.Status.values else status
    return _("Your referral %(referral)s has been decided: %(status)s.") % {
        "referral": params.get("referral"),
        "status": label,
    }
