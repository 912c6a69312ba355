"""The sessions' daily reminders (registered with notifications in ``MentorSessionsConfig.ready()``)."""

import datetime
from collections.abc import Iterator

from django.urls import reverse

from cases.models import Case, CaseAssignment
from mentorsessions.selectors import cases_without_recent_session, weeks_without_session
from notifications.models import Notification
from notifications.reminders import Reminder


def cases_without_session(*, today: datetime.date) -> Iterator[Reminder]:
    """An active case with no session for SESSION_QUIET_WEEKS weeks → its coordinator and its mentor (once a week)."""
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
