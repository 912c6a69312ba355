"""API tokens: made, checked and revoked here only.

A token reads «mp_<prefix>_<secret>». The prefix finds the row; the secret is compared, in constant time, with
an HMAC-SHA256 of it under a key derived from SECRET_KEY, so a copy of the database gives no usable token
(rotating SECRET_KEY ends every token). Every token made, revoked or refused is an audit event.
"""

import datetime
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_event_record
from mentorprogram.models import ApiToken
from mentorprogram.roles import role_slugs_for

TOKEN_PREFIX = "mp_"  # noqa: S105  (the public start of every token, not a secret)
MAX_DAYS = 365
PREFIX_SHAPE = re.compile(r"[0-9a-f]{12}")
# How often a token's «last used» is written (a write a request would cost the database for nothing).
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _digest(secret: str) -> str:
    key = hashlib.sha256(b"mentorprogram api token\x00" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def api_token_create(*, actor, name: str, scope: str, days: int, request=None) -> tuple[ApiToken, str]:
    """A new token for ``actor``, and its plain text (shown once, never stored).

    Only a user who has passed the second factor in this session makes one, and only for themselves.
    """
    if not getattr(actor, "is_verified", lambda: False)() or not role_slugs_for(actor):
        raise PermissionDenied
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Give the token a name, for example the system that will use it.")
    if scope not in ApiToken.Scope.values:
        errors["scope"] = _("Choose what the token may do.")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["days"] = _("A token lasts from 1 to %(max)s days.") % {"max": MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip()[:100],
        prefix=prefix,
        digest=_digest(secret),
        scope=scope,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    audit_event_record(
        action=AuditEvent.Action.API_TOKEN_CREATED,
        actor=actor,
        subject_user=actor,
        data={"token": token.pk, "prefix": prefix, "scope": scope, "days": days},
        request=request,
    )
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, request=None) -> ApiToken:
    """End a token now. Its user revokes their own."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_event_record(
            action=AuditEvent.Action.API_TOKEN_REVOKED,
            actor=actor,
            subject_user=actor,
            data={"token": token.pk, "prefix": token.prefix},
            request=request,
        )
    return token


def api_token_authenticate(raw: str, *, request=None) -> ApiToken | None:
    """The usable token ``raw`` names, or None. A refused token that names a real one is an audit event."""
    if not raw.startswith(TOKEN_PREFIX) or raw.count("_") < 2:
        return None
    prefix, _sep, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    # A prefix is 12 hex digits: anything else (a NUL, a quote, a megabyte) never reaches the database.
    if not PREFIX_SHAPE.fullmatch(prefix):
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(secret)):
        return None
    now = timezone.now()
    if not token.is_usable(now):
        audit_event_record(
            action=AuditEvent.Action.API_TOKEN_REFUSED,
            actor=None,
            subject_user=token.user,
            data={"token": token.pk, "prefix": token.prefix, "why": "revoked" if token.revoked_at else "expired"},
            request=request,
        )
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # audit: a timestamp, not content
        token.last_used_at = now
    return token


def api_tokens_of(user) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
