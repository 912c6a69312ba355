"""Writes to the audit trail. Call these in the same transaction as the change."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AccessEvent, AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def audit_event_record(
    *,
    action: str,
    actor=None,
    subject_user=None,
    obj: models.Model | None = None,
    data: dict | None = None,
    request=None,
    category: str | None = None,
) -> AuditEvent:
    """Record a domain or security event. ``data`` holds ids and codes, never personal values."""
    if category is None:
        category = AuditEvent.Category.DOMAIN if action in _DOMAIN_ACTIONS else AuditEvent.Category.SECURITY
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        category=category,
        action=action,
        actor=actor,
        subject_user=subject_user,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_pk=str(obj.pk) if obj is not None else "",
        data=data or {},
        remote_addr=client_ip(request),
    )


_DOMAIN_ACTIONS = {
    AuditEvent.Action.ASSIGNMENT_STARTED,
    AuditEvent.Action.ASSIGNMENT_ENDED,
    AuditEvent.Action.SESSION_CORRECTED,
    AuditEvent.Action.SESSION_VOIDED,
    AuditEvent.Action.CONCERN_RAISED,
    AuditEvent.Action.CONCERN_ESCALATED,
    AuditEvent.Action.CONCERN_ACKNOWLEDGED,
}


def access_event_record(
    *,
    request,
    kind: str,
    obj: models.Model | None = None,
    objects: Iterable[models.Model] | None = None,
    model: type[models.Model] | None = None,
) -> AccessEvent:
    """Record that ``request.user`` read personal data: one object, or a list of them.

    Every view, API endpoint and export that shows personal data calls this
    (or ``audit.views.audited_read``) before it answers.
    """
    from mentorprogram.roles import role_slugs_for

    if obj is not None:
        model = type(obj)
    pks = [str(o.pk) for o in objects] if objects is not None else []
    if model is None:
        raise ValueError("access_event_record needs obj, or model with objects")
    user = request.user
    return AccessEvent.objects.create(
        actor=user,
        roles=",".join(role_slugs_for(user)),
        kind=kind,
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(obj.pk) if obj is not None else "",
        object_pks=pks,
        path=request.path[:300],
        remote_addr=client_ip(request),
    )
