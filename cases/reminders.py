"""The case work's daily reminders (registered with notifications in ``CasesConfig.ready()``)."""

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseAssignment, Consent, Referral
from mentorprogram.roles import SLT_COORDINATOR, active_users_with_role
from notifications.models import Notification
from notifications.reminders import Reminder


def cases_waiting_for_mentor(*, today: datetime.date) -> Iterator[Reminder]:
    """A case assessed and without a mentor for longer than REMINDER_CASE_WAITING_FOR_MENTOR_DAYS → SLT coordinators."""
    days = settings.REMINDER_CASE_WAITING_FOR_MENTOR_DAYS
    cutoff = timezone.now() - datetime.timedelta(days=days)
    cases = Case.objects.waiting_for_mentor().filter(opened_at__lte=cutoff).order_by("pk")
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
    horizon = today + datetime.timedelta(days=settings.REMINDER_CONSENT_EXPIRING_DAYS)
    consents = Consent.objects.in_force(today).filter(valid_to__lte=horizon)
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
