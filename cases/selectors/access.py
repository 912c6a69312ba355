"""Who holds which case: the one gate every read of a case starts from, and the case page's own reads."""

from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from guardian.shortcuts import get_objects_for_user

from audit.models import AccessEvent
from audit.services import records_read
from cases.backends import EMERGENCY_ACCESS_GRANTS
from cases.models import Case, CaseAssignment, EmergencyAccess, Participant
from cases.selectors.timeline import case_content
from mentorprogram.object_permissions import read_rights_along, read_rights_keep, request_only_reads
from mentorprogram.paging import page_of
from mentorprogram.roles import may_reach_personal_data


def _url_template(name: str) -> str:
    """«/cases/{}/» for a route taking one id: reversed once per page, formatted per row
    (reversing in the row loop was most of the list pages' cost)."""
    return reverse(name, args=[0]).replace("/0/", "/{}/")


def set_detail_urls(rows, route: str, *, pk=lambda row: row.pk) -> None:
    """Give each row its ``detail_url`` for ``route`` (reversed once, formatted per row)."""
    template = _url_template(route)
    for row in rows:
        row.detail_url = template.format(pk(row))


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
    # Rights are granted to users only (mentorprogram.rights): a group's object rights are never asked, and
    # leaving them out lets PostgreSQL walk the user's few rights instead of scanning every case.
    return get_objects_for_user(
        user, perm, klass=Case, use_groups=False, accept_global_perms=False, with_superuser=False
    )


# Whether the user of a request that only reads holds an active assignment on a case, read along with the case
# (case_get_for_user): in such a request nothing starts or ends an assignment (mentorprogram.object_permissions),
# so the trail's question about the same case (case_pks_held) needs no query of its own. On the user object, which
# lives for one request.
HELD_CASES_CACHE = "_mentorprogram_held_cases"


def case_pks_held(user, case_pks):
    """The ids among ``case_pks`` that ``user`` holds an active assignment on (the trail flags reads outside one)."""
    known = getattr(user, HELD_CASES_CACHE, None)
    if known and request_only_reads(user) and all(pk in known for pk in case_pks):
        return [pk for pk in case_pks if known[pk]]
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
    """One case the user may see (assigned, or emergency access), or Http404 (so an id reveals nothing).

    Whether the user holds emergency access to it is read along: when not, ``emergency_access_active`` knows
    without asking again (its cache, for this request). In a request that only reads, so are the user's object
    rights on it and whether they hold an assignment on it, which the permission checks and the trail ask next."""
    along = {
        "reader_has_emergency_access": Exists(
            EmergencyAccess.objects.active().filter(user=user, case_id=OuterRef("pk"))
        ),
        **case_reader_facts(user),
    }
    case = cases_readable(user, "cases.view_case").select_related("participant").annotate(**along).filter(pk=pk).first()
    if case is None:
        raise Http404
    if not case.reader_has_emergency_access:
        user.__dict__.setdefault(EMERGENCY_GRANTS_CACHE, {})[case.pk] = None
    case_reader_facts_remember(user, case)
    return case


def case_reader_facts(user) -> dict:
    """Annotations for reading one case (``Case`` queryset) along with what a request of ``user``'s that only
    reads asks about it next: their object rights on it and whether they hold an active assignment on it. Empty in
    a request that writes (a grant in it must not be answered from before). ``case_reader_facts_remember`` then
    keeps them for the request."""
    if not request_only_reads(user):
        return {}
    holds = CaseAssignment.objects.filter(user=user, case_id=OuterRef("pk"), ended_at__isnull=True)
    return {"reader_holds_assignment": Exists(holds), **read_rights_along(user, Case)}


def case_reader_facts_remember(user, case: Case) -> None:
    """Give the request's permission checker and the trail's «outside an assignment» question what
    ``case_reader_facts`` read along with ``case`` (nothing when it was not read so)."""
    read_rights_keep(user, case)
    if hasattr(case, "reader_holds_assignment"):
        known = getattr(user, HELD_CASES_CACHE, None) or {}
        setattr(user, HELD_CASES_CACHE, {**known, case.pk: case.reader_holds_assignment})


def _participants_readable(user):
    return Participant.objects.filter(pk__in=cases_readable(user, "cases.view_case").values("participant_id"))


def _with_case_ids(user, participants: list) -> list:
    """Each participant's ``case_ids``: the cases of theirs the user may read (one query for the page)."""
    by_participant = {}
    for case_pk, participant_pk in (
        cases_readable(user, "cases.view_case")
        .filter(participant__in=participants)
        .order_by("-opened_at", "-pk")
        .values_list("pk", "participant_id")
    ):
        by_participant.setdefault(participant_pk, []).append(case_pk)
    for participant in participants:
        participant.case_ids = by_participant.get(participant.pk, [])
    return participants


@records_read(AccessEvent.Kind.LIST, model=Participant, rows=lambda result: result[0])
def participant_page_for_user(*, user, page: int = 1, per_page: int = 50) -> tuple[list[Participant], bool]:
    """The participants of the cases the user may read, by name; each with those cases' ids."""
    rows, has_next = page_of(
        _participants_readable(user).order_by("last_name", "first_name", "pk"), page=page, per_page=per_page
    )
    return _with_case_ids(user, rows), has_next


@records_read(AccessEvent.Kind.VIEW)
def participant_get_for_user(*, user, pk) -> Participant:
    """A participant of a case the user may read, or Http404 (as for an id that does not exist)."""
    participant = _participants_readable(user).filter(pk=pk).first()
    if participant is None:
        raise Http404
    return _with_case_ids(user, [participant])[0]


def case_assignments(*, case) -> list[CaseAssignment]:
    """Everyone who holds or held the case, the active first, then the newest."""
    return list(
        CaseAssignment.objects.filter(case=case)
        .select_related("user")
        .order_by(F("ended_at").desc(nulls_first=True), "kind", "-started_at", "-pk")
    )


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


def case_active_assignments(*, case) -> list[CaseAssignment]:
    """The case's assignments in force, by kind, the oldest first (from the rows the case page's timeline reads too)."""
    active = (assignment for assignment in case_content(case, "assignments") if assignment.ended_at is None)
    return sorted(active, key=lambda assignment: (assignment.kind, assignment.started_at))


# --- Referrals and triage ---------------------------------------------------------------
