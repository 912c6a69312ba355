"""Writes to the audit trail. Call these in the same transaction as the change."""

import functools
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.context import current_request
from audit.models import AccessEvent, AuditEvent
from audit.registry import cases_held_by, subject_lookups


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
    AuditEvent.Action.DISCLOSURE_RECORDED,
    AuditEvent.Action.EMERGENCY_ACCESS_GRANTED,
    AuditEvent.Action.EMERGENCY_ACCESS_ENDED,
    AuditEvent.Action.EMERGENCY_ACCESS_REVIEWED,
    AuditEvent.Action.ACCESS_REQUEST_EXPORTED,
    AuditEvent.Action.RETENTION_LISTED,
    AuditEvent.Action.CASE_ERASED,
    AuditEvent.Action.REFERRAL_ERASED,
    AuditEvent.Action.LEGAL_HOLD_PLACED,
    AuditEvent.Action.LEGAL_HOLD_LIFTED,
    AuditEvent.Action.PLAN_COORDINATOR_STARTED,
    AuditEvent.Action.PLAN_COORDINATOR_ENDED,
}


def records_read(kind: str, *, model: type[models.Model] | None = None, rows=None, skip_empty: bool = False):
    """Decorate a selector that returns personal data: every call records the read as an access event.

    The reader is the request being answered (``audit.context``), or the
    selector's ``user`` keyword outside a request; with neither, nothing is
    recorded (nobody read anything). ``rows(result)`` picks what was read from
    what the selector returns; without ``model`` the result is one object
    (a VIEW or an EXPORT), with it a list of ``model`` rows (``skip_empty``: a
    search that found nobody read nobody). A selector that raises (404, 403)
    read nothing.
    """

    def decorate(selector):
        @functools.wraps(selector)
        def wrapper(*args, **kwargs):
            result = selector(*args, **kwargs)
            read = rows(result) if rows else result
            request = current_request()
            user = request.user if request is not None else kwargs.get("user")
            if user is None or not user.is_authenticated or read is None:
                return result
            if model is None:
                access_event_record(request=request, user=user, kind=kind, obj=read)
            else:
                read = list(read)
                if read or not skip_empty:
                    access_event_record(request=request, user=user, kind=kind, model=model, objects=read)
            return result

        return wrapper

    return decorate


def access_event_record(
    *,
    request=None,
    user=None,
    kind: str,
    obj: models.Model | None = None,
    objects: Iterable[models.Model] | None = None,
    model: type[models.Model] | None = None,
) -> AccessEvent:
    """Record that the reader read personal data: one object, or a list of them.

    The scoped selectors call this through ``records_read``; a view that reads
    without one (a search, an export) calls it itself. ``request`` gives the
    reader, the address and the path; ``user`` names the reader outside a request.
    """
    from mentorprogram.roles import role_slugs_for

    request = request if request is not None else current_request()
    if obj is not None:
        model = type(obj)
    if model is None:
        raise ValueError("access_event_record needs obj, or model with objects")
    rows = [obj] if obj is not None else list(objects or [])
    case_pks, participant_pks = _subjects_of(model, rows)
    user = user if user is not None else request.user
    return AccessEvent.objects.create(
        actor=user,
        roles=",".join(role_slugs_for(user)),
        kind=kind,
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(obj.pk) if obj is not None else "",
        object_pks=[str(o.pk) for o in rows] if objects is not None else [],
        case_pks=case_pks,
        participant_pks=participant_pks,
        outside_assignment=bool(case_pks) and not _holds_all(user, case_pks),
        path=request.path[:300] if request is not None else "",
        remote_addr=client_ip(request),
        api_token_id=getattr(getattr(request, "api_token", None), "pk", None),
    )


def _subjects_of(model, rows) -> tuple[list[int], list[int]]:
    """The ids of the cases and participants that ``rows`` belong to (sorted, distinct).

    Read off the rows when the lookups are their own columns; otherwise one query.
    """
    lookups = subject_lookups(model)
    if lookups is None or not rows:
        return [], []
    case_lookup, participant_lookup = lookups

    deferred = rows[0].get_deferred_fields()

    def own(lookup):
        if lookup is None:
            return lambda row: None
        if lookup == "pk":
            return lambda row: row.pk
        if "__" in lookup or model._meta.get_field(lookup).attname in deferred:
            return None
        column = model._meta.get_field(lookup).attname
        return lambda row: getattr(row, column)

    case_of, participant_of = own(case_lookup), own(participant_lookup)
    if case_of is not None and participant_of is not None:
        pairs = [(case_of(row), participant_of(row)) for row in rows]
    else:
        fields = [lookup or "pk" for lookup in (case_lookup, participant_lookup)]
        found = model._default_manager.filter(pk__in=[row.pk for row in rows]).values_list(*fields)
        pairs = [(c if case_lookup else None, p if participant_lookup else None) for c, p in found]
    cases = sorted({c for c, _p in pairs if c is not None})
    participants = sorted({p for _c, p in pairs if p is not None})
    return cases, participants


def _holds_all(user, case_pks: list[int]) -> bool:
    """Whether ``user`` holds an active assignment on every one of the cases (the app that owns cases says)."""
    return set(cases_held_by(user, case_pks)) >= set(case_pks)
