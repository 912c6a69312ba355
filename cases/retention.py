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
no trail row says who the participant was, and ``verify_audit`` still
passes, because the erasure event names the chained rows it removed.
Aggregates are counts kept elsewhere (steering reports) and survive.
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_event_record
from cases.models import (
    Assessment,
    Case,
    CaseAssignment,
    CaseStatusChange,
    CaseWishes,
    Consent,
    EmergencyAccess,
    NetworkMember,
    Referral,
    RetentionRun,
)
from mentorprogram.roles import PRIVACY_OFFICER, active_users_with_role
from notifications.models import Notification
from notifications.services import notification_send


def retention_cutoff(now=None) -> datetime.datetime:
    now = now or timezone.now()
    return now - datetime.timedelta(days=round(settings.RETENTION_MONTHS * 365.25 / 12))


def cases_due_for_erasure(now=None):
    """Closed cases whose closing lies further back than the retention period, oldest first."""
    return Case.objects.filter(status=Case.Status.CLOSED, closed_at__lt=retention_cutoff(now)).order_by(
        "closed_at", "pk"
    )


# A referral that ends here never becomes a case: it is kept as long as a closed case is.
REFERRAL_ENDS_WITHOUT_CASE = (Referral.Status.FORWARDED, Referral.Status.NO_ACTION, Referral.Status.DUPLICATE)


def referrals_due_for_erasure(now=None):
    """Referrals decided without a case further back than the retention period, oldest first."""
    return Referral.objects.filter(
        case__isnull=True, status__in=REFERRAL_ENDS_WITHOUT_CASE, decided_at__lt=retention_cutoff(now)
    ).order_by("decided_at", "pk")


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
    for officer in active_users_with_role(PRIVACY_OFFICER):
        notification_send(
            recipient=officer,
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


def _delete_each(queryset) -> list[int]:
    """Delete row by row (django-auditlog records each deletion, masked); returns the ids."""
    ids = []
    for row in queryset.order_by("-pk"):
        ids.append(row.pk)
        row.delete()
    return ids


def case_erase(*, case: Case, run: RetentionRun | None = None, actor=None, request=None) -> dict:
    """Erase one case and what hangs on it; the participant too when no other case of theirs is left.

    Runs in the caller's transaction with ``mentorprogram.erasing`` on, the
    one setting the records' delete triggers accept. Records a CASE_ERASED
    event that names the chained rows removed (for ``verify_audit``).
    """
    from disclosures.models import Disclosure
    from mentorsessions.models import ConcernSignal, MentorSession, MentorSessionDraft, SessionAddendum

    with transaction.atomic():
        _erasing()
        participant = case.participant
        counts = {}
        counts["drafts"] = len(_delete_each(MentorSessionDraft.objects.filter(case=case)))
        counts["addenda"] = len(_delete_each(SessionAddendum.objects.filter(session__case=case)))
        counts["concern_signals"] = len(_delete_each(ConcernSignal.objects.filter(case=case)))
        counts["sessions"] = len(_delete_each(MentorSession.objects.filter(case=case)))
        disclosures = _delete_each(Disclosure.objects.filter(case=case))  # corrections (newer) first
        counts["disclosures"] = len(disclosures)
        for model in (EmergencyAccess, Consent, NetworkMember, Assessment, CaseWishes, CaseStatusChange):
            counts[model._meta.model_name] = len(_delete_each(model.objects.filter(case=case)))
        counts["assignments"] = len(_delete_each(CaseAssignment.objects.filter(case=case)))
        referrals = Referral.objects.filter(case=case)
        Referral.objects.filter(duplicate_of__in=referrals).exclude(pk__in=referrals).update(  # audit: unlink only
            duplicate_of=None
        )
        counts["referrals"] = len(_delete_each(referrals))
        case_pk, participant_pk = case.pk, participant.pk
        case.delete()  # the object rights go with it (foreign keys with CASCADE)
        participant_erased = _participant_erase_if_unused(participant)
        audit_event_record(
            action=AuditEvent.Action.CASE_ERASED,
            actor=actor,
            data={
                "case": case_pk,
                "participant": participant_pk if participant_erased else None,
                "run": run.pk if run else None,
                "counts": counts,
                "erased_rows": {"disclosures_disclosure": disclosures},
            },
            request=request,
        )
    return counts


def _erasing() -> None:
    """Open the delete triggers' retention escape for the current transaction only."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL mentorprogram.erasing = 'on'")  # audit: a setting; the erasures are events


def _participant_erase_if_unused(participant) -> bool:
    """Erase a participant no case and no referral names any more (their mentors' personal ties with them)."""
    from mentors.models import PersonalTie

    if participant.cases.exists() or participant.referrals.exists():
        return False
    _delete_each(PersonalTie.objects.filter(participant=participant))
    participant.delete()
    return True


def referral_erase(*, referral: Referral, run: RetentionRun | None = None, actor=None, request=None) -> None:
    """Erase a referral that never became a case, and its participant when nothing else names them."""
    with transaction.atomic():
        _erasing()
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
                "run": run.pk if run else None,
            },
            request=request,
        )


def retention_step(now=None) -> None:
    """The scheduled job: erase lists whose notice has run out, then list what is newly due."""
    now = now or timezone.now()
    for run in RetentionRun.objects.filter(erased_at__isnull=True, erase_after__lte=now):
        retention_erase(run=run)
    retention_list(now)
