"""Reads of the audit trail, for the privacy officer."""

import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Count, Max, Min, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from audit.models import AccessEvent, AuditEvent
from audit.services import records_read
from cases.models import Case, LegalHold, Participant, Referral
from mentorprogram.forms import strict_int
from mentorprogram.paging import page_of
from privacy.subject_access import subject_access_report

SEARCH_PAGE_SIZE = 50
PARTICIPANT_NAME_SIMILARITY = 0.35


@dataclass
class EventFilters:
    action: str = ""
    user: int | None = None
    case: int | None = None
    occurred_from: datetime.date | None = None
    occurred_to: datetime.date | None = None


def audit_event_search(*, filters: EventFilters, page: int = 1, per_page: int = SEARCH_PAGE_SIZE):
    """Security and domain events, newest first: (the page's events, whether there is a next page)."""
    events = AuditEvent.objects.select_related("content_type", "subject_user")
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.user:
        events = events.filter(Q(actor_id=filters.user) | Q(subject_user_id=filters.user))
    if filters.case:
        from django.contrib.contenttypes.models import ContentType

        on_case = Q(content_type=ContentType.objects.get_for_model(Case), object_pk=str(filters.case))
        events = events.filter(on_case | Q(data__case=filters.case))
    events = _within_days(events, filters.occurred_from, filters.occurred_to)
    return page_of(events.order_by("-timestamp", "-id"), page=page, per_page=per_page)


@records_read(AccessEvent.Kind.SEARCH, model=Participant, skip_empty=True)
def participants_matching(query: str, *, limit: int = 10) -> list:
    """Participants the privacy officer may mean: by number, national identity number, or a similar name."""
    query = query.strip()
    if not query:
        return []
    if query.isascii() and query.isdigit() and len(query) == 11:
        return list(Participant.objects.filter(national_id=query)[:limit])
    if strict_int(query) is not None:
        return list(Participant.objects.filter(pk=strict_int(query))[:limit])
    return list(
        Participant.objects.annotate(similarity=TrigramSimilarity("search_name", query.lower()))
        .filter(Q(similarity__gte=PARTICIPANT_NAME_SIMILARITY) | Q(search_name__contains=query.lower()))
        .order_by("-similarity", "pk")[:limit]
    )


@dataclass
class AccessFilters:
    participant: int | None = None
    reader: int | None = None
    kind: str = ""
    read_from: datetime.date | None = None
    read_to: datetime.date | None = None
    outside_assignment: bool = False


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _within_days(events, first: datetime.date | None, last: datetime.date | None):
    """Events on the days ``first`` to ``last`` (Europe/Oslo), both included; either may be open."""
    if first:
        events = events.filter(timestamp__gte=_day_start(first))
    if last:
        events = events.filter(timestamp__lt=_day_start(last + datetime.timedelta(days=1)))
    return events


def _filtered(filters: AccessFilters):
    events = AccessEvent.objects.all()
    if filters.participant:
        events = events.filter(participant_pks__contains=[filters.participant])
    if filters.reader:
        events = events.filter(actor_id=filters.reader)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    events = _within_days(events, filters.read_from, filters.read_to)
    if filters.outside_assignment:
        events = events.filter(outside_assignment=True)
    return events


def access_event_search(*, filters: AccessFilters, page: int = 1, per_page: int = SEARCH_PAGE_SIZE):
    """Reads of personal data, newest first: (the page's events, whether there is a next page).

    «Who has read this participant» is ``participant``; «what has this user
    read» is ``reader``; the dates are days in Europe/Oslo, both included.
    """
    events = _filtered(filters).select_related("content_type", "api_token")
    return page_of(events.order_by("-timestamp", "-id"), page=page, per_page=per_page)


READER_SUMMARY_LIMIT = 500


def access_readers(*, filters: AccessFilters) -> list[dict]:
    """The answer first: one line per reader of what ``filters`` find, with their roles, how many reads, the first
    and the last, and how many were outside an assignment; most reads first."""
    return list(
        _filtered(filters)
        .values("actor_id", "actor_name", "actor_username", "roles")
        .annotate(
            reads=Count("id"),
            first=Min("timestamp"),
            last=Max("timestamp"),
            outside=Count("id", filter=Q(outside_assignment=True)),
        )
        .order_by("-reads", "actor_username")[:READER_SUMMARY_LIMIT]
    )


@records_read(AccessEvent.Kind.LIST, model=Case, skip_empty=True)
def retention_cases(*, run) -> list[Case]:
    """The cases a retention run lists, with any hold in force (``holds``), oldest closing first. A read."""
    return list(
        Case.objects.filter(pk__in=run.case_pks)
        .select_related("participant")
        .prefetch_related(Prefetch("legal_holds", LegalHold.objects.filter(lifted_at__isnull=True), "holds"))
        .order_by("closed_at")
    )


@records_read(AccessEvent.Kind.LIST, model=Referral, skip_empty=True)
def retention_referrals(*, run) -> list[Referral]:
    """The referrals a retention run lists, oldest first. A read."""
    return list(Referral.objects.filter(pk__in=run.referral_pks).order_by("submitted_at"))


@records_read(AccessEvent.Kind.VIEW, rows=lambda result: result[0])
def access_request_view(*, participant, reader):
    """(participant, everything held about them) for the access-request page. A read of the participant."""
    return participant, subject_access_report(participant=participant, generated_by=reader)


@records_read(AccessEvent.Kind.EXPORT, rows=lambda result: result[0])
def access_request_export(*, pk, reader):
    """(participant, everything held about them) for a download; Http404 when nobody has ``pk``. An export."""
    participant = Participant.objects.filter(pk=pk).first()
    if participant is None:
        raise Http404
    return participant, subject_access_report(participant=participant, generated_by=reader)
