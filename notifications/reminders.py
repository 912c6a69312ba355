"""The daily reminders: each rule finds what someone must be told, the schedule sends it once.

Rules for referrals, sessions, plans, qualifications and consents join here as
those features land (each issue adds its query and its threshold setting).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseAssignment
from mentorprogram.roles import SLT_COORDINATOR, active_users_with_role
from notifications.models import Notification, ScheduleRun
from notifications.services import notification_send

DAILY = "daily_reminders"


@dataclass(frozen=True)
class Reminder:
    recipient: object
    kind: str
    params: dict
    url: str
    dedup_key: str


def cases_waiting_for_mentor(*, today: datetime.date) -> Iterator[Reminder]:
    """A case in «matching» without a mentor for longer than REMINDER_CASE_WAITING_FOR_MENTOR_DAYS → SLT coordinators."""
    days = settings.REMINDER_CASE_WAITING_FOR_MENTOR_DAYS
    cutoff = timezone.now() - datetime.timedelta(days=days)
    has_mentor = CaseAssignment.objects.filter(
        case=OuterRef("pk"), kind=CaseAssignment.Kind.MENTOR, ended_at__isnull=True
    )
    cases = (
        Case.objects.filter(status=Case.Status.MATCHING, opened_at__lte=cutoff)
        .exclude(Exists(has_mentor))
        .order_by("pk")
    )
    recipients = list(active_users_with_role(SLT_COORDINATOR))
    for case in cases:
        waited = (timezone.now() - case.opened_at).days
        for recipient in recipients:
            yield Reminder(
                recipient=recipient,
                kind=Notification.Kind.CASE_WAITING_FOR_MENTOR,
                params={"case": case.pk, "days": waited},
                url=reverse("cases:detail", args=[case.pk]),
                dedup_key=f"case_waiting_for_mentor:{case.pk}:{today.isoformat()}",
            )


def referrals_waiting_for_triage(*, today: datetime.date) -> Iterator[Reminder]:
    """A referral not decided REFERRAL_TRIAGE_DAYS after it was received → SLT coordinators."""
    from cases.models import Referral

    cutoff = today - datetime.timedelta(days=settings.REFERRAL_TRIAGE_DAYS)
    referrals = Referral.objects.filter(status__in=Referral.OPEN_STATUSES, received_on__lt=cutoff).order_by("pk")
    recipients = list(active_users_with_role(SLT_COORDINATOR))
    for referral in referrals:
        for recipient in recipients:
            yield Reminder(
                recipient=recipient,
                kind=Notification.Kind.REFERRAL_UNTRIAGED,
                params={"referral": referral.pk, "days": (today - referral.received_on).days},
                url=reverse("cases:referral_detail", args=[referral.pk]),
                dedup_key=f"referral_untriaged:{referral.pk}:{today.isoformat()}",
            )


def consents_expiring(*, today: datetime.date) -> Iterator[Reminder]:
    """A consent in force that ends within REMINDER_CONSENT_EXPIRING_DAYS → the case's coordinator (once per end date)."""
    from cases.models import Consent

    horizon = today + datetime.timedelta(days=settings.REMINDER_CONSENT_EXPIRING_DAYS)
    consents = Consent.objects.filter(
        withdrawal__isnull=True, valid_from__lte=today, valid_to__gte=today, valid_to__lte=horizon
    )
    coordinators = {
        a.case_id: a.user
        for a in CaseAssignment.objects.filter(
            case__in=consents.values("case"), kind=CaseAssignment.Kind.COORDINATOR, ended_at__isnull=True
        ).select_related("user")
    }
    for consent in consents.order_by("pk"):
        coordinator = coordinators.get(consent.case_id)
        if coordinator is None or not coordinator.is_active:
            continue
        yield Reminder(
            recipient=coordinator,
            kind=Notification.Kind.CONSENT_EXPIRING,
            params={"case": consent.case_id, "date": consent.valid_to.isoformat()},
            url=reverse("cases:detail", args=[consent.case_id]),
            dedup_key=f"consent_expiring:{consent.pk}:{consent.valid_to.isoformat()}",
        )


def qualifications_expiring(*, today: datetime.date) -> Iterator[Reminder]:
    """A mentor's newest police certificate or training record ending within MENTOR_QUALIFICATION_WARN_DAYS
    → the mentor and the SLT coordinators (once per record and end date)."""
    from mentors.models import Qualification

    horizon = today + datetime.timedelta(days=settings.MENTOR_QUALIFICATION_WARN_DAYS)
    newest = (
        Qualification.objects.filter(kind__in=[Qualification.Kind.POLICE_CERTIFICATE, Qualification.Kind.TRAINING])
        .order_by("mentor_id", "kind", "-completed_on", "-pk")
        .distinct("mentor_id", "kind")
        .select_related("mentor__user")
    )
    slts = list(active_users_with_role(SLT_COORDINATOR))
    for qualification in newest:
        if (
            qualification.valid_until is None
            or not today <= qualification.valid_until <= horizon
            or not qualification.mentor.is_active
        ):
            continue
        recipients = [qualification.mentor.user, *slts]
        for recipient in recipients:
            if not recipient.is_active:
                continue
            yield Reminder(
                recipient=recipient,
                kind=Notification.Kind.QUALIFICATION_EXPIRING,
                params={
                    "mentor": qualification.mentor_id,
                    "what": qualification.kind,
                    "date": qualification.valid_until.isoformat(),
                },
                url=reverse("mentors:me")
                if recipient == qualification.mentor.user
                else reverse("mentors:detail", args=[qualification.mentor_id]),
                dedup_key=f"qualification_expiring:{qualification.pk}:{qualification.valid_until.isoformat()}",
            )


def cases_without_session(*, today: datetime.date) -> Iterator[Reminder]:
    """An active case with no session for SESSION_QUIET_WEEKS weeks → its coordinator and its mentor (once a week)."""
    from mentorsessions.selectors import cases_without_recent_session, weeks_without_session

    quiet = list(cases_without_recent_session(cases=Case.objects.all(), today=today))
    if not quiet:
        return
    holders: dict[int, list] = {}
    for assignment in (
        CaseAssignment.objects.filter(case__in=[c.pk for c in quiet], ended_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("case_id", "kind", "started_at")
    ):
        holders.setdefault(assignment.case_id, []).append(assignment)
    year, week, _weekday = today.isocalendar()
    for case in quiet:
        weeks = weeks_without_session(case, today=today)
        for assignment in holders.get(case.pk, []):
            yield Reminder(
                recipient=assignment.user,
                kind=Notification.Kind.CASE_WITHOUT_SESSION,
                params={"case": case.pk, "weeks": weeks},
                url=reverse("mentorsessions:case_sessions", args=[case.pk]),
                dedup_key=f"case_without_session:{case.pk}:{year}-W{week:02d}",
            )


RULES = [
    cases_waiting_for_mentor,
    referrals_waiting_for_triage,
    consents_expiring,
    qualifications_expiring,
    cases_without_session,
]


def reminders_run(*, today: datetime.date | None = None) -> int:
    """Run every rule once for ``today`` (Europe/Oslo). Returns how many notifications were sent.

    The ScheduleRun row makes a second run the same day a no-op; the dedup keys
    make it harmless even if two runs race.
    """
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            run = ScheduleRun.objects.create(name=DAILY, day=today)
    except IntegrityError:
        return 0
    sent = 0
    with transaction.atomic():
        for rule in RULES:
            for reminder in rule(today=today):
                notification_send(
                    recipient=reminder.recipient,
                    kind=reminder.kind,
                    params=reminder.params,
                    url=reminder.url,
                    dedup_key=reminder.dedup_key,
                )
                sent += 1
        # audit: schedule bookkeeping, no personal data
        ScheduleRun.objects.filter(pk=run.pk).update(notifications=sent)
    return sent
