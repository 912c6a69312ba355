"""Reads of cases, always scoped to the user who reads."""

import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from guardian.shortcuts import get_objects_for_user

from audit.models import AccessEvent
from audit.services import records_read
from cases.backends import EMERGENCY_ACCESS_GRANTS
from cases.models import Case, CaseAssignment, EmergencyAccess, Participant, Referral
from cases.registry import case_list_contributions, timeline_contributions
from mentorprogram.forms import strict_int
from mentorprogram.paging import page_of
from mentorprogram.roles import may_reach_personal_data

# Duplicate search: how alike two names must be (pg_trgm similarity, 0–1) and
# how far apart two dates of birth may be, to count as a possible match.
DUPLICATE_NAME_SIMILARITY = 0.3
DUPLICATE_DOB_DAYS = 31
QUEUE_PAGE_SIZE = 50
CASE_PAGE_SIZE = 50


def _url_template(name: str) -> str:
    """«/cases/{}/» for a route taking one id: reversed once per page, formatted per row
    (reversing in the row loop was most of the list pages' cost)."""
    return reverse(name, args=[0]).replace("/0/", "/{}/")


def set_detail_urls(rows, route: str, *, pk=lambda row: row.pk) -> None:
    """Give each row its ``detail_url`` for ``route`` (reversed once, formatted per row)."""
    template = _url_template(route)
    for row in rows:
        row.detail_url = template.format(pk(row))


def _case_rows(cases, *, page: int, per_page: int):
    """A page of cases with their mentors and what the other apps add to a row (the last session, ...)."""
    mentors = Prefetch(
        "assignments",
        queryset=CaseAssignment.objects.filter(kind=CaseAssignment.Kind.MENTOR, ended_at__isnull=True).select_related(
            "user"
        ),
        to_attr="mentor_assignments",
    )
    for annotate in case_list_contributions():
        cases = annotate(cases)
    rows, has_next = page_of(cases.prefetch_related(mentors), page=page, per_page=per_page)
    set_detail_urls(rows, "cases:detail")
    return rows, has_next


def _filtered(cases, *, status: str = "", track: str = ""):
    if status == "open":
        cases = cases.exclude(status=Case.Status.CLOSED)
    elif status in Case.Status.values:
        cases = cases.filter(status=status)
    if track in Case.Track.values:
        cases = cases.filter(track=track)
    return cases


@records_read(AccessEvent.Kind.LIST, model=Case, rows=lambda result: result[0])
def case_page_for_user(*, user, page: int = 1, per_page: int = CASE_PAGE_SIZE, status: str = "", track: str = ""):
    """One page of the user's cases and whether there is a next one (a fixed number of queries)."""
    return _case_rows(
        _filtered(case_list_for_user(user=user), status=status, track=track), page=page, per_page=per_page
    )


@records_read(AccessEvent.Kind.SEARCH, model=Case, rows=lambda result: result[0], skip_empty=True)
def case_search_for_user(*, user, query: str, status: str = "", track: str = "", per_page: int = CASE_PAGE_SIZE):
    """The user's cases whose participant matches ``query``: a case number, an identity number (spaces allowed),
    or part of the name. Only among the cases the user holds; the first page of matches."""
    cases = _filtered(case_list_for_user(user=user), status=status, track=track)
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
    return _case_rows(cases, page=1, per_page=per_page)


def case_list_for_user(*, user):
    """Cases the user holds «view» on through an assignment; never through a model-wide permission."""
    return cases_held(user, "cases.view_case").select_related("participant").order_by("-opened_at", "-pk")


# The emergency grants a user holds, looked up once per case per request: the permission backend
# (cases.backends) asks at every check. Kept on the user object, which lives for one request, under
# this one name; opening or ending a grant forgets it (emergency_grants_forget).
EMERGENCY_GRANTS_CACHE = "_mentorprogram_emergency_grants"


def emergency_grants_forget(user) -> None:
    """Forget the user's cached grants (after one is opened or ended in this request)."""
    user.__dict__.pop(EMERGENCY_GRANTS_CACHE, None)


def emergency_access_active(*, user, case_pk) -> EmergencyAccess | None:
    """The user's active emergency access to the case, if any (cached on the user for the request)."""
    cache = user.__dict__.setdefault(EMERGENCY_GRANTS_CACHE, {})
    if case_pk not in cache:
        cache[case_pk] = EmergencyAccess.objects.active().filter(user=user, case_id=case_pk).first()
    return cache[case_pk]


@records_read(AccessEvent.Kind.LIST, model=EmergencyAccess)
def emergency_access_list(*, limit: int = 200) -> list[EmergencyAccess]:
    """For the privacy officer: emergency accesses, those not yet reviewed first, then the newest."""
    return list(
        EmergencyAccess.objects.select_related("user", "reviewed_by", "case").order_by(
            F("reviewed_at").asc(nulls_first=True), "-granted_at"
        )[:limit]
    )


def cases_held(user, perm: str):
    """Cases on which ``user`` holds ``perm`` through an assignment (django-guardian), never a model-wide right.

    With ``cases_readable`` the one gate that scopes a case to its reader: every
    selector that returns a case, or what hangs on one, starts from one of the two.
    """
    if not may_reach_personal_data(user):
        return Case.objects.none()
    return get_objects_for_user(user, perm, klass=Case, accept_global_perms=False, with_superuser=False)


def case_pks_held(user, case_pks):
    """The ids among ``case_pks`` that ``user`` holds an active assignment on (the trail flags reads outside one)."""
    return (
        CaseAssignment.objects.filter(user=user, case_id__in=case_pks, ended_at__isnull=True)
        .values_list("case_id", flat=True)
        .distinct()
    )


def cases_readable(user, perm: str):
    """The read gate: ``cases_held``, and for the reading rights the cases the user has active emergency access to.

    Admins and the steering group get nothing, whatever they hold (``may_reach_personal_data``).
    """
    held = cases_held(user, perm)
    if perm.partition(".")[2] not in EMERGENCY_ACCESS_GRANTS or not may_reach_personal_data(user):
        return held
    emergency = EmergencyAccess.objects.active().filter(user=user).values("case_id")
    return Case.objects.filter(Q(pk__in=held.values("pk")) | Q(pk__in=emergency))


@records_read(AccessEvent.Kind.VIEW)
def case_get_for_user(*, user, pk) -> Case:
    """One case the user may see (assigned, or emergency access), or Http404 (so an id reveals nothing)."""
    case = cases_readable(user, "cases.view_case").select_related("participant").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def case_coordinators(case: Case) -> list:
    """The case's active coordinators who can still log in (to be notified)."""
    return [
        a.user
        for a in CaseAssignment.objects.filter(
            case=case, kind=CaseAssignment.Kind.COORDINATOR, ended_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .order_by("started_at")
    ]


def case_active_assignments(*, case):
    return (
        CaseAssignment.objects.filter(case=case, ended_at__isnull=True)
        .select_related("user")
        .order_by("kind", "started_at")
    )


# --- Referrals and triage ---------------------------------------------------------------


def referral_queue(
    *,
    user,
    status: str = "open",
    urgency: str = "",
    source: str = "",
    sort: str = "waiting",
    offset: int = 0,
    limit: int = QUEUE_PAGE_SIZE,
):
    """The SLT coordinators' triage queue, with days waiting and the overdue mark.

    ``status`` is a Referral.Status, «open» (received or in triage) or «all».
    One query, whatever the page size; each sort has an index behind it.
    """
    from django.conf import settings

    if not user.has_perm("cases.triage_referral") or not may_reach_personal_data(user):
        return []
    today = timezone.localdate()
    referrals = Referral.objects.all()
    if status == "open":
        referrals = referrals.filter(status__in=Referral.OPEN_STATUSES)
    elif status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    if urgency in Referral.Urgency.values:
        referrals = referrals.filter(urgency=urgency)
    if source in Referral.Source.values:
        referrals = referrals.filter(source=source)
    order = {
        "waiting": ("received_on", "pk"),
        "newest": ("-received_on", "-pk"),
        # The urgency codes sort alphabetically in urgency order: acute < high < normal.
        "urgency": ("urgency", "received_on", "pk"),
    }
    referrals = referrals.order_by(*order.get(sort, order["waiting"]))[offset : offset + limit]
    fields = (
        "pk",
        "source",
        "source_organisation",
        "received_on",
        "urgency",
        "status",
        "first_name",
        "last_name",
        "date_of_birth",
    )
    rows = list(referrals.only(*fields))
    overdue_after = settings.REFERRAL_TRIAGE_DAYS
    detail_url = _url_template("cases:referral_detail")
    for referral in rows:
        referral.days_waiting = (today - referral.received_on).days
        referral.overdue = referral.is_open and referral.days_waiting > overdue_after
        referral.detail_url = detail_url.format(referral.pk)
    return rows


@records_read(AccessEvent.Kind.LIST, model=Referral, rows=lambda result: result[0])
def referral_queue_page(*, user, page: int, **filters) -> tuple[list[Referral], bool]:
    """One page of the triage queue and whether another follows; the page read is recorded."""
    rows = referral_queue(user=user, offset=(page - 1) * QUEUE_PAGE_SIZE, limit=QUEUE_PAGE_SIZE + 1, **filters)
    return rows[:QUEUE_PAGE_SIZE], len(rows) > QUEUE_PAGE_SIZE


@records_read(AccessEvent.Kind.VIEW)
def referral_get_for_triage(*, user, pk) -> Referral:
    if not user.has_perm("cases.triage_referral") or not may_reach_personal_data(user):
        raise Http404
    referral = (
        Referral.objects.select_related("participant", "decided_by", "submitted_by", "duplicate_of", "case")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def referral_list_for_referrer(*, user, limit: int = 200):
    """The user's own referrals: status only, nothing of a case."""
    return list(
        Referral.objects.filter(submitted_by=user)
        .only("pk", "received_on", "status", "first_name", "last_name", "decided_at", "submitted_at")
        .order_by("-submitted_at", "-pk")[:limit]
    )


def referral_other_open(*, referral: Referral, limit: int = 20):
    """Other referrals about the same participant, for marking a duplicate."""
    if referral.participant_id is None:
        return []
    return list(
        Referral.objects.filter(participant_id=referral.participant_id)
        .exclude(pk=referral.pk)
        .order_by("-received_on")[:limit]
    )


@dataclass
class DuplicateMatch:
    participant: Participant
    matched: list[str]
    similarity: float


DOB_WINDOW = datetime.timedelta(days=DUPLICATE_DOB_DAYS)


@records_read(
    AccessEvent.Kind.SEARCH, model=Participant, rows=lambda matches: [m.participant for m in matches], skip_empty=True
)
def participant_duplicates(
    *, first_name: str, last_name: str, date_of_birth, national_id: str = "", limit: int = 10
) -> list[DuplicateMatch]:
    """Known participants who may be the same person, with the fields that matched.

    Same national identity number; or a similar name (pg_trgm trigram
    similarity, so «Mohammed/Muhammad» and «Kristiansen/Christiansen» match)
    with the same or a close date of birth (DUPLICATE_DOB_DAYS).
    """
    name = f"{first_name} {last_name}".lower().strip()
    # Clamped: a stored date near the calendar's ends (entered before dates had bounds) must not overflow.
    first, last = datetime.date.min + DOB_WINDOW, datetime.date.max - DOB_WINDOW
    near = min(max(date_of_birth, first), last)
    by_name = (
        Participant.objects.filter(date_of_birth__range=(near - DOB_WINDOW, near + DOB_WINDOW))
        .annotate(similarity=TrigramSimilarity("search_name", name))
        .filter(similarity__gte=DUPLICATE_NAME_SIMILARITY)
    )
    candidates = {p.pk: p for p in by_name.order_by("-similarity", "pk")[:limit]}
    if national_id:
        for p in Participant.objects.filter(national_id=national_id).annotate(
            similarity=TrigramSimilarity("search_name", name)
        ):
            candidates[p.pk] = p
    matches = []
    for p in candidates.values():
        matched = []
        if national_id and p.national_id == national_id:
            matched.append(gettext("same national identity number"))
        if p.similarity >= DUPLICATE_NAME_SIMILARITY:
            matched.append(gettext("similar name (%(score)d %%)") % {"score": round(p.similarity * 100)})
        if p.date_of_birth == date_of_birth:
            matched.append(gettext("same date of birth"))
        elif (days_apart := abs((p.date_of_birth - date_of_birth).days)) <= DUPLICATE_DOB_DAYS:
            matched.append(
                ngettext("date of birth %(days)d day apart", "date of birth %(days)d days apart", days_apart)
                % {"days": days_apart}
            )
        matches.append(DuplicateMatch(participant=p, matched=matched, similarity=p.similarity))
    matches.sort(
        key=lambda m: (not (national_id and m.participant.national_id == national_id), -m.similarity, m.participant.pk)
    )
    return matches[:limit]


@dataclass
class TimelineEvent:
    when: datetime.datetime
    what: str
    who: str = ""
    # A date without a time of day (a referral's date received): shown without a made-up «00:00».
    date_only: bool = False


def _referral_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """Referrals received and accepted into the case."""
    events = []
    for referral in case.referrals.select_related("decided_by").all():
        received = timezone.make_aware(datetime.datetime.combine(referral.received_on, datetime.time.min))
        events.append(
            TimelineEvent(
                received,
                gettext("Referral %(pk)s received from %(source)s")
                % {"pk": referral.pk, "source": referral.get_source_display()},
                date_only=True,
            )
        )
        if referral.decided_at:
            events.append(
                TimelineEvent(
                    referral.decided_at,
                    gettext("Referral %(pk)s accepted") % {"pk": referral.pk},
                    name(referral.decided_by),
                )
            )
    return events


def _status_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """Status changes, the opening first."""
    events = []
    for change in case.status_changes.select_related("changed_by").all():
        if change.from_status:
            what = gettext("Status changed from «%(from)s» to «%(to)s»") % {
                "from": change.get_from_status_display(),
                "to": change.get_to_status_display(),
            }
        else:
            what = gettext("Case opened (%(status)s)") % {"status": change.get_to_status_display()}
        if change.reason:
            what = f"{what}: {change.reason}"
        events.append(TimelineEvent(change.changed_at, what, name(change.changed_by)))
    return events


def _assignment_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """Assignments started and ended."""
    events = []
    for assignment in case.assignments.select_related("user", "started_by", "ended_by").all():
        events.append(
            TimelineEvent(
                assignment.started_at,
                gettext("%(kind)s assigned: %(person)s")
                % {"kind": assignment.get_kind_display(), "person": name(assignment.user)},
                name(assignment.started_by),
            )
        )
        if assignment.ended_at:
            events.append(
                TimelineEvent(
                    assignment.ended_at,
                    gettext("%(kind)s assignment ended: %(person)s")
                    % {"kind": assignment.get_kind_display(), "person": name(assignment.user)},
                    name(assignment.ended_by),
                )
            )
    return events


def _assessment_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """Risk and needs assessments."""
    events = []
    for assessment in case.assessments.select_related("assessed_by").all():
        events.append(
            TimelineEvent(
                assessment.assessed_at, gettext("Risk and needs assessment recorded"), name(assessment.assessed_by)
            )
        )
    return events


def _network_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """People added to the network map."""
    events = []
    for member in case.network.select_related("added_by").all():
        events.append(
            TimelineEvent(
                member.added_at,
                gettext("Added to the network map: %(name)s") % {"name": member.name},
                name(member.added_by),
            )
        )
    return events


def _consent_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """Consents recorded and withdrawn."""
    events = []
    for consent in case.consents.select_related("recorded_by", "withdrawal__withdrawn_by").all():
        services = ", ".join(str(label) for label in consent.service_labels)
        events.append(
            TimelineEvent(
                consent.recorded_at,
                gettext("Consent recorded (%(services)s)") % {"services": services},
                name(consent.recorded_by),
            )
        )
        if consent.withdrawn_at:
            events.append(
                TimelineEvent(
                    consent.withdrawn_at,
                    gettext("Consent withdrawn (%(services)s)") % {"services": services},
                    name(consent.withdrawn_by),
                )
            )
    return events


_TIMELINE_SOURCES = (
    _referral_events,
    _status_events,
    _assignment_events,
    _assessment_events,
    _network_events,
    _consent_events,
)


def case_timeline(*, case: Case, reader=None) -> list[TimelineEvent]:
    """Everything that happened in a case, oldest first: one source a kind of event.

    The case's own sources are below; the other apps add theirs
    (``cases.registry.case_timeline_register``): disclosures, and mentor
    sessions and concern signals for a ``reader`` who may read them.
    """

    def name(user):
        return (user.get_full_name() or user.username) if user else ""

    events: list[TimelineEvent] = []
    for source in (*_TIMELINE_SOURCES, *timeline_contributions()):
        events.extend(source(case=case, reader=reader, name=name))
    events.sort(key=lambda e: e.when)
    return events
