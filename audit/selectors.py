"""Reads of the audit trail, for the privacy officer."""

from audit.models import AccessEvent, AuditEvent

PAGE_SIZE = 200


def audit_event_list(*, action: str = "", limit: int = PAGE_SIZE):
    events = AuditEvent.objects.select_related("content_type", "subject_user")
    if action:
        events = events.filter(action=action)
    return events[:limit]


def access_event_list(*, limit: int = PAGE_SIZE):
    return AccessEvent.objects.select_related("content_type")[:limit]
