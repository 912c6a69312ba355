"""Reads of mentor sessions, always scoped to the reader.

A mentor reads the sessions of the cases they hold; a case's coordinator reads
them too (object right ``cases.view_sessions`` from the assignment). Nobody
else: the SLT coordinators and the privacy officer have no model-wide right.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, Min, OuterRef, Q, Subquery, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessEvent
from audit.services import access_event_record, records_read
from cases.models import Case, CaseAssignment
from cases.selectors import TimelineEvent, cases_held, cases_readable, set_detail_urls
from mentorprogram.paging import page_of, page_window
from mentorsessions.models import ConcernSignal, MentorSession, MentorSessionDraft

SESSION_PAGE_SIZE = 50
# Most serious first.
LEVEL_ORDER = {ConcernSignal.Level.ACUTE: 0, ConcernSignal.Level.SERIOUS: 1, ConcernSignal.Level.WORRY: 2}


def case_get_for_sessions(*, user, pk) -> Case:
    """A case whose sessions ``user`` may read, or Http404."""
    case = cases_readable(user, "cases.view_sessions").select_related("participant").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def case_scope_for_logging(*, user, pk) -> Case:
    """A case ``user`` holds as mentor, or Http404, read to check the right only (a draft saved): not a read.

    A page that shows the case uses ``case_get_for_logging``, which records the read.
    """
    case = cases_held(user, "cases.log_session").select_related("participant").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


# A case ``user`` holds as mentor (may log sessions on), or Http404; the read is recorded.
case_get_for_logging = records_read(AccessEvent.Kind.VIEW)(case_scope_for_logging)


@records_read(AccessEvent.Kind.VIEW)
def session_get_for_user(*, user, pk) -> MentorSession:
    """One session of a case the user may read sessions of, or Http404."""
    session = (
        MentorSession.objects.filter(pk=pk, case__in=cases_readable(user, "cases.view_sessions"))
        .select_related("case__participant", "mentor", "voided_by")
        .first()
    )
    if session is None:
        raise Http404
    return session


def concern_get_for_user(*, user, pk) -> ConcernSignal:
    """A concern signal on a case whose sessions ``user`` may read, or Http404."""
    signal = (
        ConcernSignal.objects.filter(pk=pk, case__in=cases_readable(user, "cases.view_sessions"))
        .select_related("case")
        .first()
    )
    if signal is None:
        raise Http404
    return signal


@records_read(AccessEvent.Kind.LIST, model=MentorSession, rows=lambda result: result[0])
def session_page_for_case(*, case: Case, page: int = 1, per_page: int = SESSION_PAGE_SIZE):
    """A case's sessions, newest first, with their concern signals; call after case_get_for_sessions."""
    rows, has_next = page_of(
        MentorSession.objects.filter(case=case)
        .select_related("mentor", "concern")
        .order_by("-held_on", "-recorded_at", "-pk"),
        page=page,
        per_page=per_page,
    )
    set_detail_urls(rows, "mentorsessions:detail")
    return rows, has_next


def session_addenda(*, session: MentorSession):
    return list(session.addenda.select_related("written_by").order_by("written_at", "pk"))


def session_draft_for(*, user, case: Case) -> MentorSessionDraft | None:
    return MentorSessionDraft.objects.filter(case=case, mentor=user).first()


def quiet_since(*, today: datetime.date) -> datetime.date:
    """Sessions older than this date leave a case «quiet» (SESSION_QUIET_WEEKS)."""
    return today - datetime.timedelta(weeks=settings.SESSION_QUIET_WEEKS)


def annotate_session_activity(cases):
    """Each case with its last session date (voided ones do not count) and since when it has had a mentor."""
    # A subquery per case walks the (case, held_on) index; an aggregate over a join would read every session.
    return cases.annotate(
        last_session_on=Subquery(
            MentorSession.objects.filter(case=OuterRef("pk"), voided_at__isnull=True)
            .order_by("-held_on")
            .values("held_on")[:1]
        ),
        mentor_since=Subquery(
            CaseAssignment.objects.filter(case=OuterRef("pk"), kind=CaseAssignment.Kind.MENTOR, ended_at__isnull=True)
            .values("case")
            .annotate(first=Min("started_at"))
            .values("first")[:1]
        ),
    )


def last_activity_on(case) -> datetime.date | None:
    """A case from ``annotate_session_activity``: its last session's date, or (none yet) when its mentor came."""
    if case.last_session_on is not None:
        return case.last_session_on
    return timezone.localtime(case.mentor_since).date() if case.mentor_since else None


def weeks_without_session(case, *, today: datetime.date) -> int:
    """Whole weeks since ``last_activity_on`` (a case from ``annotate_session_activity`` with a mentor)."""
    return (today - last_activity_on(case)).days // 7


def cases_without_recent_session(*, cases, today: datetime.date):
    """Of ``cases``, the active ones with a mentor and no session for SESSION_QUIET_WEEKS weeks.

    The weeks count from the last session, or from when the mentor was assigned.
    """
    since = quiet_since(today=today)
    since_start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    has_mentor = CaseAssignment.objects.filter(
        case=OuterRef("pk"), kind=CaseAssignment.Kind.MENTOR, ended_at__isnull=True
    )
    return (
        annotate_session_activity(cases.filter(status=Case.Status.ACTIVE).filter(Exists(has_mentor)))
        .filter(Q(last_session_on__lt=since) | Q(last_session_on__isnull=True, mentor_since__lt=since_start))
        .order_by("last_session_on", "pk")
    )


# A case's sessions newest first: the order of the (case, newest) index (session_case_newest_idx).
SESSION_NEWEST = ("-held_on", "-recorded_at", "-pk")


@dataclass
class HomeRow:
    case: Case
    last_session: MentorSession | None
    open_concern: ConcernSignal | None
    draft_saved_at: datetime.datetime | None
    due: list[str] = field(default_factory=list)
    urgent: bool = False


@records_read(AccessEvent.Kind.LIST, model=Case, rows=lambda rows: [row.case for row in rows])
def mentor_home(*, user, today: datetime.date | None = None) -> list[HomeRow]:
    """The mentor's participants: last session, agreed next step, open signal, what is due (four queries)."""
    today = today or timezone.localdate()
    # Each case's last session by id, one step down the (case, newest) index a case; then those rows. A DISTINCT ON
    # over the cases' sessions read and sorted all of them (1,436 rows for a mentor's 25 cases on the generated
    # national data: 6 ms against well under one).
    last = MentorSession.objects.filter(case=OuterRef("pk"), voided_at__isnull=True).order_by(*SESSION_NEWEST)
    cases = list(
        annotate_session_activity(cases_held(user, "cases.log_session").exclude(status=Case.Status.CLOSED))
        .annotate(last_session_pk=Subquery(last.values("pk")[:1]))
        .select_related("participant")
        .order_by("participant__first_name", "participant__last_name", "pk")
    )
    ids = [case.pk for case in cases]
    last_pks = [case.last_session_pk for case in cases if case.last_session_pk is not None]
    last_sessions = {s.case_id: s for s in MentorSession.objects.filter(pk__in=last_pks)}
    open_concerns = {}
    for signal in ConcernSignal.objects.filter(case_id__in=ids, acknowledged_at__isnull=True).order_by("raised_at"):
        current = open_concerns.get(signal.case_id)
        if current is None or LEVEL_ORDER[signal.level] < LEVEL_ORDER[current.level]:
            open_concerns[signal.case_id] = signal
    drafts = dict(MentorSessionDraft.objects.filter(mentor=user, case_id__in=ids).values_list("case_id", "saved_at"))
    since = quiet_since(today=today)
    rows = []
    for case in cases:
        row = HomeRow(
            case=case,
            last_session=last_sessions.get(case.pk),
            open_concern=open_concerns.get(case.pk),
            draft_saved_at=drafts.get(case.pk),
        )
        next_meeting = row.last_session.next_meeting_on if row.last_session else None
        if next_meeting is not None and next_meeting == today:
            row.due.append(_("Meeting today"))
            row.urgent = True
        elif next_meeting is not None and next_meeting < today:
            row.due.append(_("The agreed meeting has passed: log it or agree a new time"))
            row.urgent = True
        started = last_activity_on(case)
        if case.status == Case.Status.ACTIVE and started is not None and started < since:
            row.due.append(_("No session for %(weeks)s weeks") % {"weeks": weeks_without_session(case, today=today)})
            row.urgent = True
        if row.draft_saved_at:
            row.due.append(_("A session draft is not saved yet"))
        rows.append(row)
    rows.sort(key=_home_order)
    return rows


def _home_order(row: HomeRow):
    """What is due first, then by the agreed next meeting."""
    next_meeting = row.last_session.next_meeting_on if row.last_session else None
    return (not row.urgent, next_meeting or datetime.date.max)


@dataclass
class CoordinatorOverview:
    open_signals: list
    quiet_cases: list
    recent_sessions: list
    has_next: bool


def coordinated_case_ids(*, user) -> list[int]:
    """The cases ``user`` coordinates now (an active coordinator assignment and the rights it gives).

    Ids, not a subquery: the lists below then plan on real numbers instead of
    guessing through guardian's user-or-group permission subqueries.
    """
    coordinating = CaseAssignment.objects.filter(
        case=OuterRef("pk"), user=user, kind=CaseAssignment.Kind.COORDINATOR, ended_at__isnull=True
    )
    return list(cases_held(user, "cases.view_sessions").filter(Exists(coordinating)).values_list("pk", flat=True))


def _open_signals(case_ids) -> list[ConcernSignal]:
    """The signals not yet acknowledged on these cases, most serious first, then the oldest."""
    signals = list(
        ConcernSignal.objects.filter(case_id__in=case_ids, acknowledged_at__isnull=True).select_related(
            "case__participant", "raised_by", "session"
        )
    )
    signals.sort(key=lambda s: (LEVEL_ORDER[s.level], s.raised_at, s.pk))
    return signals


@records_read(AccessEvent.Kind.LIST, model=ConcernSignal, skip_empty=True)
def concern_signals_open(*, user) -> list[ConcernSignal]:
    """The open concern signals on the cases ``user`` coordinates (what the overview shows first)."""
    return _open_signals(coordinated_case_ids(user=user))


def coordinator_overview(*, user, today: datetime.date | None = None, page: int = 1) -> CoordinatorOverview:
    """Open concern signals, quiet cases and recent sessions across the cases ``user`` coordinates."""
    today = today or timezone.localdate()
    case_ids = coordinated_case_ids(user=user)
    cases = Case.objects.filter(pk__in=case_ids)
    signals = _open_signals(case_ids)
    quiet = list(cases_without_recent_session(cases=cases, today=today).select_related("participant")[:200])
    set_detail_urls(quiet, "cases:detail")
    for case in quiet:
        case.quiet_weeks = weeks_without_session(case, today=today)
    # The page's ids first, from the index of each case's sessions newest first (only the index is read), then
    # those rows: asked in one, PostgreSQL walked the index of every session newest first and threw away the
    # other coordinators' (14,000 rows for 51 on the generated national data: 25 ms against 1).
    ids = MentorSession.objects.filter(case_id__in=case_ids).order_by(*SESSION_NEWEST).values("pk")
    window = ids[page_window(page=page, per_page=SESSION_PAGE_SIZE)]
    chosen = MentorSession.objects.filter(pk__in=window).select_related("case__participant", "mentor", "concern")
    # The window holds this page and one row more, so its rows are split as a first page's are.
    recent, has_next = page_of(chosen.order_by(*SESSION_NEWEST), page=1, per_page=SESSION_PAGE_SIZE)
    set_detail_urls(recent, "mentorsessions:detail")
    set_detail_urls(signals, "mentorsessions:detail", pk=lambda signal: signal.session_id)
    # What the page shows is read: the recent sessions, and the open signals and quiet cases when there are any.
    access_event_record(user=user, kind=AccessEvent.Kind.LIST, model=MentorSession, objects=recent)
    if signals:
        access_event_record(user=user, kind=AccessEvent.Kind.LIST, model=ConcernSignal, objects=signals)
    if quiet:
        access_event_record(user=user, kind=AccessEvent.Kind.LIST, model=Case, objects=quiet)
    return CoordinatorOverview(open_signals=signals, quiet_cases=quiet, recent_sessions=recent, has_next=has_next)


def timeline_sessions(*, case: Case):
    """Sessions and concern signals for the case timeline (call only for a reader with ``view_sessions``): one
    query, each signal with its session (a signal's case is its session's: the database's key on the two)."""
    sessions = list(
        MentorSession.objects.filter(case=case)
        .select_related("mentor", "concern__raised_by", "concern__acknowledged_by")
        .order_by("recorded_at")
    )
    signals = [signal for signal in map(session_concern, sessions) if signal is not None]
    signals.sort(key=lambda signal: (signal.raised_at, signal.pk), reverse=True)  # ConcernSignal's own order
    return sessions, signals


def session_concern(session: MentorSession) -> ConcernSignal | None:
    """The concern signal raised in ``session``, or None (read with it where ``concern`` was selected along)."""
    try:
        return session.concern
    except ConcernSignal.DoesNotExist:
        return None


def minutes_per_mentor(*, since, until, mentor_user_ids):
    """(mentor user id, minutes) of the sessions ``mentor_user_ids`` held after ``since`` up to ``until``, voided
    ones aside.

    Registered with the mentor pool (``mentors.selectors.hours_in_use_register``).
    """
    return (
        MentorSession.objects.filter(
            mentor_id__in=list(mentor_user_ids), held_on__gt=since, held_on__lte=until, voided_at__isnull=True
        )
        .values("mentor_id")
        .annotate(minutes=Sum("duration_minutes"))
        .values_list("mentor_id", "minutes")
    )


def case_timeline_entries(*, case, reader, name):
    """Sessions and concern signals in the case timeline, for a reader who may read them (``cases.registry``)."""
    from django.utils import formats
    from django.utils.translation import gettext

    if reader is None or not reader.has_perm("cases.view_sessions", case):
        return []
    sessions, signals = timeline_sessions(case=case)
    events = []
    for session in sessions:
        what = gettext("Mentor session %(date)s (%(form)s, %(minutes)s min)") % {
            "date": formats.date_format(session.held_on, "SHORT_DATE_FORMAT"),
            "form": session.get_mode_display(),
            "minutes": session.duration_minutes,
        }
        if session.is_voided:
            what = gettext("%(what)s, voided") % {"what": what}
        events.append(TimelineEvent(session.recorded_at, what, name(session.mentor)))
    for signal in signals:
        events.append(
            TimelineEvent(
                signal.raised_at,
                gettext("Concern signal raised: %(level)s") % {"level": signal.get_level_display()},
                name(signal.raised_by),
            )
        )
        if signal.escalated_at:
            events.append(TimelineEvent(signal.escalated_at, gettext("Concern signal escalated (unanswered)")))
        if signal.acknowledged_at:
            events.append(
                TimelineEvent(
                    signal.acknowledged_at, gettext("Concern signal acknowledged"), name(signal.acknowledged_by)
                )
            )
    return events


def case_list_last_session(cases):
    """The case list's «last session» column (registered with ``cases.registry``): one index lookup a row."""
    return cases.annotate(
        last_session_on=Subquery(
            MentorSession.objects.filter(case=OuterRef("pk"), voided_at__isnull=True)
            .order_by("-held_on")
            .values("held_on")[:1]
        )
    )


def due_open_signal(cases, *, today: datetime.date, user):
    """The case list's «open concern signal» filter (registered with ``cases.registry``)."""
    return cases.filter(Exists(ConcernSignal.objects.filter(case=OuterRef("pk"), acknowledged_at__isnull=True)))


def due_quiet(cases, *, today: datetime.date, user):
    """The case list's «no session for weeks» filter: active cases with a mentor and no session for
    SESSION_QUIET_WEEKS weeks."""
    return cases.filter(pk__in=cases_without_recent_session(cases=cases, today=today).values("pk"))
