"""Retention: closed cases past the retention period are listed, then erased.

A scheduled job (beat, daily) lists the closed cases whose closing lies more
than ``RETENTION_MONTHS`` back, and the referrals that never became a case
(forwarded, no action, duplicate) decided as long ago: a dry run, stored as
a ``RetentionRun`` and sent to the privacy officers. After ``RETENTION_NOTICE_DAYS`` the next run
erases the listed cases that are still due; the privacy officer may erase
them earlier from the list.

Erasing a case deletes everything that names or describes the participant:
sessions, addenda, concern signals, drafts, disclosures, emergency accesses,
consents, the network map, assessments, wishes, status changes,
assignments and the object rights they gave, its referrals, and the
participant when no case and no referral names them any more. The trail is not touched: it holds
ids, codes and changed field names only (values masked), so after erasure
no trail row says who the participant was.
Aggregates are counts kept elsewhere (steering reports) and survive.

The application cannot erase on its own say-so. Each erasure starts with the
database's ``retention_erasure_open`` (owned by the schema owner): it checks
that the case is closed longer than the period, on no legal hold and listed
by the run, and records the erasure for this transaction; only then do the
records' delete triggers let their rows go, noting each one where the
runtime role cannot write (``audit.Erasure``, ``audit.ErasedRow``). That note
is what lets ``verify_audit`` accept a chained row as erased.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_event_record
from cases.models import (
    Assessment,
    Case,
    CaseAssignment,
    CaseStatusChange,
    CaseWishes,
    Consent,
    ConsentWithdrawal,
    EmergencyAccess,
    LegalHold,
    NetworkMember,
    Referral,
    RetentionRun,
)
from cases.registry import erasure_contributions
from mentorprogram.roles import PRIVACY_OFFICER, may_reach_personal_data
from notifications.models import Notification
from notifications.services import notification_send_to_role


def retention_cutoff(now=None) -> datetime.datetime:
    now = now or timezone.now()
    return now - datetime.timedelta(days=round(settings.RETENTION_MONTHS * 365.25 / 12))


def cases_due_for_erasure(now=None):
    """Closed cases whose closing lies further back than the retention period, oldest first."""
    return (
        Case.objects.filter(status=Case.Status.CLOSED, closed_at__lt=retention_cutoff(now))
        .exclude(Exists(LegalHold.objects.filter(case=OuterRef("pk"), lifted_at__isnull=True)))
        .order_by("closed_at", "pk")
    )


# A referral that ends here never becomes a case: it is kept as long as a closed case is.
REFERRAL_ENDS_WITHOUT_CASE = (Referral.Status.FORWARDED, Referral.Status.NO_ACTION, Referral.Status.DUPLICATE)


def referrals_due_for_erasure(now=None):
    """Referrals without a case decided, or left undecided since registered, further back than the period."""
    cutoff = retention_cutoff(now)
    return Referral.objects.filter(
        Q(status__in=REFERRAL_ENDS_WITHOUT_CASE, decided_at__lt=cutoff)
        | Q(status__in=Referral.OPEN_STATUSES, submitted_at__lt=cutoff),
        case__isnull=True,
    ).order_by("submitted_at", "pk")


@transaction.atomic
def retention_list(now=None) -> RetentionRun | None:
    """The dry run: list the cases due, tell the privacy officers. None when nothing is due or a list waits."""
    now = now or timezone.now()
    if RetentionRun.objects.select_for_update().filter(erased_at__isnull=True).exists():
        return None
    due = list(cases_due_for_erasure(now).values_list("pk", flat=True))
    referrals = list(referrals_due_for_erasure(now).values_list("pk", flat=True))
    if not due and not referrals:
        return None
    run = RetentionRun.objects.create(
        listed_at=now,
        case_pks=due,
        referral_pks=referrals,
        erase_after=now + datetime.timedelta(days=settings.RETENTION_NOTICE_DAYS),
    )
    audit_event_record(action=AuditEvent.Action.RETENTION_LISTED, obj=run, data={"cases": due, "referrals": referrals})
    notification_send_to_role(
        PRIVACY_OFFICER,
        kind=Notification.Kind.RETENTION_DUE,
        params={"count": len(due) + len(referrals)},
        url="/audit/retention/",
        dedup_key=f"retention_due:{run.pk}",
    )
    return run


def retention_erase(*, run: RetentionRun, actor=None, request=None) -> list[int]:
    """Erase the run's cases that are still due (a case reopened since is left alone). Returns the erased ids."""
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if run.erased_at is not None:
            return run.erased_pks
        erased = []
        for case in cases_due_for_erasure().filter(pk__in=run.case_pks).select_related("participant").order_by("pk"):
            erased.append(case.pk)
            case_erase(case=case, run=run, actor=actor, request=request)
        erased_referrals = []
        for referral in referrals_due_for_erasure().filter(pk__in=run.referral_pks).order_by("pk"):
            erased_referrals.append(referral.pk)
            referral_erase(referral=referral, run=run, actor=actor, request=request)
        run.erased_at, run.erased_by = timezone.now(), actor
        run.erased_pks, run.erased_referral_pks = erased, erased_referrals
        run.save(update_fields=["erased_at", "erased_by", "erased_pks", "erased_referral_pks"])
    return erased


def delete_each(queryset) -> list[int]:
    """Delete row by row (django-auditlog records each deletion, masked); returns the ids."""
    ids = []
    for row in queryset.order_by("-pk"):
        ids.append(row.pk)
        row.delete()
    return ids


def case_erase(*, case: Case, run: RetentionRun, actor=None, request=None) -> dict:
    """Erase one case and what hangs on it; the participant too when no other case of theirs is left.

    Opens the erasure through the database's privileged function (which
    refuses a case not due, on hold or not on ``run``), deletes row by row so
    django-auditlog records each deletion, and records a CASE_ERASED event
    with the counts.
    """
    with transaction.atomic():
        erasure = _erasure_open(kind="case", pk=case.pk, run=run, actor=actor)
        participant = case.participant
        counts = {}
        # What the other apps hang on the case first (sessions, disclosures, ...): they point at it.
        erase_with_case, _with_participant = erasure_contributions()
        for contribute in erase_with_case:
            counts.update(contribute(case))
        counts["consent_withdrawals"] = len(delete_each(ConsentWithdrawal.objects.filter(consent__case=case)))
        for model in (EmergencyAccess, Consent, LegalHold, NetworkMember, Assessment, CaseWishes, CaseStatusChange):
            counts[model._meta.model_name] = len(delete_each(model.objects.filter(case=case)))
        counts["assignments"] = len(delete_each(CaseAssignment.objects.filter(case=case)))
        referrals = Referral.objects.filter(case=case)
        Referral.objects.filter(duplicate_of__in=referrals).exclude(pk__in=referrals).update(  # audit: unlink only
            duplicate_of=None
        )
        counts["referrals"] = len(delete_each(referrals))
        case_pk, participant_pk = case.pk, participant.pk
        case.delete()  # the object rights go with it (foreign keys with CASCADE)
        participant_erased = _participant_erase_if_unused(participant)
        audit_event_record(
            action=AuditEvent.Action.CASE_ERASED,
            actor=actor,
            data={
                "case": case_pk,
                "participant": participant_pk if participant_erased else None,
                "run": run.pk,
                "erasure": erasure,
                "counts": counts,
            },
            request=request,
        )
    return counts


def _erasure_open(*, kind: str, pk: int, run: RetentionRun, actor) -> int:
    """Ask the database to open an erasure for this transaction; it refuses anything not due. Returns its id."""
    with connection.cursor() as cursor:
        # audit: the database's erasure function writes the erasure record itself
        cursor.execute("SELECT retention_erasure_open(%s, %s, %s, %s)", [kind, pk, run.pk, actor.pk if actor else None])
        return cursor.fetchone()[0]


def _participant_erase_if_unused(participant) -> bool:
    """Erase a participant no case and no referral names any more (and what other apps hang on them)."""
    if participant.cases.exists() or participant.referrals.exists():
        return False
    _with_case, erase_with_participant = erasure_contributions()
    for contribute in erase_with_participant:
        contribute(participant)
    participant.delete()
    return True


def referral_erase(*, referral: Referral, run: RetentionRun, actor=None, request=None) -> None:
    """Erase a referral that never became a case, and its participant when nothing else names them."""
    with transaction.atomic():
        erasure = _erasure_open(kind="referral", pk=referral.pk, run=run, actor=actor)
        Referral.objects.filter(duplicate_of=referral).update(duplicate_of=None)  # audit: unlink only
        participant = referral.participant
        referral_pk, participant_pk = referral.pk, referral.participant_id
        referral.delete()
        participant_erased = participant is not None and _participant_erase_if_unused(participant)
        audit_event_record(
            action=AuditEvent.Action.REFERRAL_ERASED,
            actor=actor,
            data={
                "referral": referral_pk,
                "participant": participant_pk if participant_erased else None,
                "run": run.pk,
                "erasure": erasure,
            },
            request=request,
        )


@transaction.atomic
def legal_hold_place(*, actor, case: Case, reason: str, request=None) -> LegalHold:
    """Keep ``case`` from erasure (a complaint, a court case, a request from the police). The privacy officer only.

    The case is neither listed nor erased while the hold is in force, and the
    database's erasure function refuses it too. A LEGAL_HOLD_PLACED event.
    """
    if not actor.has_perm("cases.add_legalhold") or not may_reach_personal_data(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case is kept.")})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
        raise ValidationError(_("The case is already on legal hold."))
    hold = LegalHold.objects.create(case=case, reason=reason, placed_by=actor)
    audit_event_record(
        action=AuditEvent.Action.LEGAL_HOLD_PLACED, actor=actor, obj=hold, data={"case": case.pk}, request=request
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, hold: LegalHold, reason: str, request=None) -> LegalHold:
    """Lift a hold, with a reason: the case is listed and erased again when it is due. A LEGAL_HOLD_LIFTED event."""
    if not actor.has_perm("cases.change_legalhold") or not may_reach_personal_data(actor):
        raise PermissionDenied
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise ValidationError(_("The hold is already lifted."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the hold is lifted.")})
    hold.lifted_at, hold.lifted_by, hold.lift_reason = timezone.now(), actor, reason
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_event_record(
        action=AuditEvent.Action.LEGAL_HOLD_LIFTED, actor=actor, obj=hold, data={"case": hold.case_id}, request=request
    )
    return hold


def retention_step(now=None) -> None:
    """The scheduled job: erase lists whose notice has run out, then list what is newly due."""
    now = now or timezone.now()
    for run in RetentionRun.objects.filter(erased_at__isnull=True, erase_after__lte=now):
        retention_erase(run=run)
    retention_list(now)
