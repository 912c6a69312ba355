"""Matching against the database, and assignment: refusals with reasons, the decision kept, capacity under concurrency."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases.models import CaseAssignment, CaseWishes
from mentorprogram.roles import SLT_COORDINATOR
from mentors.models import PersonalTie, Qualification
from mentors.selectors import matching_for_case
from mentors.services import matching_weights_set, mentor_assign, personal_tie_record, qualification_record
from tests.cases.factories import CaseFactory
from tests.mentors.factories import MentorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def slt(make_user):
    return make_user(SLT_COORDINATOR)


@pytest.fixture
def case(slt):
    case = CaseFactory(status="matching")
    CaseWishes.objects.create(case=case, preferred_language="somali", updated_by=slt)
    return case


def test_the_ranking_reads_the_pool_in_a_fixed_number_of_queries(
    case, django_assert_max_num_queries, django_assert_num_queries
):
    MentorFactory.create_batch(3)
    with django_assert_max_num_queries(10):  # fingerprint, ties, the pool, the case's wishes, the weights
        small = matching_for_case(case=case)
    MentorFactory.create_batch(20)
    with django_assert_max_num_queries(10):
        large = matching_for_case(case=case)
    with django_assert_num_queries(3):  # unchanged pool: read from the cache (fingerprint, ties, the weights)
        again = matching_for_case(case=case)
    assert len(small.suggestions) == 3 and len(large.suggestions) == 23 and again.suggestions == large.suggestions


def test_the_cached_pool_follows_every_change(case, slt):
    from cases.models import CaseAssignment
    from cases.services import case_assignment_end, case_assignment_start

    def state(mentor):
        ranking = matching_for_case(case=case)
        excluded = {e.mentor_id: e.reasons for e in ranking.excluded}
        return excluded.get(mentor.pk, "suggested")

    mentor = MentorFactory(max_participants=1)
    assert state(mentor) == "suggested"
    assignment = case_assignment_start(actor=slt, case=CaseFactory(), user=mentor.user, kind=CaseAssignment.Kind.MENTOR)
    assert state(mentor) == ("no_capacity",)
    case_assignment_end(actor=slt, assignment=assignment)
    assert state(mentor) == "suggested"
    mentor.user.is_active = False
    mentor.user.save()
    assert state(mentor) == ("inactive",)
    mentor.user.is_active = True
    mentor.user.save()
    mentor.is_active = False
    mentor.save()
    assert state(mentor) == ("inactive",)
    mentor.is_active = True
    mentor.save()
    other = MentorFactory(qualified=False)
    assert "no_confidentiality_declaration" in state(other)
    qualification_record(actor=slt, mentor=other, kind="confidentiality", completed_on=datetime.date.today())
    qualification_record(actor=slt, mentor=other, kind="police_certificate", completed_on=datetime.date.today())
    assert state(other) == "suggested"
    personal_tie_record(actor=slt, mentor=mentor, participant=case.participant)
    assert state(mentor) == ("personal_tie",)


def test_the_wishes_and_ties_reach_the_engine(case, slt):
    speaker = MentorFactory(languages=["norsk", "Somali"])
    other = MentorFactory()
    tied = MentorFactory(languages=["somali"])
    personal_tie_record(actor=slt, mentor=tied, participant=case.participant)
    ranking = matching_for_case(case=case)
    assert [s.mentor_id for s in ranking.suggestions] == [speaker.pk, other.pk]
    assert [(e.mentor_id, e.reasons) for e in ranking.excluded] == [(tied.pk, ("personal_tie",))]


def test_assigning_keeps_the_decision_grants_rights_and_notifies(case, slt, client, verified_login):
    mentor = MentorFactory(languages=["somali"])
    assignment = mentor_assign(actor=slt, case=case, mentor=mentor)
    assert assignment.user == mentor.user and "forslag 1 av 1" in assignment.reason
    verified_login(client, mentor.user)
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_an_ineligible_mentor_is_refused_with_the_reasons(case, slt):
    mentor = MentorFactory(qualified=False)
    with pytest.raises(ValidationError, match="ingen politiattest, ingen signert taushetserklæring"):
        mentor_assign(actor=slt, case=case, mentor=mentor)
    assert not CaseAssignment.objects.filter(kind="mentor").exists()


def test_a_mentor_far_down_the_list_needs_a_written_reason(case, slt, settings):
    settings.MATCHING_TOP_SUGGESTIONS = 1
    best, second = MentorFactory(languages=["somali"]), MentorFactory()
    with pytest.raises(ValidationError, match="skriv hvorfor"):
        mentor_assign(actor=slt, case=case, mentor=second)
    assignment = mentor_assign(actor=slt, case=case, mentor=second, reason="Kjenner fotballmiljøet godt")
    assert assignment.reason.endswith("Kjenner fotballmiljøet godt")
    assert best  # the best remains available


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_when_two_coordinators_assign_at_once(make_user):
    slt = make_user(SLT_COORDINATOR)
    mentor = MentorFactory(max_participants=1)
    cases = [CaseFactory(status="matching"), CaseFactory(status="matching")]
    barrier, outcomes = threading.Barrier(2), []

    def assign(case):
        try:
            barrier.wait()
            mentor_assign(actor=slt, case=case, mentor=mentor)
            outcomes.append("assigned")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(c,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 2 and outcomes.count("assigned") == 1
    assert "ingen ledig kapasitet" in next(o for o in outcomes if o != "assigned")
    assert CaseAssignment.objects.filter(user=mentor.user, ended_at__isnull=True).count() == 1


def test_weights_outside_their_range_are_refused(slt):
    with pytest.raises(ValidationError, match="et helt tall fra 0 til 10"):
        matching_weights_set(actor=slt, language=11)
    assert matching_weights_set(actor=slt, language=10).language == 10


def test_a_qualification_cannot_be_dated_in_the_future_or_expire_before_it_starts(slt):
    mentor = MentorFactory(qualified=False)
    today = datetime.date.today()
    with pytest.raises(ValidationError, match="fram i tid"):
        qualification_record(
            actor=slt, mentor=mentor, kind="police_certificate", completed_on=today + datetime.timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="utløpe før"):
        qualification_record(
            actor=slt,
            mentor=mentor,
            kind="police_certificate",
            completed_on=today,
            valid_until=today - datetime.timedelta(days=1),
        )
    assert (
        qualification_record(actor=slt, mentor=mentor, kind="police_certificate", completed_on=today).kind
        == Qualification.Kind.POLICE_CERTIFICATE
    )
    assert PersonalTie.objects.count() == 0


def test_the_cached_pool_sees_a_mentor_assignment_start_and_end(case, slt):
    from cases.services import case_assignment_end, case_assignment_start
    from mentors.selectors import mentor_facts

    mentor = MentorFactory()
    today = datetime.date.today()

    def load():
        (facts,) = [f for f in mentor_facts(participant_id=case.participant_id, today=today) if f.id == mentor.pk]
        return facts.active_participants

    assert load() == 0
    other = CaseFactory(status="matching")
    assignment = case_assignment_start(actor=slt, case=other, user=mentor.user, kind=CaseAssignment.Kind.MENTOR)
    assert load() == 1
    case_assignment_end(actor=slt, assignment=assignment, reason="Byttet mentor.")
    assert load() == 0
