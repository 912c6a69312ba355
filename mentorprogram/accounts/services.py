"""Writes on accounts: second factor, backup codes, passwords. Each records a security event."""

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import audit_event_record
from notifications.models import Notification
from notifications.services import notification_send

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"


def totp_device_pending(*, user) -> TOTPDevice:
    """The unconfirmed authenticator device being enrolled (one per user, reused across reloads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrolment_confirm(*, user, device: TOTPDevice, token: str, request=None) -> list[str] | None:
    """Confirm an authenticator with a code from it; returns fresh backup codes, or None for a wrong code.

    Side effects: the device is confirmed and any other authenticator removed;
    new backup codes replace old ones; an OTP_ENROLLED event.
    """
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit_event_record(action=AuditEvent.Action.OTP_ENROLLED, actor=user, subject_user=user, request=request)
    return backup_codes_create(user=user, request=request)


@transaction.atomic
def backup_codes_create(*, user, request=None) -> list[str]:
    """Replace the user's backup codes with new single-use ones; the codes are shown once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    # audit: backup codes are secrets and never go in the trail; the caller records BACKUP_CODES_CREATED
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_event_record(
        action=AuditEvent.Action.BACKUP_CODES_CREATED,
        actor=user,
        subject_user=user,
        request=request,
        data={"count": len(codes)},
    )
    return codes


@transaction.atomic
def second_factor_reset(*, actor, user, request=None) -> None:
    """An administrator removes a user's authenticator and backup codes; the user enrols again at next login.

    The user is told (in the centre and by email), so a reset they did not ask for is noticed.
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    event = audit_event_record(action=AuditEvent.Action.OTP_RESET, actor=actor, subject_user=user, request=request)
    notification_send(recipient=user, kind=Notification.Kind.SECOND_FACTOR_RESET, dedup_key=f"otp_reset:{event.pk}")


@transaction.atomic
def password_changed_record(*, user, action: str, actor=None, request=None) -> None:
    """After a password change or reset: the security event, and a notice to the user."""
    event = audit_event_record(action=action, actor=actor, subject_user=user, request=request)
    notification_send(recipient=user, kind=Notification.Kind.PASSWORD_CHANGED, dedup_key=f"password:{event.pk}")


def backup_codes_remaining(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def second_factor_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
