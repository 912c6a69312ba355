"""A fictional data set the size of a national deployment, for measuring (``manage.py generate_scale_data``).

Every municipality's programme on one deployment: by default 50,000 participants with a case each (with their
assessments), 60,000 referrals, 2,000 mentors, 500,000 sessions, 20,000 individual plans with goals, measures and
evaluations, and 5,000,000 rows in
the trail (model changes and access events), sealed into the hash chain as the sealer would, with the object
rights that the assignments give (the same tables as ``cases.services.assignments`` and
``individualplans.permissions``). Made with set-based SQL (``INSERT … SELECT generate_series``), not row by row.

Distributions are deterministic (hashes of the row number), so two runs make the same shape: ages 13–30 mostly in
their teens, a fifth on the exit track, cases opened over five years and most of them active or closed, sessions
every week or two on active cases, one coordinator per 200 cases, urgency mostly normal. Names are invented
combinations of common Norwegian and immigrant names; nothing in it is a real person.

Generated rows are written straight into the tables: they are a fixture, not a user's work, so django-auditlog
does not see them; the trail rows that stand for that work are written explicitly (``_trail``) and sealed.
Closed cases get today's closing time (the database sets it when a case closes and never lets it change).
"""

import time

from django.conf import settings
from django.db import connection, transaction

from audit import chain
from cases.models import Case, Participant, Referral
from mentorprogram import roles
from mentorprogram.models import User
from mentorprogram.scale_data.names import PREFIX, Sizes
from mentorprogram.scale_data.records import (
    _assessments,
    _assignments_and_rights,
    _count,
    _first,
    _mentors,
    _people_and_cases,
    _plans,
    _referrals,
    _sessions,
    _users,
)
from mentorprogram.scale_data.trail import _trail

__all__ = ["Refused", "Sizes", "generate", "refusal"]


class Refused(Exception):
    """The database is not one to fill: say why."""


def refusal() -> str | None:
    """Why this database must not be filled, or None: only with DEBUG, only a database without people in it."""
    if not settings.DEBUG:
        return "DEBUG is off: generated data goes only into a development or benchmark database."
    if Participant.objects.exists() or Referral.objects.exists() or Case.objects.exists():
        return "The database holds participants, referrals or cases already: it is filled only when it has none."
    if User.objects.filter(last_login__isnull=False).exclude(username__startswith=PREFIX).exists():
        return "Someone has logged in to this database: it is not a fresh one."
    return None


def generate(sizes: Sizes, *, say=print) -> dict:
    """Fill the database (see the module's text); returns the counts and the seconds each step took."""
    reason = refusal()
    if reason:
        raise Refused(reason)
    timings = {}

    def step(name, fn, *args):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            fn(cursor, *args)
        timings[name] = round(time.perf_counter() - started, 1)
        say(f"{name}: {timings[name]} s")

    ids = {}

    def users(cursor):
        n_cases = sizes.participants
        for key, role, n in (
            ("slt", roles.SLT_COORDINATOR, max(1, sizes.referrals // 1000)),
            ("coordinator", roles.COORDINATOR, max(1, -(-n_cases // sizes.cases_per_coordinator))),
            ("mentor", roles.MENTOR, sizes.mentors),
            ("referrer", roles.REFERRER, max(1, sizes.referrals // 20)),
            ("steering", roles.STEERING_GROUP, 10),
            ("privacy", roles.PRIVACY_OFFICER, 4),
        ):
            ids[key] = _users(cursor, role, key, n)

    step("users and roles", users)

    def people(cursor):
        _people_and_cases(cursor, sizes, ids)
        ids["first_case"] = _first(cursor, "cases_case")

    step("participants and cases", people)
    step("referrals", _referrals, sizes, ids)
    step("mentors and qualifications", _mentors, sizes, ids)
    step("assignments and object rights", _assignments_and_rights, sizes, ids)
    step("assessments", _assessments)
    step("sessions", _sessions, sizes)
    step("individual plans", _plans, sizes)
    step("trail rows", _trail, sizes)

    def analyse(cursor):
        # audit: statistics for the planner, as autovacuum would gather them; no row changes
        cursor.execute("ANALYZE")

    step("analyse", analyse)
    started = time.perf_counter()
    old_delay = chain.SEAL_DELAY_SECONDS
    chain.SEAL_DELAY_SECONDS = -1
    try:
        while chain.chain_seal(limit=200_000):
            pass
    finally:
        chain.SEAL_DELAY_SECONDS = old_delay
    timings["seal the chain"] = round(time.perf_counter() - started, 1)
    say(f"seal the chain: {timings['seal the chain']} s")
    if not connection.in_atomic_block:  # VACUUM runs outside a transaction: not when the caller holds one (tests)
        started = time.perf_counter()
        # The visibility map (index-only scans) and statistics, as autovacuum would set them later: now rather
        # than during a measurement.
        with connection.cursor() as cursor:
            # audit: maintenance, no row changes
            cursor.execute("VACUUM (ANALYZE)")
        timings["vacuum"] = round(time.perf_counter() - started, 1)
        say(f"vacuum: {timings['vacuum']} s")
    with connection.cursor() as cursor:
        counts = {
            table: _count(cursor, table)
            for table in (
                "mentorprogram_user",
                "cases_participant",
                "cases_case",
                "cases_referral",
                "cases_assessment",
                "mentors_mentor",
                "mentorsessions_mentorsession",
                "individualplans_individualplan",
                "individualplans_plangoal",
                "individualplans_planmeasure",
                "individualplans_planevaluation",
                "cases_caseuserobjectpermission",
                "audit_modelchange",
                "audit_accessevent",
                "audit_chainlink",
            )
        }
    return {"counts": counts, "seconds": timings}
