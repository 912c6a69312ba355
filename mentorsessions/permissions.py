"""Who may log, read, correct and acknowledge sessions: the predicates services enforce and views ask.

The rights come from the case's assignments (``cases.log_session`` for its
mentor, ``cases.change_case`` for its coordinator); each predicate only reads.
"""

import datetime

from django.utils import timezone

from cases.models import Case
from mentorprogram.roles import may_reach_personal_data
from mentorsessions.models import MentorSession


def may_log_session(user, case: Case) -> bool:
    """Whether ``user`` holds ``case`` as its mentor now (an object right from the assignment)."""
    return may_reach_personal_data(user) and user.has_perm("cases.log_session", case)


def may_start_session(user, case: Case) -> bool:
    """Whether ``user`` may log a new session on ``case`` now: they hold it and it is not closed."""
    return case.status != Case.Status.CLOSED and may_log_session(user, case)


def may_acknowledge_concern(user, case: Case) -> bool:
    """Whether ``user`` coordinates ``case`` (the right that comes with a coordinator assignment)."""
    return may_reach_personal_data(user) and user.has_perm("cases.change_case", case)


def session_editable_until(session: MentorSession) -> datetime.datetime:
    return session.recorded_at + MentorSession.EDIT_WINDOW


def may_edit_session(user, session: MentorSession, *, now: datetime.datetime | None = None) -> bool:
    """The author, still holding the case, within the edit window, of a session not voided."""
    now = now or timezone.now()
    return (
        session.mentor_id == user.pk
        and not session.is_voided
        and now < session_editable_until(session)
        and may_log_session(user, session.case)
    )
