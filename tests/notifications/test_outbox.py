"""The outbox: written with the change, run once, retried with backoff, closed with a reason."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from mentorprogram.roles import MENTOR
from notifications import services
from notifications.models import Notification, NotificationPreference, OutboxItem
from notifications.relay import outbox_backlog
from notifications.services import notification_send, outbox_item_run

pytestmark = pytest.mark.django_db

KIND = Notification.Kind.ASSIGNED_TO_CASE


def send(user, key="event-1", **kwargs):
    return notification_send(
        recipient=user, kind=KIND, params={"case": 7, "as": "mentor"}, url="/cases/7/", dedup_key=key, **kwargs
    )


def test_sending_writes_an_outbox_row_and_nothing_else(user):
    item = send(user)
    assert (item.kind, item.status, item.payload["recipient"]) == ("notification.deliver", "pending", user.pk)
    assert not Notification.objects.exists()


def test_a_rolled_back_change_leaves_no_outbox_row(user):
    with pytest.raises(RuntimeError), transaction.atomic():
        send(user)
        raise RuntimeError
    assert not OutboxItem.objects.exists()


def test_running_an_item_delivers_once_even_when_run_twice(user):
    item = send(user)
    assert outbox_item_run(item_id=item.pk) == "done"
    assert outbox_item_run(item_id=item.pk) is None
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.url) == (user, KIND, "/cases/7/")
    assert len(mail.outbox) == 1  # assigned_to_case is emailed by default


def test_the_same_event_sent_twice_notifies_once(user):
    for item in (send(user), send(user)):
        outbox_item_run(item_id=item.pk)
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_email_says_what_happened_and_links_but_names_nobody(user):
    outbox_item_run(item_id=send(user).pk)
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "Du er tildelt mentorløp 7 som mentor." in message.body
    assert "http://testserver/cases/7/" in message.body
    assert user.first_name not in message.body and user.last_name not in message.body


def test_no_email_for_a_kind_the_user_did_not_choose(user):
    NotificationPreference.objects.create(user=user, email_kinds=[])
    outbox_item_run(item_id=send(user).pk)
    assert Notification.objects.count() == 1
    assert mail.outbox == []


def test_an_unknown_recipient_closes_the_item_with_a_reason(user):
    item = OutboxItem.objects.create(
        kind="notification.deliver", payload={"recipient": 999999, "kind": KIND, "dedup_key": "x"}
    )
    assert outbox_item_run(item_id=item.pk) == "closed"
    item.refresh_from_db()
    assert item.last_error == "recipient does not exist"


def test_a_deactivated_recipient_closes_the_item(make_user):
    user = make_user(MENTOR, is_active=False)
    item = send(user)
    assert outbox_item_run(item_id=item.pk) == "closed"


def test_an_unknown_kind_of_work_closes_the_item():
    item = OutboxItem.objects.create(kind="no.such.work", payload={})
    assert outbox_item_run(item_id=item.pk) == "closed"


def test_a_failing_handler_retries_with_backoff_then_fails_visibly(user, monkeypatch, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3

    def broken(payload):
        raise ConnectionError("smtp server unreachable")

    monkeypatch.setitem(services.HANDLERS, "notification.deliver", broken)
    item = send(user)
    before = timezone.now()
    assert outbox_item_run(item_id=item.pk) == "pending"
    item.refresh_from_db()
    assert item.available_at >= before + datetime.timedelta(seconds=settings.OUTBOX_BACKOFF_SECONDS)
    assert outbox_item_run(item_id=item.pk) == "pending"
    item.refresh_from_db()
    assert item.available_at >= before + datetime.timedelta(seconds=2 * settings.OUTBOX_BACKOFF_SECONDS)
    assert outbox_item_run(item_id=item.pk) == "failed"
    item.refresh_from_db()
    assert (item.attempts, item.last_error) == (3, "ConnectionError: smtp server unreachable")
    assert outbox_backlog()["failed"] == 1


def test_the_admin_sees_failed_items_and_can_retry(client, make_user, user, verified_login):
    from mentorprogram.roles import ADMIN

    item = OutboxItem.objects.create(
        kind="notification.deliver", payload={}, status="failed", attempts=8, last_error="ConnectionError: x"
    )
    verified_login(client, make_user(ADMIN))
    page = client.get("/admin/notifications/outboxitem/?status__exact=failed").content.decode()
    assert "ConnectionError: x" in page
    client.post("/admin/notifications/outboxitem/", {"action": "retry", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert (item.status, item.attempts) == ("pending", 0)
