"""What an access request holds from the sessions (registered in ``MentorSessionsConfig.ready()``)."""

from django.utils.translation import gettext as _

from audit.subject_access import record_of, value_text
from mentorsessions.models import ConcernSignal, MentorSession, SessionAddendum


def sessions(case, title):
    records = []
    for session in MentorSession.objects.filter(case=case).select_related("mentor", "voided_by").order_by("held_on"):
        records.append(record_of(session, f"{title}: {value_text(session.held_on)}"))
        for addendum in SessionAddendum.objects.filter(session=session).select_related("written_by"):
            records.append(record_of(addendum, f"{title}: {_('addendum')} {value_text(addendum.written_at)}"))
    return records


def concern_signals(case, title):
    return [
        record_of(signal, f"{title}: {value_text(signal.raised_at)}")
        for signal in ConcernSignal.objects.filter(case=case).select_related("raised_by", "acknowledged_by")
    ]
