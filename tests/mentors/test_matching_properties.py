"""The matching engine's promises, for any pool hypothesis can think of.

- no mentor a hard rule excludes is ever suggested, and every mentor is either suggested or excluded;
- a shared language or interest never lowers a mentor's score;
- the order is stable: the same pool in another order gives the same ranking, best first.
"""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from mentors.matching import (
    CONFIDENTIALITY,
    EXPIRED,
    EXPIRING,
    MISSING,
    POLICE_CERTIFICATE,
    VALID,
    CaseFacts,
    MentorFacts,
    exclusion_reasons,
    rank,
)
from mentors.models import MatchingWeights

TODAY = datetime.date(2026, 11, 30)
WORDS = ["norsk", "somali", "arabisk", "fotball", "gaming", "musikk", "boksing", "sentrum", "nord"]
STATES = [VALID, EXPIRING, EXPIRED, MISSING]

words = st.frozensets(st.sampled_from(WORDS), max_size=4)
mentor_facts = st.builds(
    MentorFacts,
    id=st.integers(min_value=1, max_value=10_000),
    active=st.booleans(),
    birth_year=st.integers(min_value=1950, max_value=2008),
    gender=st.sampled_from(["male", "female", "other"]),
    languages=words,
    background=st.sampled_from(["", "somalisk", "norsk", "muslim"]),
    interests=words,
    district=st.sampled_from(["", "Sentrum", "Nord"]),
    tracks=st.frozensets(st.sampled_from(["prevention", "exit"])),
    ideologies=st.frozensets(st.sampled_from(["islamist", "right_wing", "left_wing"])),
    active_participants=st.integers(min_value=0, max_value=6),
    max_participants=st.integers(min_value=0, max_value=6),
    qualifications=st.fixed_dictionaries(
        {POLICE_CERTIFICATE: st.sampled_from(STATES), CONFIDENTIALITY: st.sampled_from(STATES)}
    ),
    tied=st.booleans(),
)
case_facts = st.builds(
    CaseFacts,
    track=st.sampled_from(["prevention", "exit"]),
    participant_birth_year=st.integers(min_value=1990, max_value=2012),
    preferred_language=st.sampled_from(["", "norsk", "somali", "arabisk"]),
    gender_wish=st.sampled_from(["", "male", "female"]),
    background_wanted=st.booleans(),
    background=st.sampled_from(["", "somalisk", "muslim"]),
    ideology=st.sampled_from(["", "islamist", "right_wing"]),
    interests=words,
    district=st.sampled_from(["", "Sentrum", "Nord"]),
)
weights = st.fixed_dictionaries({name: st.integers(min_value=0, max_value=10) for name in MatchingWeights.FACTORS})
pools = st.lists(mentor_facts, max_size=25, unique_by=lambda m: m.id)


@settings(max_examples=150, deadline=None)
@given(case=case_facts, pool=pools, weight=weights)
def test_no_excluded_mentor_is_ever_suggested(case, pool, weight):
    ranking = rank(case, pool, weight, today=TODAY)
    suggested = {s.mentor_id for s in ranking.suggestions}
    excluded = {e.mentor_id for e in ranking.excluded}
    assert suggested.isdisjoint(excluded)
    assert suggested | excluded == {m.id for m in pool}
    for mentor in pool:
        assert (mentor.id in excluded) == bool(exclusion_reasons(mentor))


def _score(case, mentor, weight):
    ranking = rank(case, [mentor], weight, today=TODAY)
    return ranking.suggestions[0].score if ranking.suggestions else None


@settings(max_examples=150, deadline=None)
@given(case=case_facts, mentor=mentor_facts, weight=weights, interest=st.sampled_from(WORDS))
def test_sharing_the_language_or_an_interest_never_lowers_a_score(case, mentor, weight, interest):
    before = _score(case, mentor, weight)
    if before is None:
        return  # excluded either way: the soft factors do not apply
    if case.preferred_language:
        speaking = mentor._replace(languages=mentor.languages | {case.preferred_language})
        assert _score(case, speaking, weight) >= before
    sharing = mentor._replace(interests=mentor.interests | {interest})
    assert _score(case, sharing, weight) >= before


@settings(max_examples=100, deadline=None)
@given(case=case_facts, pool=pools, weight=weights, order=st.randoms(use_true_random=False))
def test_the_order_is_stable_and_best_first(case, pool, weight, order):
    first = rank(case, pool, weight, today=TODAY)
    shuffled = list(pool)
    order.shuffle(shuffled)
    again = rank(case, shuffled, weight, today=TODAY)
    assert [s.mentor_id for s in first.suggestions] == [s.mentor_id for s in again.suggestions]
    scores = [s.score for s in first.suggestions]
    assert scores == sorted(scores, reverse=True)
