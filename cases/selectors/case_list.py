"""The case list: a page of the reader's cases, the search, the filters and what is due."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AccessEvent
from audit.services import records_read
from cases.models import Case, CaseAssignment, Consent
from cases.registry import case_due_kinds, case_list_contributions
from cases.selectors.access import case_list_for_user, set_detail_urls
from mentorprogram.forms import strict_int
from mentorprogram.models import user_name
from mentorprogram.paging import page_of

CASE_PAGE_SIZE = 50


def _case_rows(cases, *, user, page: int, per_page: int, today: datetime.date | None = None):
    """A page of cases with who holds them, what the other apps add to a row (the last session, ...) and the next
    date something is due (``next_due``)."""
    today = today or timezone.localdate()
    holders = Prefetch(
        "assignments",
        queryset=CaseAssignment.objects.filter(ended_at__isnull=True).select_related("user").order_by("started_at"),
        to_attr="active_assignments",
    )
    for annotate in case_list_contributions():
        cases = annotate(cases)
    dated = [kind for kind in case_due_kinds() if kind.next_due is not None]
    for kind in dated:
        cases = kind.next_due(cases, today=today, user=user)
    rows, has_next = page_of(cases.prefetch_related(holders), page=page, per_page=per_page)
    for row in rows:
        row.mentor_assignments = [a for a in row.active_assignments if a.kind == CaseAssignment.Kind.MENTOR]
        row.coordinator_assignments = [a for a in row.active_assignments if a.kind == CaseAssignment.Kind.COORDINATOR]
        dates = [d for d in (getattr(row, f"due_{kind.code}", None) for kind in dated) if d is not None]
        row.next_due = min(dates, default=None)
    set_detail_urls(rows, "cases:detail")
    return rows, has_next


# The case list's status filter: «open» (not closed) or one status; the pages add «all» as the empty choice.
CASE_LIST_STATUSES = [("open", _("Open")), *Case.Status.choices]


@dataclass(frozen=True)
class CaseListFilter:
    """What the case list is narrowed to: all from the address, checked against what may be chosen."""

    status: str = ""
    track: str = ""
    due: str = ""
    coordinator: int | None = None
    mentor: int | None = None


def _filtered(cases, filters: CaseListFilter, *, user, today: datetime.date | None = None):
    if filters.status == "open":
        cases = cases.exclude(status=Case.Status.CLOSED)
    elif filters.status in Case.Status.values:
        cases = cases.filter(status=filters.status)
    if filters.track in Case.Track.values:
        cases = cases.filter(track=filters.track)
    for kind, user_id in (
        (CaseAssignment.Kind.COORDINATOR, filters.coordinator),
        (CaseAssignment.Kind.MENTOR, filters.mentor),
    ):
        if user_id is not None:
            held = CaseAssignment.objects.filter(kind=kind, user_id=user_id, ended_at__isnull=True)
            cases = cases.filter(pk__in=held.values("case_id"))
    due = {kind.code: kind for kind in case_due_kinds()}.get(filters.due)
    if due is not None:
        cases = due.filter(cases, today=today or timezone.localdate(), user=user)
    return cases


@records_read(AccessEvent.Kind.LIST, model=Case, rows=lambda result: result[0])
def case_page_for_user(
    *, user, page: int = 1, per_page: int = CASE_PAGE_SIZE, filters: CaseListFilter = CaseListFilter()
):
    """One page of the user's cases and whether there is a next one (a fixed number of queries)."""
    cases = _filtered(case_list_for_user(user=user), filters, user=user)
    return _case_rows(cases, user=user, page=page, per_page=per_page)


@records_read(AccessEvent.Kind.SEARCH, model=Case, rows=lambda result: result[0], skip_empty=True)
def case_search_for_user(
    *, user, query: str, filters: CaseListFilter = CaseListFilter(), per_page: int = CASE_PAGE_SIZE
):
    """The user's cases whose participant matches ``query``: a case number, an identity number (spaces allowed),
    or part of the name. Only among the cases the user holds; the first page of matches."""
    cases = _filtered(case_list_for_user(user=user), filters, user=user)
    text = " ".join(query.split())
    digits = text.replace(" ", "")
    number = strict_int(digits)  # ASCII digits only: «²» is a digit to str.isdigit() and not to int()
    if number is not None and len(digits) == 11:
        cases = cases.filter(participant__national_id=digits)
    elif number is not None:
        cases = cases.filter(pk=number)
    elif text:
        cases = cases.filter(participant__search_name__contains=text.lower()[:100])
    else:
        return [], False
    return _case_rows(cases, user=user, page=1, per_page=per_page)


def case_list_holders(*, user) -> dict[str, list]:
    """The coordinators and mentors on the user's open cases, for the case list's filters: ``{kind: [(id, name)]}``."""
    held = case_list_for_user(user=user).exclude(status=Case.Status.CLOSED).values("pk")
    people: dict[str, dict[int, str]] = {CaseAssignment.Kind.COORDINATOR: {}, CaseAssignment.Kind.MENTOR: {}}
    # Plain rows, each person once per kind: a coordinator's open cases have hundreds of assignments.
    for kind, user_id, first, last, username in (
        CaseAssignment.objects.filter(case__in=held, ended_at__isnull=True)
        .order_by("user__first_name", "user__last_name", "user_id", "kind")
        .values_list("kind", "user_id", "user__first_name", "user__last_name", "user__username")
        .distinct()
    ):
        people[kind][user_id] = user_name(first, last, username)
    return {kind: list(names.items()) for kind, names in people.items()}


def case_due_choices() -> list[tuple[str, str]]:
    return [(kind.code, kind.label) for kind in case_due_kinds()]


def due_consent_expiring(cases, *, today: datetime.date, user):
    """Cases with a consent in force that runs out within REMINDER_CONSENT_EXPIRING_DAYS."""
    horizon = today + datetime.timedelta(days=settings.REMINDER_CONSENT_EXPIRING_DAYS)
    expiring = Consent.objects.in_force(today).filter(case=OuterRef("pk"), valid_to__lte=horizon)
    return cases.filter(Exists(expiring))


def next_consent_expiry(cases, *, today: datetime.date, user):
    """Each case with ``due_consent_expiring``: the day its first consent in force runs out."""
    first = (
        Consent.objects.in_force(today)
        .filter(case=OuterRef("pk"), valid_to__isnull=False)
        .order_by("valid_to")
        .values("valid_to")
    )
    return cases.annotate(due_consent_expiring=Subquery(first[:1]))


def due_needs_mentor(cases, *, today: datetime.date, user):
    """Cases assessed and still without a mentor."""
    return cases.filter(pk__in=Case.objects.waiting_for_mentor().values("pk"))


def case_rows_by_id(*, user, cases):
    """``cases``, already read through ``case_get_for_user`` (which checked and recorded the read), as list rows:
    their mentors, coordinators, last session and next due date."""
    rows = Case.objects.filter(pk__in=[case.pk for case in cases]).select_related("participant").order_by("pk")
    return _case_rows(rows, user=user, page=1, per_page=max(len(cases), 1))
