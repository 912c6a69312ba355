"""The steering report's figures, computed by PostgreSQL: counts only, never a row about a person.

Each *population* is counted by its categories and month (or at the period's
end, for figures that describe a moment): these are the atoms the suppression
works on (``steeringgroup.suppression``). One query per population, grouped in
SQL; Python only adds up the few hundred groups into the report's tables.
Months are Europe/Oslo calendar months.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection

from cases.models import Case, Referral
from disclosures.models import Disclosure
from individualplans.models import LifeArea, PlanGoal
from mentorsessions.models import ConcernSignal, MentorSession

TZ = "Europe/Oslo"
# The period's bounds in the queries are Oslo midnights: [the first day 00:00, the day after the last 00:00).
QUIET_DAYS = 30
SPEEDS = ("1h", "8h", "72h", "later")
DECISIONS = ("accepted", "forwarded", "no_action", "duplicate")
YES_NO = ("yes", "no")

CATEGORIES: dict[str, dict[str, list[str]]] = {
    "referrals": {"source": list(Referral.Source.values)},
    "decisions": {"outcome": list(DECISIONS)},
    "open_cases": {"track": list(Case.Track.values), "quiet": list(YES_NO)},
    "sessions": {"mode": list(MentorSession.Mode.values)},
    "concerns": {"level": list(ConcernSignal.Level.values), "speed": list(SPEEDS)},
    "goals": {"area": list(LifeArea.values), "status": list(PlanGoal.Status.values)},
    "closures": {"outcome": list(Case.Outcome.values), "track": list(Case.Track.values)},
    "mentors": {"trained": list(YES_NO), "certificate": list(YES_NO)},
    "disclosures": {"basis": list(Disclosure.LegalBasis.values)},
}


@dataclass
class Figures:
    """The atoms of every population for one period, and the figures that are not counts."""

    start: datetime.date
    end: datetime.date
    months: list[str]
    snapshot: str
    atoms: dict[str, dict[tuple, int]] = field(default_factory=dict)
    hours: dict[tuple, float] = field(default_factory=dict)
    medians: dict[str, tuple[float | None, int]] = field(default_factory=dict)
    capacity_used: float | None = None

    def value(self, population: str, filters: dict, times) -> int:
        """The true count of the atoms of ``population`` matching ``filters`` in ``times``."""
        dims = sorted(CATEGORIES[population])
        wanted = set(times)
        total = 0
        for (combo, time), n in self.atoms.get(population, {}).items():
            if time in wanted and all(combo[dims.index(d)] == v for d, v in filters.items()):
                total += n
        return total

    def hours_of(self, filters: dict, times) -> float:
        wanted = set(times)
        mode = filters.get("mode")
        return sum(h for (m, time), h in self.hours.items() if time in wanted and (mode is None or m == mode))

    @property
    def is_empty(self) -> bool:
        return not any(n for atoms in self.atoms.values() for n in atoms.values())


def months_between(start: datetime.date, end: datetime.date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # audit: a read (aggregate SELECT), no write
        return cursor.fetchall()


def _monthly(sql: str, params: dict) -> dict[tuple, int]:
    """Atoms from rows (category…, month, count) of ``sql``."""
    return {(tuple(row[:-2]), row[-2]): row[-1] for row in _rows(sql, params)}


def figures_compute(start: datetime.date, end: datetime.date) -> Figures:
    """Every figure of the steering report for the months ``start``..``end`` (whole months, Europe/Oslo)."""
    months = months_between(start, end)
    snapshot = f"@{end.isoformat()}"
    figures = Figures(start=start, end=end, months=months, snapshot=snapshot)
    p = {
        "start": start,
        "end": end,
        "tz": TZ,
        "snapshot": snapshot,
        "quiet": QUIET_DAYS,
    }
    figures.atoms["referrals"] = _monthly(
        """SELECT source, to_char(received_on, 'YYYY-MM'), count(*) FROM cases_referral
            WHERE received_on BETWEEN %(start)s AND %(end)s GROUP BY 1, 2""",
        p,
    )
    figures.atoms["decisions"] = _monthly(
        """SELECT status, to_char(decided_at AT TIME ZONE %(tz)s, 'YYYY-MM'), count(*) FROM cases_referral
             WHERE status IN ('accepted', 'forwarded', 'no_action', 'duplicate')
               AND decided_at >= (%(start)s::date::timestamp AT TIME ZONE %(tz)s) AND decided_at < ((%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s)
             GROUP BY 1, 2""",
        p,
    )
    # Open at the period's end, and whether a session was held in the 30 days before it.
    figures.atoms["open_cases"] = {
        ((track, quiet), snapshot): n
        for track, quiet, n in _rows(
            """SELECT c.track,
                       CASE WHEN EXISTS (SELECT 1 FROM mentorsessions_mentorsession s
                                          WHERE s.case_id = c.id AND s.voided_at IS NULL
                                            AND s.held_on > %(end)s::date - %(quiet)s AND s.held_on <= %(end)s)
                            THEN 'no' ELSE 'yes' END,
                       count(*)
                  FROM cases_case c
                 WHERE c.opened_at < ((%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s)
                   AND (c.closed_at IS NULL OR c.closed_at >= ((%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s))
                 GROUP BY 1, 2""",
            p,
        )
    }
    sessions = _rows(
        """SELECT mode, to_char(held_on, 'YYYY-MM'), count(*), sum(duration_minutes) / 60.0
             FROM mentorsessions_mentorsession
            WHERE held_on BETWEEN %(start)s AND %(end)s AND voided_at IS NULL
            GROUP BY 1, 2""",
        p,
    )
    figures.atoms["sessions"] = {((mode,), month): n for mode, month, n, _hours in sessions}
    figures.hours = {(mode, month): float(hours) for mode, month, _n, hours in sessions}
    figures.atoms["concerns"] = _monthly(
        """SELECT level,
                   CASE WHEN acknowledged_at IS NULL THEN 'later'
                        WHEN acknowledged_at - raised_at <= interval '1 hour' THEN '1h'
                        WHEN acknowledged_at - raised_at <= interval '8 hours' THEN '8h'
                        WHEN acknowledged_at - raised_at <= interval '72 hours' THEN '72h'
                        ELSE 'later' END,
                   to_char(raised_at AT TIME ZONE %(tz)s, 'YYYY-MM'), count(*)
              FROM mentorsessions_concernsignal
             WHERE raised_at >= (%(start)s::date::timestamp AT TIME ZONE %(tz)s) AND raised_at < ((%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s)
             GROUP BY 1, 2, 3""",
        p,
    )
    # The goals of the plans that were active at the period's end, by their status now.
    figures.atoms["goals"] = {
        ((area, status), snapshot): n
        for area, status, n in _rows(
            """SELECT g.life_area, g.status, count(*)
                  FROM individualplans_plangoal g
                  JOIN individualplans_individualplan p ON p.id = g.plan_id
                 WHERE p.created_at < ((%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s)
                   AND (p.closed_at IS NULL OR p.closed_at >= ((%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s))
                 GROUP BY 1, 2""",
            p,
        )
    }
    figures.atoms["closures"] = _monthly(
        """SELECT outcome, track, to_char(closed_at AT TIME ZONE %(tz)s, 'YYYY-MM'), count(*) FROM cases_case
             WHERE status = 'closed'
               AND closed_at >= (%(start)s::date::timestamp AT TIME ZONE %(tz)s) AND closed_at < ((%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s)
             GROUP BY 1, 2, 3""",
        p,
    )
    mentor_rows = _rows(
        """WITH pool AS (
               SELECT m.id, m.max_participants,
                      EXISTS (SELECT 1 FROM mentors_qualification q WHERE q.mentor_id = m.id AND q.kind = 'training'
                                AND q.completed_on <= %(end)s) AS trained,
                      EXISTS (SELECT 1 FROM mentors_qualification q
                               WHERE q.mentor_id = m.id AND q.kind = 'police_certificate'
                                 AND q.completed_on <= %(end)s
                                 AND (q.valid_until IS NULL OR q.valid_until >= %(end)s)) AS certified,
                      (SELECT count(*) FROM cases_caseassignment a
                        WHERE a.user_id = m.user_id AND a.kind = 'mentor'
                          AND a.started_at < (%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s
                          AND (a.ended_at IS NULL OR a.ended_at >= (%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s))
                        AS mentees
                 FROM mentors_mentor m
                WHERE m.is_active AND m.created_at < (%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s)
           SELECT CASE WHEN trained THEN 'yes' ELSE 'no' END, CASE WHEN certified THEN 'yes' ELSE 'no' END,
                  count(*), sum(mentees), sum(max_participants)
             FROM pool GROUP BY 1, 2""",
        p,
    )
    figures.atoms["mentors"] = {((t, c), snapshot): n for t, c, n, _m, _cap in mentor_rows}
    mentees, capacity = sum(row[3] or 0 for row in mentor_rows), sum(row[4] or 0 for row in mentor_rows)
    figures.capacity_used = round(100.0 * mentees / capacity, 1) if capacity else None
    figures.atoms["disclosures"] = _monthly(
        """SELECT d.legal_basis, to_char(d.disclosed_on, 'YYYY-MM'), count(*) FROM disclosures_disclosure d
            WHERE d.disclosed_on BETWEEN %(start)s AND %(end)s
              AND NOT EXISTS (SELECT 1 FROM disclosures_disclosure n WHERE n.corrects_id = d.id)
            GROUP BY 1, 2""",
        p,
    )
    figures.medians = _medians(p)
    return figures


def _medians(p: dict) -> dict[str, tuple[float | None, int]]:
    """Median days from a referral to its decision, and from acceptance to the case's first mentor (a window
    function picks each case's first mentor assignment), with how many each median is over."""
    decision = _rows(
        """SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (decided_at AT TIME ZONE %(tz)s)::date - received_on),
                   count(*)
              FROM cases_referral
             WHERE status IN ('accepted', 'forwarded', 'no_action', 'duplicate')
               AND decided_at >= (%(start)s::date::timestamp AT TIME ZONE %(tz)s) AND decided_at < ((%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s)""",
        p,
    )[0]
    mentor = _rows(
        """WITH first_mentor AS (
                SELECT a.case_id, a.started_at,
                       row_number() OVER (PARTITION BY a.case_id ORDER BY a.started_at, a.id) AS nth
                  FROM cases_caseassignment a WHERE a.kind = 'mentor'),
             accepted AS (
                SELECT r.case_id, min(r.decided_at) AS decided_at FROM cases_referral r
                 WHERE r.status = 'accepted' AND r.case_id IS NOT NULL GROUP BY r.case_id)
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.started_at - a.decided_at) / 86400.0),
                   count(*)
              FROM accepted a JOIN first_mentor f ON f.case_id = a.case_id AND f.nth = 1
             WHERE f.started_at >= a.decided_at AND f.started_at >= (%(start)s::date::timestamp AT TIME ZONE %(tz)s) AND f.started_at < ((%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s)""",
        p,
    )[0]
    return {
        "referral_to_decision": (None if decision[0] is None else float(decision[0]), decision[1]),
        "acceptance_to_mentor": (None if mentor[0] is None else float(mentor[0]), mentor[1]),
    }
