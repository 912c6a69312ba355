"""Writes on accounts: second factor, backup codes, passwords, roles. Each records a security event."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import audit_event_record
from mentorprogram.models import ProviderIdentity, RoleGrantRequest, User
from mentorprogram.roles import ADMIN, PRIVACY_OFFICER, ROLES_BY_SLUG, active_users_with_role, role_slugs_for
from notifications.models import Notification
from notifications.services import PermanentFailure, notification_send, notification_send_to_role, outbox_enqueue

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
    # A reset is how an administrator could get into someone's account: the privacy officer hears of each.
    notification_send_to_role(
        PRIVACY_OFFICER,
        kind=Notification.Kind.SECOND_FACTOR_RESET_BY_ADMIN,
        params={"user": user.username, "actor": actor.username if actor else ""},
        dedup_key=f"otp_reset:{event.pk}",
    )


@transaction.atomic
def password_changed_record(*, user, action: str, actor=None, request=None) -> None:
    """After a password change or reset: the security event, and a notice to the user."""
    event = audit_event_record(action=action, actor=actor, subject_user=user, request=request)
    notification_send(recipient=user, kind=Notification.Kind.PASSWORD_CHANGED, dedup_key=f"password:{event.pk}")


def backup_codes_remaining(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def second_factor_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- Passwords by link ---------------------------------------------------------------------
# Nobody sets another person's password. A user gets a link to choose their own:
# when an account is made, when they ask on the login page, when an administrator
# sends one. The link is made by the worker when it sends the email, so no token
# ever sits in the outbox.
PASSWORD_LINK_EMAIL = "password_link_email"  # noqa: S105  (an outbox kind, not a password)


def password_link_queue(*, user, reason: str = "reset", actor=None, request=None) -> None:
    """Queue an email with a link to set a password («welcome» for a new account, else «reset»)."""
    if not user.is_active or not user.email:
        return
    outbox_enqueue(kind=PASSWORD_LINK_EMAIL, payload={"user": user.pk, "reason": reason})
    if actor is not None:
        audit_event_record(
            action=AuditEvent.Action.PASSWORD_LINK_SENT,
            actor=actor,
            subject_user=user,
            request=request,
            data={"reason": reason},
        )


def password_link_send(payload: dict) -> None:
    """The outbox handler: make the one-time link now, and email it. The user must still be active."""
    user = User.objects.filter(pk=payload.get("user")).first()
    if user is None or not user.is_active:
        raise PermanentFailure("the user does not exist or is deactivated")
    if not user.email:
        raise PermanentFailure("the user has no email address")
    link = settings.SITE_URL.rstrip("/") + reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {"link": link, "username": user.username, "welcome": payload.get("reason") == "welcome"}
        subject = render_to_string("accounts/password_reset_subject.txt", context).strip()
        body = render_to_string("accounts/password_reset_email.txt", context)
    send_mail(subject, body, None, [user.email])


# --- Roles that reach personal data: two people -----------------------------------------------


def role_needs_second_person(slug: str) -> bool:
    """A role that reaches personal data, or the administrator's (who decides such grants): never given alone.

    Were the administrator's role given directly, one administrator could make
    a second one to approve their own requests.
    """
    role = ROLES_BY_SLUG.get(slug)
    return role is not None and (role.reaches_personal_data or slug == ADMIN)


@transaction.atomic
def role_grant_request(*, actor, user, role: str, request=None) -> RoleGrantRequest:
    """An administrator asks for ``role`` for ``user``; another person decides (``role_grant_decide``).

    Side effects: a ROLE_GRANT_REQUESTED event, and a notice to every privacy
    officer and every other administrator, who may approve it.
    """
    if not actor.has_perm("mentorprogram.change_user"):
        raise PermissionDenied
    if not role_needs_second_person(role):
        raise ValidationError(_("This role is given directly; it needs no approval."))
    if role in role_slugs_for(user):
        raise ValidationError(_("The user already has this role."))
    existing = RoleGrantRequest.objects.filter(user=user, role=role, decided_at__isnull=True).first()
    if existing is not None:
        return existing
    grant = RoleGrantRequest.objects.create(user=user, role=role, requested_by=actor)
    audit_event_record(
        action=AuditEvent.Action.ROLE_GRANT_REQUESTED,
        actor=actor,
        subject_user=user,
        obj=grant,
        request=request,
        data={"role": role},
    )
    deciders = (active_users_with_role(PRIVACY_OFFICER) | active_users_with_role(ADMIN)).distinct()
    for decider in deciders.exclude(pk__in=[actor.pk, user.pk]):
        notification_send(
            recipient=decider,
            kind=Notification.Kind.ROLE_GRANT_REQUESTED,
            params={"user": user.username, "role": role},
            url=reverse("accounts:role_requests"),
            dedup_key=f"role_request:{grant.pk}",
        )
    return grant


def may_decide_role_grant(user, grant: RoleGrantRequest) -> bool:
    """The privacy officer or an administrator, who neither asked for it nor would get it."""
    return (
        user.has_perm("mentorprogram.decide_role_grant")
        and user.pk not in (grant.requested_by_id, grant.user_id)
        and grant.decided_at is None
    )


@transaction.atomic
def role_grant_decide(*, actor, grant: RoleGrantRequest, approve: bool, note: str = "", request=None):
    """Approve (the role is given now) or refuse a requested role. Never by the one who asked or the user.

    Side effects: ROLE_GRANT_APPROVED or ROLE_GRANT_REFUSED; on approval the
    group and a ROLES_CHANGED event, and every privacy officer is told of the
    grant; the one who asked is told either way.
    """
    grant = RoleGrantRequest.objects.select_for_update().select_related("user", "requested_by").get(pk=grant.pk)
    if not actor.has_perm("mentorprogram.decide_role_grant"):
        raise PermissionDenied
    if grant.decided_at is not None:
        raise ValidationError(_("The request is already decided."))
    if actor.pk in (grant.requested_by_id, grant.user_id):
        raise ValidationError(_("A second person decides: not the one who asked, and not the user concerned."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the role is refused.")})
    grant.decided_by, grant.decided_at = actor, timezone.now()
    grant.decision = RoleGrantRequest.Decision.APPROVED if approve else RoleGrantRequest.Decision.REFUSED
    grant.note = note.strip()
    grant.save(update_fields=["decided_by", "decided_at", "decision", "note"])
    audit_event_record(
        action=AuditEvent.Action.ROLE_GRANT_APPROVED if approve else AuditEvent.Action.ROLE_GRANT_REFUSED,
        actor=actor,
        subject_user=grant.user,
        obj=grant,
        data={"role": grant.role, "request": grant.pk},
        request=request,
    )
    if approve:
        from django.contrib.auth.models import Group

        grant.user.groups.add(Group.objects.get(name=grant.role))
        audit_event_record(
            action=AuditEvent.Action.ROLES_CHANGED,
            actor=actor,
            subject_user=grant.user,
            request=request,
            data={"added": [grant.role], "removed": []},
        )
        notification_send_to_role(
            PRIVACY_OFFICER,
            kind=Notification.Kind.ROLE_GRANTED,
            params={
                "user": grant.user.username,
                "role": grant.role,
                "asked_by": grant.requested_by.username,
                "approved_by": actor.username,
            },
            dedup_key=f"role_granted:{grant.pk}",
        )
    notification_send(
        recipient=grant.requested_by,
        kind=Notification.Kind.ROLE_GRANT_DECIDED,
        params={"user": grant.user.username, "role": grant.role, "decision": grant.decision},
        dedup_key=f"role_decided:{grant.pk}",
    )
    return grant


@transaction.atomic
def contact_change_record(*, actor, user, request=None) -> None:
    """An administrator changed the email address of someone who reaches personal data: on record, and told.

    A changed address is where the next password link goes; together with a
    reset second factor it would hand the account to whoever owns the address.
    The privacy officer is told at once, and it is its own audit event.
    """
    event = audit_event_record(
        action=AuditEvent.Action.EMAIL_CHANGED, actor=actor, subject_user=user, request=request, data={}
    )
    notification_send_to_role(
        PRIVACY_OFFICER,
        kind=Notification.Kind.EMAIL_CHANGED_BY_ADMIN,
        params={"user": user.username, "actor": actor.username},
        dedup_key=f"email_changed:{event.pk}",
        exclude=[actor],
    )


# --- Sign-in identities at an identity provider ------------------------------------------------


IDENTITY_TAKEN = gettext_lazy("This identity is already linked to an account.")


def provider_identity_taken(*, issuer: str, subject: str) -> bool:
    """Whether the identity is linked to an account already (the database's unique constraint is the law)."""
    return ProviderIdentity.objects.filter(issuer=issuer, subject=subject.strip()).exists()


@transaction.atomic
def provider_identity_link(*, actor, user, provider: str, subject: str, request=None) -> ProviderIdentity:
    """An administrator links a provider's identity (its issuer and the subject it gives the person) to an account.

    A link is a way into the account, so it is never made quietly: an IDENTITY_LINKED event, a notice to the
    user, and one to every privacy officer (as for a reset second factor). Roles are not touched.
    """
    config = settings.OIDC_PROVIDERS.get(provider)
    if config is None:
        raise ValidationError({"provider": _("No identity provider by this name is configured.")})
    subject = subject.strip()
    if not subject:
        raise ValidationError({"subject": _("Type the identity code the person got on the sign-in page.")})
    if provider_identity_taken(issuer=config["issuer"], subject=subject):
        raise ValidationError({"subject": IDENTITY_TAKEN})
    identity = ProviderIdentity.objects.create(
        user=user, name=config["label"], provider=provider, issuer=config["issuer"], subject=subject, linked_by=actor
    )
    event = audit_event_record(
        action=AuditEvent.Action.IDENTITY_LINKED,
        actor=actor,
        subject_user=user,
        obj=identity,
        request=request,
        data={"provider": provider},
    )
    notification_send(
        recipient=user,
        kind=Notification.Kind.IDENTITY_LINKED,
        params={"provider": config["label"]},
        dedup_key=f"identity_linked:{event.pk}",
    )
    notification_send_to_role(
        PRIVACY_OFFICER,
        kind=Notification.Kind.IDENTITY_LINKED_BY_ADMIN,
        params={"user": user.username, "actor": actor.username, "provider": config["label"]},
        dedup_key=f"identity_linked:{event.pk}",
        exclude=[actor],
    )
    return identity


@transaction.atomic
def provider_identity_unlink(*, actor, identity: ProviderIdentity, request=None) -> None:
    """The identity signs in no more; a session it verified is no longer verified (django-otp finds no device)."""
    audit_event_record(
        action=AuditEvent.Action.IDENTITY_UNLINKED,
        actor=actor,
        subject_user=identity.user,
        obj=identity,
        request=request,
        data={"provider": identity.provider},
    )
    identity.delete()
