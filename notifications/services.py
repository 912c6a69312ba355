"""Telling people things, and handing work to the background, without ever losing it.

Services call ``notification_send`` (or ``outbox_enqueue``) inside their own
transaction. The row is the promise: the relay in each worker hands it to
Celery when Redis is reachable, and the task runs it exactly once.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mentorprogram.roles import active_users_with_role
from notifications.models import Notification, NotificationPreference, OutboxItem

log = logging.getLogger(__name__)

DELIVER_NOTIFICATION = "notification.deliver"


class PermanentFailure(Exception):
    """The item can never succeed (unknown recipient, object gone): close it with this reason."""


def outbox_enqueue(*, kind: str, payload: dict, available_at: datetime.datetime | None = None) -> OutboxItem:
    """Write one unit of background work. Call inside the transaction of the change that wants it.

    Never talks to Redis: a web request that enqueues cannot hang on the broker.
    """
    return OutboxItem.objects.create(kind=kind, payload=payload, available_at=available_at or timezone.now())


def notification_send(*, recipient, kind: str, params: dict | None = None, url: str = "", dedup_key: str) -> OutboxItem:
    """Notify ``recipient`` (in the centre, and by email if they chose the kind).

    ``dedup_key`` names the event: the same key never notifies the same person
    twice, however often a task or a schedule runs.
    """
    if kind not in Notification.Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    payload = {"recipient": recipient.pk, "kind": kind, "params": params or {}, "url": url, "dedup_key": dedup_key}
    return outbox_enqueue(kind=DELIVER_NOTIFICATION, payload=payload)


def notification_send_to_role(
    role: str, *, kind: str, params: dict | None = None, url: str = "", dedup_key: str, exclude=()
) -> None:
    """Notify every active holder of ``role`` (all the privacy officers, all the SLT coordinators), but ``exclude``."""
    for recipient in active_users_with_role(role).exclude(pk__in=[user.pk for user in exclude]):
        notification_send(recipient=recipient, kind=kind, params=params, url=url, dedup_key=dedup_key)


def deliver_notification(payload: dict) -> None:
    """Handler for DELIVER_NOTIFICATION: idempotent; the unique dedup key is the guard."""
    from django.contrib.auth import get_user_model

    recipient = get_user_model().objects.filter(pk=payload.get("recipient")).first()
    if recipient is None:
        raise PermanentFailure("recipient does not exist")
    if not recipient.is_active:
        raise PermanentFailure("recipient is deactivated")
    if payload.get("kind") not in Notification.Kind.values:
        raise PermanentFailure("unknown notification kind")
    notification, _created = Notification.objects.get_or_create(
        recipient=recipient,
        dedup_key=payload["dedup_key"],
        defaults={"kind": payload["kind"], "params": payload.get("params") or {}, "url": payload.get("url", "")},
    )
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.emailed_at is None and recipient.email and wants_email(recipient, notification.kind):
        from notifications.email import notification_email_send

        notification_email_send(notification=notification)
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])


def wants_email(user, kind: str) -> bool:
    preference = NotificationPreference.objects.filter(user=user).first()
    kinds = preference.email_kinds if preference is not None else settings.NOTIFICATION_EMAIL_DEFAULT_KINDS
    return kind in kinds


HANDLERS = {DELIVER_NOTIFICATION: deliver_notification}


def outbox_handler_register(kind: str, handler) -> None:
    """Let another app's background work go through the outbox: ``handler(payload)`` runs each item of ``kind``.

    Called from the app's ``AppConfig.ready()``; the handler raises
    PermanentFailure for an item that can never succeed, anything else to retry.
    """
    HANDLERS[kind] = handler


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(settings.OUTBOX_BACKOFF_SECONDS * 2 ** (attempts - 1), 3600))


def outbox_item_run(*, item_id: int) -> str | None:
    """Run one outbox item exactly once (called by the Celery task; safe to call twice).

    Returns the item's new status, or None when there was nothing to do.
    A transient error puts it back with a backoff; after OUTBOX_MAX_ATTEMPTS it
    is FAILED and shown to the admin. A PermanentFailure closes it with its reason.
    """
    with transaction.atomic():
        item = OutboxItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None or item.status in (OutboxItem.Status.DONE, OutboxItem.Status.CLOSED, OutboxItem.Status.FAILED):
            return None
        item.attempts += 1
        now = timezone.now()
        handler = HANDLERS.get(item.kind)
        try:
            if handler is None:
                raise PermanentFailure("no handler for this kind")
            with transaction.atomic():
                handler(item.payload)
        except PermanentFailure as exc:
            item.status, item.last_error, item.finished_at = OutboxItem.Status.CLOSED, str(exc), now
        except Exception as exc:  # any other error is transient until the attempts run out
            # The type and message only: handlers keep personal data out of exception texts.
            item.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            log.warning("outbox item %s failed (attempt %s): %s", item.pk, item.attempts, type(exc).__name__)
            if item.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                item.status, item.finished_at = OutboxItem.Status.FAILED, now
            else:
                item.status, item.dispatched_at = OutboxItem.Status.PENDING, None
                item.available_at = now + _backoff(item.attempts)
        else:
            item.status, item.finished_at, item.last_error = OutboxItem.Status.DONE, now, ""
        item.save()
        return item.status


def outbox_item_retry(*, item: OutboxItem) -> None:
    """Admin: give a failed or closed item another go."""
    item.status, item.available_at, item.dispatched_at, item.finished_at = (
        OutboxItem.Status.PENDING,
        timezone.now(),
        None,
        None,
    )
    item.attempts = 0
    item.save(update_fields=["status", "available_at", "dispatched_at", "finished_at", "attempts"])


def notification_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    # audit: read marks on the user's own notifications: ids only, nothing of a participant
    return unread.update(read_at=timezone.now())


def notification_preference_update(*, user, email_kinds: list[str]) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    preference.email_kinds = sorted(set(email_kinds) & set(Notification.Kind.values))
    preference.save(update_fields=["email_kinds"])
    return preference
