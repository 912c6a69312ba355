"""The matching engine: a pure function from facts to an explained ranking.

No database, no request: ``rank`` takes plain facts about the case and the
mentors and returns every mentor either as a suggestion, scored factor by
factor, or as excluded, with every reason. ``mentors.selectors`` loads the
facts; the tests call ``rank`` directly.

Hard rules exclude: inactive, police certificate missing or expired, no
confidentiality declaration, no capacity, a personal tie to the participant.
Soft factors score, each worth its weight (0–10) times a value between 0 and 1.
Ties break on the lower workload, then the lower mentor id: the same facts
always give the same order.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

VALID, EXPIRING, EXPIRED, MISSING = "valid", "expiring", "expired", "missing"

POLICE_CERTIFICATE, CONFIDENTIALITY, TRAINING, SAFETY_TALK = (
    "police_certificate",
    "confidentiality",
    "training",
    "safety_talk",
)


class MentorFacts(NamedTuple):
    """One mentor's facts (a NamedTuple: immutable, and cheap to build for a pool of thousands)."""

    id: int
    active: bool
    birth_year: int
    gender: str
    languages: frozenset[str]
    background: str  # ethnic and religious background, self-declared, lower case
    interests: frozenset[str]
    district: str
    tracks: frozenset[str]
    ideologies: frozenset[str]
    active_participants: int
    max_participants: int
    qualifications: dict[str, str]  # kind → VALID | EXPIRING | EXPIRED | MISSING
    tied: bool = False


@dataclass(frozen=True)
class CaseFacts:
    track: str
    participant_birth_year: int
    preferred_language: str = ""
    gender_wish: str = ""
    background_wanted: bool = False
    background: str = ""
    ideology: str = ""
    interests: frozenset[str] = frozenset()
    district: str = ""


class Why(NamedTuple):
    """Why a factor scored as it did: a code and the facts behind it, rendered in words by ``mentors.texts``.

    Codes: ``no_wish``, ``not_wanted``, ``speaks``/``does_not_speak``,
    ``shared`` (with ``shared``), ``matches``/``differs``, ``age`` and ``gap``
    (with ``years``), ``same``/``other`` district, ``experience`` (with
    ``track`` and ``ideology``), ``load`` (with ``load`` and ``capacity``).
    A NamedTuple: cheap to make for every mentor of a large pool.
    """

    code: str
    shared: tuple[str, ...] = ()
    years: int | None = None
    track: bool = False
    ideology: bool = False
    load: int = 0
    capacity: int = 0


@dataclass(frozen=True)
class Factor:
    name: str
    value: float  # 0–1
    weight: int
    points: float
    why: Why


@dataclass(frozen=True)
class Suggestion:
    mentor_id: int
    score: float
    max_score: int
    # (name, value, why) for each factor; ``factors`` weighs them. Kept raw so
    # ranking a large pool builds explanation objects only for what is shown.
    values: tuple[tuple[str, float, Why], ...]
    weights: dict[str, int] = field(compare=False, repr=False)

    @property
    def factors(self) -> tuple[Factor, ...]:
        return tuple(
            Factor(
                name=name,
                value=round(value, 3),
                weight=self.weights[name],
                points=round(self.weights[name] * value, 3),
                why=why,
            )
            for name, value, why in self.values
        )


@dataclass(frozen=True)
class Exclusion:
    mentor_id: int
    reasons: tuple[str, ...]  # codes: inactive, police_certificate_missing, ...


@dataclass
class Ranking:
    suggestions: list[Suggestion] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)


def qualification_state(
    completed_on: datetime.date | None, valid_until: datetime.date | None, *, today: datetime.date, warn_days: int
) -> str:
    """The state of one qualification on ``today``: missing, expired, expiring (within warn_days) or valid."""
    if completed_on is None or completed_on > today:
        return MISSING
    if valid_until is None:
        return VALID
    if valid_until < today:
        return EXPIRED
    if valid_until <= today + datetime.timedelta(days=warn_days):
        return EXPIRING
    return VALID


def exclusion_reasons(mentor: MentorFacts) -> tuple[str, ...]:
    reasons = []
    if not mentor.active:
        reasons.append("inactive")
    police = mentor.qualifications.get(POLICE_CERTIFICATE, MISSING)
    if police == MISSING:
        reasons.append("police_certificate_missing")
    elif police == EXPIRED:
        reasons.append("police_certificate_expired")
    if mentor.qualifications.get(CONFIDENTIALITY, MISSING) in (MISSING, EXPIRED):
        reasons.append("no_confidentiality_declaration")
    if mentor.active_participants >= mentor.max_participants:
        reasons.append("no_capacity")
    if mentor.tied:
        reasons.append("personal_tie")
    return tuple(reasons)


NO_WISH = Why("no_wish")


def _values(case: CaseFacts, mentor: MentorFacts, *, year: int) -> tuple[tuple[str, float, Why], ...]:
    """Each soft factor's value (0–1) and why."""
    out = []
    if case.preferred_language:
        speaks = case.preferred_language in mentor.languages
        out.append(("language", 1.0 if speaks else 0.0, Why("speaks" if speaks else "does_not_speak")))
    else:
        out.append(("language", 0.0, NO_WISH))
    if case.interests:
        shared = case.interests & mentor.interests
        out.append(("interests", len(shared) / len(case.interests), Why("shared", shared=tuple(sorted(shared)))))
    else:
        out.append(("interests", 0.0, NO_WISH))
    if case.gender_wish:
        same = mentor.gender == case.gender_wish
        out.append(("gender", 1.0 if same else 0.0, Why("matches" if same else "differs")))
    else:
        out.append(("gender", 0.0, NO_WISH))
    if case.background_wanted and case.background:
        same = case.background in mentor.background
        out.append(("background", 1.0 if same else 0.0, Why("matches" if same else "differs")))
    else:
        out.append(("background", 0.0, Why("not_wanted")))
    mentor_age = year - mentor.birth_year
    out.append(("age_over_25", 1.0 if mentor_age >= 25 else 0.0, Why("age", years=mentor_age)))
    gap = abs(mentor.birth_year - case.participant_birth_year)
    out.append(("age_closeness", max(0.0, 1 - gap / 40), Why("gap", years=gap)))
    if case.district:
        same = bool(mentor.district) and mentor.district.lower() == case.district.lower()
        out.append(("district", 1.0 if same else 0.0, Why("same" if same else "other")))
    else:
        out.append(("district", 0.0, NO_WISH))
    has_track = case.track in mentor.tracks
    has_ideology = bool(case.ideology) and case.ideology in mentor.ideologies
    out.append(
        (
            "experience",
            (0.5 if has_track else 0.0) + (0.5 if has_ideology else 0.0),
            Why("experience", track=has_track, ideology=has_ideology),
        )
    )
    free = 1 - mentor.active_participants / mentor.max_participants if mentor.max_participants else 0.0
    out.append(
        (
            "workload",
            max(0.0, free),
            Why("load", load=mentor.active_participants, capacity=mentor.max_participants),
        )
    )
    return tuple(out)


def rank(case: CaseFacts, mentors: list[MentorFacts], weights: dict[str, int], *, today: datetime.date) -> Ranking:
    """Every mentor, suggested (best first) or excluded (with every reason)."""
    ranking = Ranking()
    max_score = sum(weights.values())
    scored = []
    for mentor in mentors:
        reasons = exclusion_reasons(mentor)
        if reasons:
            ranking.excluded.append(Exclusion(mentor_id=mentor.id, reasons=reasons))
            continue
        values = _values(case, mentor, year=today.year)
        score = round(sum(weights[name] * value for name, value, _why in values), 3)
        scored.append((-score, mentor.active_participants, mentor.id, values))
    scored.sort(key=lambda item: item[:3])
    ranking.suggestions = [
        Suggestion(mentor_id, -neg_score, max_score, values, weights) for neg_score, _load, mentor_id, values in scored
    ]
    ranking.excluded.sort(key=lambda e: e.mentor_id)
    return ranking
