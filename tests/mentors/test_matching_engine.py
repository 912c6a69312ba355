"""The matching engine as a pure function: hard rules exclude with reasons, soft factors explain the score."""

import datetime

import pytest

from mentors.matching import (
    CONFIDENTIALITY,
    EXPIRED,
    EXPIRING,
    MISSING,
    POLICE_CERTIFICATE,
    VALID,
    CaseFacts,
    MentorFacts,
    Why,
    qualification_state,
    rank,
)

TODAY = datetime.date(2026, 11, 23)
WEIGHTS = {
    "language": 8,
    "interests": 6,
    "gender": 7,
    "background": 5,
    "age_over_25": 4,
    "age_closeness": 3,
    "district": 3,
    "experience": 6,
    "workload": 4,
}
CASE = CaseFacts(
    track="prevention",
    participant_birth_year=2009,
    preferred_language="somali",
    gender_wish="male",
    background_wanted=True,
    background="somalisk",
    ideology="islamist",
    interests=frozenset({"fotball", "gaming"}),
    district="Sentrum",
)


def mentor(id, **overrides):
    facts = {
        "id": id,
        "active": True,
        "birth_year": 1990,
        "gender": "male",
        "languages": frozenset({"norsk"}),
        "background": "",
        "interests": frozenset(),
        "district": "",
        "tracks": frozenset(),
        "ideologies": frozenset(),
        "active_participants": 0,
        "max_participants": 2,
        "qualifications": {POLICE_CERTIFICATE: VALID, CONFIDENTIALITY: VALID},
        "tied": False,
    }
    facts.update(overrides)
    return MentorFacts(**facts)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"active": False}, "inactive"),
        ({"qualifications": {CONFIDENTIALITY: VALID}}, "police_certificate_missing"),
        ({"qualifications": {POLICE_CERTIFICATE: EXPIRED, CONFIDENTIALITY: VALID}}, "police_certificate_expired"),
        ({"qualifications": {POLICE_CERTIFICATE: VALID}}, "no_confidentiality_declaration"),
        ({"active_participants": 2}, "no_capacity"),
        ({"tied": True}, "personal_tie"),
    ],
)
def test_each_hard_rule_excludes_with_its_reason(overrides, reason):
    ranking = rank(CASE, [mentor(1, **overrides)], WEIGHTS, today=TODAY)
    assert ranking.suggestions == []
    assert ranking.excluded[0].reasons == (reason,)


def test_an_excluded_mentor_carries_every_reason():
    ranking = rank(CASE, [mentor(1, active=False, tied=True, active_participants=5)], WEIGHTS, today=TODAY)
    assert ranking.excluded[0].reasons == ("inactive", "no_capacity", "personal_tie")


def test_an_expiring_certificate_still_qualifies():
    ranking = rank(
        CASE, [mentor(1, qualifications={POLICE_CERTIFICATE: EXPIRING, CONFIDENTIALITY: VALID})], WEIGHTS, today=TODAY
    )
    assert [s.mentor_id for s in ranking.suggestions] == [1]


def test_the_best_match_comes_first_and_every_factor_is_explained():
    good = mentor(
        1,
        languages=frozenset({"norsk", "somali"}),
        background="somalisk, muslim",
        interests=frozenset({"fotball"}),
        district="sentrum",
        tracks=frozenset({"prevention"}),
        ideologies=frozenset({"islamist"}),
    )
    plain = mentor(2)
    ranking = rank(CASE, [plain, good], WEIGHTS, today=TODAY)
    assert [s.mentor_id for s in ranking.suggestions] == [1, 2]
    factors = {f.name: f for f in ranking.suggestions[0].factors}
    assert set(factors) == set(WEIGHTS)
    assert factors["language"].points == 8 and factors["language"].why == Why("speaks")
    assert factors["interests"].value == 0.5 and factors["interests"].why == Why("shared", shared=("fotball",))
    assert factors["background"].points == 5
    assert factors["experience"].value == 1.0
    assert ranking.suggestions[0].score == round(sum(f.points for f in factors.values()), 3)
    assert ranking.suggestions[0].max_score == sum(WEIGHTS.values())


def test_background_counts_only_where_the_participant_wants_it():
    same_background = mentor(1, background="somalisk")
    ranking = rank(
        CaseFacts(track="prevention", participant_birth_year=2009, background="somalisk"),
        [same_background],
        WEIGHTS,
        today=TODAY,
    )
    factor = {f.name: f for f in ranking.suggestions[0].factors}["background"]
    assert (factor.points, factor.why) == (0, Why("not_wanted"))


def test_the_weights_change_the_order():
    speaks = mentor(1, languages=frozenset({"somali"}), gender="female")
    man = mentor(2, gender="male")
    assert [s.mentor_id for s in rank(CASE, [speaks, man], WEIGHTS, today=TODAY).suggestions] == [1, 2]
    gender_first = {**WEIGHTS, "language": 0, "gender": 10}
    assert [s.mentor_id for s in rank(CASE, [speaks, man], gender_first, today=TODAY).suggestions] == [2, 1]


def test_ties_break_on_workload_then_id_whatever_the_input_order():
    mentors = [mentor(3), mentor(1), mentor(2)]
    orders = {
        tuple(s.mentor_id for s in rank(CASE, ordering, {**WEIGHTS, "workload": 0}, today=TODAY).suggestions)
        for ordering in (mentors, mentors[::-1])
    }
    assert orders == {(1, 2, 3)}
    busier = mentor(1, active_participants=1)
    assert [
        s.mentor_id for s in rank(CASE, [busier, mentor(2)], {**WEIGHTS, "workload": 0}, today=TODAY).suggestions
    ] == [2, 1]


def test_a_young_mentor_scores_nothing_for_age_over_25():
    young = mentor(1, birth_year=2004)
    factor = {f.name: f for f in rank(CASE, [young], WEIGHTS, today=TODAY).suggestions[0].factors}["age_over_25"]
    assert (factor.value, factor.why) == (0.0, Why("age", years=22))


@pytest.mark.parametrize(
    ("completed", "until", "state"),
    [
        (None, None, MISSING),
        (datetime.date(2027, 1, 1), None, MISSING),  # a date in the future does not count yet
        (datetime.date(2020, 1, 1), None, VALID),
        (datetime.date(2020, 1, 1), datetime.date(2026, 11, 22), EXPIRED),
        (datetime.date(2020, 1, 1), datetime.date(2026, 12, 10), EXPIRING),
        (datetime.date(2020, 1, 1), datetime.date(2027, 6, 1), VALID),
    ],
)
def test_qualification_state(completed, until, state):
    assert qualification_state(completed, until, today=TODAY, warn_days=30) == state
