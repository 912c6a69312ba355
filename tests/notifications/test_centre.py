"""The notification centre: own notifications only, unread count, mark as read, preferences."""

import pytest

from mentorprogram.roles import MENTOR
from notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def notify(user, key, **kwargs):
    return Notification.objects.create(
        recipient=user,
        kind=Notification.Kind.ASSIGNED_TO_CASE,
        params={"case": 3, "as": "mentor"},
        url="/cases/3/",
        dedup_key=key,
        **kwargs,
    )


def test_it_lists_only_the_users_own_notifications_with_the_unread_count(client, user, make_user, verified_login):
    notify(user, "a")
    notify(make_user(MENTOR), "b")
    verified_login(client, user)
    page = client.get("/notifications/").content.decode()
    assert page.count("Du er tildelt mentorløp 3 som mentor.") == 1
    assert 'data-count="1"' in page and '<span class="ds-sr-only"> 1 ulest</span>' in page


def test_it_marks_one_or_all_as_read(client, user, verified_login):
    first, second = notify(user, "a"), notify(user, "b")
    verified_login(client, user)
    client.post("/notifications/", {"id": [first.pk]})
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    client.post("/notifications/")
    second.refresh_from_db()
    assert second.read_at is not None


def test_it_cannot_mark_another_users_notification(client, user, make_user, verified_login):
    other = notify(make_user(MENTOR), "b")
    verified_login(client, user)
    client.post("/notifications/", {"id": [other.pk]})
    other.refresh_from_db()
    assert other.read_at is None


def test_it_saves_the_email_preferences(client, user, verified_login):
    verified_login(client, user)
    page = client.get("/notifications/settings/").content.decode()
    assert 'value="assigned_to_case"' in page and "checked" in page
    client.post("/notifications/settings/", {"email_kinds": ["case_waiting_for_mentor"]})
    assert NotificationPreference.objects.get(user=user).email_kinds == ["case_waiting_for_mentor"]


def test_an_assignment_notifies_the_person_assigned(make_user):
    from cases.models import CaseAssignment
    from cases.services import case_assignment_start
    from mentorprogram.roles import SLT_COORDINATOR
    from notifications.models import OutboxItem
    from tests.cases.factories import CaseFactory

    mentor = make_user(MENTOR)
    case = CaseFactory()
    case_assignment_start(actor=make_user(SLT_COORDINATOR), case=case, user=mentor, kind=CaseAssignment.Kind.MENTOR)
    item = OutboxItem.objects.get()
    assert item.payload["recipient"] == mentor.pk and item.payload["params"] == {"case": case.pk, "as": "mentor"}
