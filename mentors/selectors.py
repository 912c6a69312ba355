"""Reads for matching and the mentor pool, in a fixed number of queries whatever the pool's size."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Q, Subquery, Sum, Value
from django.http import Http404
from django.utils import timezone

from audit.models import AccessEvent
from audit.services import records_read
from cases.models import Case, CaseAssignment, CaseWishes
from cases.selectors import case_reader_facts, case_reader_facts_remember
from mentorprogram.models import user_name
from mentorprogram.paging import page_of
from mentorprogram.roles import may_reach_personal_data
from mentors.matching import EXPIRED, EXPIRING, MISSING, CaseFacts, MentorFacts, qualification_state, rank
from mentors.models import Attendance, MatchingWeights, Mentor, PersonalTie, Qualification
from mentors.permissions import may_match
from mentors.texts import exclusion_text, factor_label, factor_why

DEFAULT_WEIGHTS = {name: MatchingWeights._meta.get_field(name).default for name in MatchingWeights.FACTORS}


def matching_weights_current() -> dict[str, int]:
    weights = MatchingWeights.objects.order_by("-set_at", "-pk").first()
    return weights.as_dict() if weights else dict(DEFAULT_WEIGHTS)


# Only these qualifications decide eligibility; the pool page shows all four.
_HARD_RULE_KINDS = (Qualification.Kind.POLICE_CERTIFICATE, Qualification.Kind.CONFIDENTIALITY)


def _qualification_states(*, kinds=None, mentor_ids=None, today) -> dict[int, dict[str, str]]:
    """Per mentor and kind, the state of the newest record (one query, DISTINCT ON in PostgreSQL)."""
    rows = Qualification.objects.order_by("mentor_id", "kind", "-completed_on", "-pk").distinct("mentor_id", "kind")
    if kinds is not None:
        rows = rows.filter(kind__in=kinds)
    if mentor_ids is not None:
        rows = rows.filter(mentor_id__in=mentor_ids)
    warn_days = settings.MENTOR_QUALIFICATION_WARN_DAYS
    states: dict[int, dict[str, str]] = defaultdict(dict)
    for mentor_id, kind, completed_on, valid_until in rows.values_list(
        "mentor_id", "kind", "completed_on", "valid_until"
    ):
        states[mentor_id][kind] = qualification_state(completed_on, valid_until, today=today, warn_days=warn_days)
    return states


# The order a list of every mentor is in (the mentor bank, the personal-tie form's choice).
MENTORS_BY_NAME = ("user__last_name", "user__first_name", "pk")


def _last_supervision(mentor_ids=None) -> dict[int, datetime.date]:
    """Per mentor, the day of their last supervision (all mentors', or ``mentor_ids``')."""
    rows = Attendance.objects.filter(kind=Attendance.Kind.SUPERVISION)
    if mentor_ids is not None:
        rows = rows.filter(mentor_id__in=mentor_ids)
    return dict(rows.values("mentor_id").annotate(last=Max("date")).values_list("mentor_id", "last"))


def _active_mentee_counts(user_ids=None) -> dict[int, int]:
    """Active mentor assignments per user id (one query): of ``user_ids``, or of everyone."""
    assignments = CaseAssignment.objects.filter(kind=CaseAssignment.Kind.MENTOR, ended_at__isnull=True)
    if user_ids is not None:
        assignments = assignments.filter(user_id__in=list(user_ids))
    rows = assignments.values("user_id").annotate(n=Count("pk")).values_list("user_id", "n")
    return dict(rows)


_FACT_FIELDS = (
    "pk",
    "user_id",
    "user__is_active",
    "is_active",
    "birth_year",
    "gender",
    "languages",
    "ethnic_background",
    "religious_background",
    "interests",
    "district",
    "tracks",
    "ideologies",
    "max_participants",
)


# The pool's facts without ties, per process, keyed by a fingerprint of everything they are
# built from. Ranking reads the fingerprint (one query of aggregates) instead of the pool;
# mentor_assign always builds fresh facts under its row lock.
_POOL_CACHE: dict = {}


def _scalar(queryset, aggregate):
    """``aggregate`` over ``queryset`` as a scalar subquery (uncorrelated: PostgreSQL runs it once a query)."""
    one = queryset.order_by().annotate(one=Value(1)).values("one")  # a constant: no GROUP BY, one row
    return Max(Subquery(one.annotate(value=aggregate).values("value")))


def _pool_fingerprint(*, today) -> tuple:
    active = Q(user__is_active=True, is_active=True)
    mentor_assignments = CaseAssignment.objects.filter(kind=CaseAssignment.Kind.MENTOR)
    state = Mentor.objects.aggregate(
        n=Count("pk"),
        changed=Max("updated_at"),
        active_n=Count("pk", filter=active),
        active_sum=Sum("pk", filter=active),
        qualifications=_scalar(Qualification.objects.all(), Count("pk")),
        last_qualification=_scalar(Qualification.objects.all(), Max("pk")),
        # Each mentor's load changes only when a mentor assignment starts (a new, higher id) or ends (one fewer
        # active): assignments are never deleted, moved or reopened. The active ones are counted on their own
        # small index (cases.CaseAssignment «active_mentor_case_idx»).
        active_assignments=_scalar(mentor_assignments.filter(ended_at__isnull=True), Count("pk")),
        last_assignment=_scalar(mentor_assignments, Max("pk")),
    )
    return (today, settings.MENTOR_QUALIFICATION_WARN_DAYS, tuple(sorted(state.items())))


def mentor_facts(*, participant_id: int, today, fresh: bool = False) -> list[MentorFacts]:
    """Every mentor as facts for the engine; ties to this participant marked.

    ``fresh=True`` bypasses the cache (for decisions that must see the latest state).
    """
    tied = set(PersonalTie.objects.filter(participant_id=participant_id).values_list("mentor_id", flat=True))
    if fresh:
        facts = _pool_facts(today=today)
    else:
        key = _pool_fingerprint(today=today)
        if _POOL_CACHE.get("key") != key:
            _POOL_CACHE.clear()
            # audit: a dict in memory, not a queryset
            _POOL_CACHE.update(key=key, facts=_pool_facts(today=today))
        facts = _POOL_CACHE["facts"]
    return [f._replace(tied=True) if f.id in tied else f for f in facts] if tied else list(facts)


def _pool_facts(*, today) -> list[MentorFacts]:
    """Every mentor as facts, without ties, in three small queries (no model instances: this runs for the whole pool)."""
    load = _active_mentee_counts()
    states = _qualification_states(kinds=_HARD_RULE_KINDS, today=today)
    facts = []
    for (
        pk,
        user_id,
        user_active,
        active,
        birth_year,
        gender,
        languages,
        ethnic,
        religious,
        interests,
        district,
        tracks,
        ideologies,
        max_participants,
    ) in Mentor.objects.values_list(*_FACT_FIELDS):
        facts.append(
            MentorFacts(
                id=pk,
                active=active and user_active,
                birth_year=birth_year,
                gender=gender,
                languages=frozenset(map(str.lower, languages)),
                background=f"{ethnic} {religious}".lower(),
                interests=frozenset(map(str.lower, interests)),
                district=district,
                tracks=frozenset(tracks),
                ideologies=frozenset(ideologies),
                active_participants=load.get(user_id, 0),
                max_participants=max_participants,
                qualifications=states.get(pk, {}),
            )
        )
    return facts


def mentor_qualification_states(*, mentor: Mentor, today=None) -> list[tuple[str, str]]:
    """(label, state) for each kind of qualification of one mentor, in the register's order."""
    states = _qualification_states(mentor_ids=[mentor.pk], today=today or timezone.localdate()).get(mentor.pk, {})
    return [(label, states.get(kind, MISSING)) for kind, label in Qualification.Kind.choices]


def case_wishes(case: Case) -> CaseWishes | None:
    """The case's wishes, or None: read once for the case object (its ranking and the wishes form both show them)."""
    try:
        return case.wishes
    except CaseWishes.DoesNotExist:
        return None


def case_facts(*, case: Case) -> CaseFacts:
    wishes = case_wishes(case)
    base = {"track": case.track, "participant_birth_year": case.participant.date_of_birth.year}
    if wishes is None:
        return CaseFacts(**base)
    return CaseFacts(
        **base,
        preferred_language=wishes.preferred_language.lower(),
        gender_wish=wishes.gender_wish,
        background_wanted=wishes.background_match_wanted,
        background=wishes.background.lower(),
        ideology=wishes.ideology,
        interests=frozenset(i.lower() for i in wishes.interests),
        district=wishes.district,
    )


def matching_for_case(*, case: Case, today=None, fresh: bool = False):
    """The engine's ranking of the whole pool for the case (a fixed number of queries)."""
    today = today or timezone.localdate()
    facts = mentor_facts(participant_id=case.participant_id, today=today, fresh=fresh)
    return rank(case_facts(case=case), facts, matching_weights_current(), today=today)


def matching_explained(*, case: Case, names: dict | None = None) -> tuple[list[dict], list[dict]]:
    """The matching page's rows: each suggestion (mentor, position, score; for the first
    MATCHING_TOP_SUGGESTIONS the factors in words), and each mentor left out with the reasons in words. ``names``:
    ``mentor_names()`` when the caller has read them."""
    ranking = matching_for_case(case=case)
    top = settings.MATCHING_TOP_SUGGESTIONS
    mentors = mentor_names() if names is None else names
    suggestions = [
        {
            "mentor": mentors[s.mentor_id],
            "position": i,
            "score": s.score,
            "max_score": s.max_score,
            "factors": [(factor_label(f.name), f.points, f.weight, factor_why(f.name, f.why)) for f in s.factors]
            if i <= top
            else [],
        }
        for i, s in enumerate(ranking.suggestions, start=1)
    ]
    # The same few reasons recur for hundreds of mentors: each set is put in words once.
    said = {reasons: exclusion_text(reasons) for reasons in {tuple(e.reasons) for e in ranking.excluded}}
    excluded = [{"mentor": mentors[e.mentor_id], "reasons": said[tuple(e.reasons)]} for e in ranking.excluded]
    return suggestions, excluded


@dataclass(frozen=True)
class MentorName:
    """A mentor as a list names one: the id and the name. The matching page names the whole pool, and a model
    instance (with its user) per mentor was most of its time at national scale (``make bench``)."""

    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


def mentor_name_rows(mentors):
    """(pk, name) of ``mentors`` in their order, named as ``Mentor.__str__`` names them (``user_name``), without
    model instances."""
    rows = mentors.values_list("pk", "user__first_name", "user__last_name", "user__username")
    return ((pk, user_name(first, last, username)) for pk, first, last, username in rows)


def mentor_names() -> dict[int, MentorName]:
    """Every mentor's name, in one query, in ``MENTORS_BY_NAME`` order."""
    return {pk: MentorName(pk, name) for pk, name in mentor_name_rows(Mentor.objects.order_by(*MENTORS_BY_NAME))}


def mentors_by_id(ids) -> dict[int, Mentor]:
    """The mentors to show (names and profiles), for the ids a page displays."""
    return {m.pk: m for m in Mentor.objects.select_related("user").filter(pk__in=list(ids))}


@dataclass
class PoolRow:
    mentor: Mentor
    active_participants: int
    qualifications: dict[str, str]
    last_supervision: object
    no_supervision_for_long: bool
    expiring_soon: bool
    hours_in_use: float = 0.0


# Hours in use: the sessions of the last four weeks, per week.
HOURS_IN_USE_WEEKS = 4
# Who says how many minutes each mentor spent: the sessions app registers it (``hours_in_use_register``).
_minutes_in_sessions = None


def hours_in_use_register(func) -> None:
    """``func(*, since, until, mentor_user_ids) -> iterable of (mentor user id, minutes)``: registered by the app
    that logs sessions."""
    global _minutes_in_sessions
    _minutes_in_sessions = func


def session_hours_per_week(*, today, mentor_user_ids) -> dict[int, float]:
    """Mentor user id → hours a week ``mentor_user_ids`` spent in sessions over the last HOURS_IN_USE_WEEKS weeks
    (voided ones aside)."""
    if _minutes_in_sessions is None:
        return {}
    since = today - datetime.timedelta(weeks=HOURS_IN_USE_WEEKS)
    minutes = _minutes_in_sessions(since=since, until=today, mentor_user_ids=mentor_user_ids)
    return {user_id: round(total / 60 / HOURS_IN_USE_WEEKS, 1) for user_id, total in minutes}


# The mentor pool's page size, as the case list's.
POOL_PAGE_SIZE = 50


@records_read(AccessEvent.Kind.LIST, model=Mentor, rows=lambda result: [row.mentor for row in result[0]])
def mentor_pool(*, user, only: str = "", page: int = 1, per_page: int | None = None, today=None):
    """One page of the mentor pool for SLT coordinators and whether there is a next one: capacity, hours in use,
    qualification states, supervision (seven queries whatever the pool's size; model instances for the page only).

    ``only`` narrows it: «expiring» (a qualification expiring or expired),
    «capacity» (room for another participant), «supervision» (none for
    MENTOR_SUPERVISION_WEEKS weeks).
    """
    if not user.has_perm("mentors.view_mentor_pool") or not may_reach_personal_data(user):
        return [], False
    today = today or timezone.localdate()
    per_page = per_page or POOL_PAGE_SIZE
    in_order = Mentor.objects.order_by(*MENTORS_BY_NAME)
    cutoff = today - datetime.timedelta(weeks=settings.MENTOR_SUPERVISION_WEEKS)
    # The whole pool's load, states or supervision only when a filter chooses the rows by them; otherwise the
    # page is cut by PostgreSQL and the rest is read for its mentors alone.
    load = _active_mentee_counts() if only == "capacity" else None
    states = _qualification_states(today=today) if only == "expiring" else None
    last = _last_supervision() if only == "supervision" else None

    def expiring(mentor_states: dict[str, str]) -> bool:  # a missing record is missing, not expiring
        return any(state in (EXPIRING, EXPIRED) for state in mentor_states.values())

    if only in ("capacity", "expiring", "supervision"):
        chosen = []
        for pk, user_id, active, max_participants in in_order.values_list(
            "pk", "user_id", "is_active", "max_participants"
        ):
            if only == "expiring" and not expiring(states.get(pk, {})):
                continue
            if only == "capacity" and not (active and load.get(user_id, 0) < max_participants):
                continue
            if only == "supervision" and not (last.get(pk) is None or last[pk] < cutoff):
                continue
            chosen.append(pk)
        ids, has_next = page_of(chosen, page=page, per_page=per_page)
    else:
        ids, has_next = page_of(in_order.values_list("pk", flat=True), page=page, per_page=per_page)
    if last is None:
        last = _last_supervision(mentor_ids=ids)
    if states is None:
        states = _qualification_states(mentor_ids=ids, today=today)
    mentors = mentors_by_id(ids)
    user_ids = [mentor.user_id for mentor in mentors.values()]
    if load is None:
        load = _active_mentee_counts(user_ids)
    hours = session_hours_per_week(today=today, mentor_user_ids=user_ids)
    rows = []
    for pk in ids:
        mentor = mentors[pk]
        mentor_states = {kind: states.get(pk, {}).get(kind, MISSING) for kind in Qualification.Kind.values}
        rows.append(
            PoolRow(
                mentor=mentor,
                active_participants=load.get(mentor.user_id, 0),
                qualifications=mentor_states,
                last_supervision=last.get(pk),
                no_supervision_for_long=last.get(pk) is None or last[pk] < cutoff,
                expiring_soon=expiring(mentor_states),
                hours_in_use=hours.get(mentor.user_id, 0.0),
            )
        )
    return rows, has_next


@records_read(AccessEvent.Kind.VIEW)
def case_get_for_matching(*, user, pk) -> Case:
    """The case, for someone who may match it; Http404 for everyone else (ids reveal nothing). The read is recorded;
    in a request that only reads, the reader's rights on the case and whether they hold it come along
    (``case_reader_facts``), for the checks and the trail that follow."""
    case = Case.objects.select_related("participant").annotate(**case_reader_facts(user)).filter(pk=pk).first()
    if case is None:
        raise Http404
    case_reader_facts_remember(user, case)
    if not may_match(user, case):
        raise Http404
    return case


@records_read(AccessEvent.Kind.VIEW)
def mentor_get_for_pool(*, user, pk) -> Mentor:
    """A mentor's profile for whoever keeps the pool (the view requires the right); Http404 when there is none."""
    mentor = Mentor.objects.select_related("user").filter(pk=pk).first()
    if mentor is None:
        raise Http404
    return mentor
