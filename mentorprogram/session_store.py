"""Django's database sessions, with the session read by SQL compiled once (``mentorprogram.compiled``): every
signed-in request reads its session first. ``SESSION_ENGINE`` names this module."""

import datetime

from django.contrib.sessions.backends import db
from django.utils import timezone

from mentorprogram.compiled import CompiledQuery


def _live_session(session_key, now):
    from django.contrib.sessions.models import Session

    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


LIVE_SESSION = CompiledQuery(_live_session, session_key=str, now=datetime.datetime)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The live session with this key, or None (and no key: a new one is made on save), as Django's does."""
        found = LIVE_SESSION.instances(session_key=self.session_key, now=timezone.now())
        if not found:
            self._session_key = None
            return None
        return found[0]
