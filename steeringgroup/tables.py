"""The steering report's tables: which counts each shows, how they read once suppressed, and the summary.

Labels are rendered in the language active when the report is built
(Norwegian bokmål: the report is a Norwegian document).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases.models import Case, Referral
from disclosures.models import Disclosure
from individualplans.models import LifeArea, PlanGoal
from mentorsessions.models import ConcernSignal, MentorSession
from steeringgroup.suppression import HIDDEN, SHOWN, SMALL, WITHHELD, Cell, Support, display


@dataclass(frozen=True)
class Axis:
    key: str
    label: str
    filters: tuple[tuple[str, str], ...] = ()
    times: tuple[str, ...] | None = None  # None: the report's months (or its snapshot)


def categories_axis(model_choices, dim: str) -> list[Axis]:
    return [Axis(code, str(label), ((dim, code),)) for code, label in model_choices]


def time_columns(months: list[str]) -> list[Axis]:
    """Months for a year or less; quarters up to three years; years beyond."""
    if len(months) <= 12:
        names = [
            _("Jan"),
            _("Feb"),
            _("Mar"),
            _("Apr"),
            _("May"),
            _("Jun"),
            _("Jul"),
            _("Aug"),
            _("Sep"),
            _("Oct"),
            _("Nov"),
            _("Dec"),
        ]
        return [Axis(m, f"{names[int(m[5:]) - 1]} {m[2:4]}", times=(m,)) for m in months]
    buckets: dict[str, list[str]] = {}
    for m in months:
        key = f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}" if len(months) <= 36 else m[:4]
        buckets.setdefault(key, []).append(m)
    return [Axis(key, key.replace("-Q", " K"), times=tuple(ms)) for key, ms in buckets.items()]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    definition: str
    population: str
    rows: list[Axis]
    cols: list[Axis]
    snapshot: bool = False


def tables(months: list[str]) -> list[Table]:
    total = Axis("total", _("Total"))
    count = Axis("count", _("Number"))
    return [
        Table(
            "referrals",
            _("Referrals by source and month"),
            _("Referrals received in the period (the date received), by the kind of service or person that sent them."),
            "referrals",
            [*categories_axis(Referral.Source.choices, "source"), total],
            [*time_columns(months), total],
        ),
        Table(
            "decisions",
            _("Triage outcomes"),
            _("Referrals decided in the period (the date of the decision), by the decision."),
            "decisions",
            [
                Axis("accepted", str(Referral.Status.ACCEPTED.label), (("outcome", "accepted"),)),
                Axis("forwarded", str(Referral.Status.FORWARDED.label), (("outcome", "forwarded"),)),
                Axis("no_action", str(Referral.Status.NO_ACTION.label), (("outcome", "no_action"),)),
                Axis("duplicate", str(Referral.Status.DUPLICATE.label), (("outcome", "duplicate"),)),
                total,
            ],
            [count],
        ),
        Table(
            "open_cases",
            _("Open cases at the end of the period"),
            _(
                "Cases opened before the period ended and not closed by then, by track; and of them, those with no "
                "mentor session in the last 30 days of the period."
            ),
            "open_cases",
            [*categories_axis(Case.Track.choices, "track"), total],
            [Axis("open", _("Open")), Axis("quiet", _("No session in 30 days"), (("quiet", "yes"),))],
            snapshot=True,
        ),
        Table(
            "sessions",
            _("Mentor sessions and hours"),
            _("Sessions held in the period (not voided), by form, and the hours they lasted."),
            "sessions",
            [*categories_axis(MentorSession.Mode.choices, "mode"), total],
            [Axis("sessions", _("Sessions"))],
        ),
        Table(
            "concerns",
            _("Concern signals by level and time to acknowledgement"),
            _(
                "Concern signals raised in the period, by level, and how long the coordinator took to acknowledge "
                "them («later» includes signals not yet acknowledged)."
            ),
            "concerns",
            [*categories_axis(ConcernSignal.Level.choices, "level"), total],
            [
                Axis("1h", _("Within 1 hour"), (("speed", "1h"),)),
                Axis("8h", _("Within 8 hours"), (("speed", "8h"),)),
                Axis("72h", _("Within 72 hours"), (("speed", "72h"),)),
                Axis("later", _("Later"), (("speed", "later"),)),
                total,
            ],
        ),
        Table(
            "goals",
            _("Plan goals by life area and status"),
            _("Goals of the individual plans that were active at the end of the period, by life area and status."),
            "goals",
            [*categories_axis(LifeArea.choices, "area"), total],
            [*categories_axis(PlanGoal.Status.choices, "status"), total],
            snapshot=True,
        ),
        Table(
            "closures",
            _("Closed cases by outcome"),
            _("Cases closed in the period, by outcome and track."),
            "closures",
            [*categories_axis(Case.Outcome.choices, "outcome"), total],
            [*categories_axis(Case.Track.choices, "track"), total],
        ),
        Table(
            "mentors",
            _("The mentor pool at the end of the period"),
            _(
                "Active mentors; of them, those with the RVTS mentor training, and those with a police certificate "
                "valid at the end of the period."
            ),
            "mentors",
            [
                Axis("active", _("Active mentors")),
                Axis("trained", _("With RVTS mentor training"), (("trained", "yes"),)),
                Axis("certified", _("With a valid police certificate"), (("certificate", "yes"),)),
            ],
            [count],
            snapshot=True,
        ),
        Table(
            "disclosures",
            _("Disclosures by legal basis"),
            _("Disclosures made in the period, by legal basis (counts only; a corrected record counts once)."),
            "disclosures",
            [*categories_axis(Disclosure.LegalBasis.choices, "basis"), total],
            [count],
        ),
    ]


def cells(report_key: str, figures, tables: list[Table]) -> list[Cell]:
    cells = []
    for table in tables:
        default_times = (figures.snapshot,) if table.snapshot else tuple(figures.months)
        for row in table.rows:
            for col in table.cols:
                filters = tuple(sorted(dict(row.filters + col.filters).items()))
                times = col.times or row.times or default_times
                support = Support(table.population, filters, times)
                value = figures.value(table.population, dict(filters), times)
                cells.append(Cell(report_key, table.key, row.key, col.key, support, value))
    return cells


def published_tables(tables, cells_by_key, figures, threshold) -> list[dict]:
    published = []
    for table in tables:
        rows = []
        statuses = set()
        for row in table.rows:
            shown = []
            for col in table.cols:
                cell = cells_by_key[(table.key, row.key, col.key)]
                statuses.add(cell.status)
                shown.append(display(cell, threshold))
            if table.key == "sessions":
                count = cells_by_key[(table.key, row.key, "sessions")]
                hours = figures.hours_of(dict(count.support.filters), figures.months)
                shown.append(f"{hours:.1f}".replace(".", ",") if count.status == SHOWN else ":")
            rows.append({"key": row.key, "label": row.label, "cells": shown})
        columns = [col.label for col in table.cols] + ([_("Hours")] if table.key == "sessions" else [])
        published.append(
            {
                "key": table.key,
                "title": table.title,
                "definition": table.definition,
                "columns": columns,
                "rows": rows,
                "withheld": statuses == {WITHHELD},
                "suppressed": bool(statuses & {SMALL, HIDDEN}),
            }
        )
    return published


def median_text(value, n, threshold) -> str:
    if value is None or n < threshold:
        return ":"
    return f"{value:.1f}".replace(".", ",")


def summary(published: list[dict], figures, medians: dict) -> list[str]:
    """A short written summary of the period, in the report's own (suppressed) numbers."""

    def total(key, col=-1, row="total"):
        table = next(t for t in published if t["key"] == key)
        if table["withheld"]:
            return ":"
        found = next((r for r in table["rows"] if r["key"] == row), table["rows"][0])
        return found["cells"][col]

    if figures.is_empty:
        return [_("No activity was recorded in the period. The tables below are empty.")]
    return [
        _("In the period, %(received)s referrals were received and %(decided)s were decided.")
        % {"received": total("referrals"), "decided": total("decisions")},
        _(
            "At the end of the period %(open)s cases were open; %(quiet)s of them had no mentor session in the last "
            "30 days."
        )
        % {"open": total("open_cases", 0), "quiet": total("open_cases", 1)},
        _("Mentors held %(sessions)s sessions, %(hours)s hours in all.")
        % {"sessions": total("sessions", 0), "hours": total("sessions", 1)},
        _("%(concerns)s concern signals were raised, and %(closed)s cases were closed.")
        % {"concerns": total("concerns"), "closed": total("closures")},
        _("The median time from a referral to its decision was %(decision)s days.")
        % {"decision": medians["referral_to_decision"]},
    ]
