"""The mentor pool's daily reminders (registered with notifications in ``MentorsConfig.ready()``)."""

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse

from mentorprogram.roles import SLT_COORDINATOR, active_users_with_role
from mentors.models import Qualification
from notifications.models import Notification
from notifications.reminders import Reminder


def qualifications_expiring(*, today: datetime.date) -> Iterator[Reminder]:
    """A mentor's newest police certificate or training record ending within MENTOR_QUALIFICATION_WARN_DAYS
    → the mentor and the SLT coordinators (once per record and end date)."""
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
