"""The daily reminders: each rule finds what someone must be told, the schedule sends it once.

Rules for referrals, sessions, plans, qualifications and consents join here as
those features land (each issue adds its query and its threshold setting).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseAssignment
from mentorprogram.roles import SLT_COORDINATOR
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


def _slt_coordinators():
    return get_user_model().objects.filter(groups__name=SLT_COORDINATOR, is_active=True).order_by("pk")


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
    recipients = list(_slt_coordinators())
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
    recipients = list(_slt_coordinators())
    for referral in referrals:
        for recipient in recipients:
            yield Reminder(
                recipient=recipient,
                kind=Notification.Kind.REFERRAL_UNTRIAGED,
                params={"referral": referral.pk, "days": (today - referral.received_on).days},
                url=reverse("cases:referral_detail", args=[referral.pk]),
                dedup_key=f"referral_untriaged:{referral.pk}:{today.isoformat()}",
            )


RULES = [cases_waiting_for_mentor, referrals_waiting_for_triage]


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
        ScheduleRun.objects.filter(pk=run.pk).update(notifications=sent)
    return sent
