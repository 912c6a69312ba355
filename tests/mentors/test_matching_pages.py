"""The matching page, the pool and the weights, through the views."""

import datetime

import pytest

from cases.models import CaseAssignment, CaseWishes
from cases.services import case_assignment_start
from mentorprogram.roles import COORDINATOR, MENTOR, SLT_COORDINATOR
from mentors.models import Attendance, MatchingWeights, PersonalTie, Qualification
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


def test_the_page_shows_ranked_suggestions_with_reasons_and_the_excluded(client, slt, case, verified_login):
    best = MentorFactory(languages=["somali", "norsk"])
    MentorFactory()
    unqualified = MentorFactory(qualified=False)
    verified_login(client, slt)
    html = client.get(f"/mentors/cases/{case.pk}/").content.decode()
    assert html.index(str(best)) < html.index("Kan ikke velges")
    assert "snakker språket" in html and "Foretrukket språk" in html
    assert f"{unqualified}: ingen politiattest, ingen signert taushetserklæring" in html


def test_the_page_makes_at_most_15_queries_even_when_the_pool_is_read_anew(
    client, slt, case, verified_login, django_assert_max_num_queries
):
    from mentors import selectors

    MentorFactory.create_batch(3)
    verified_login(client, slt)
    client.get(f"/mentors/cases/{case.pk}/")
    # The reader's rights on the case and whether they hold it come with the case (case_reader_facts).
    with django_assert_max_num_queries(11):
        assert client.get(f"/mentors/cases/{case.pk}/").status_code == 200
    selectors._POOL_CACHE.clear()  # as in a new worker, or after the pool changed
    with django_assert_max_num_queries(14):
        assert client.get(f"/mentors/cases/{case.pk}/").status_code == 200


def test_assigning_from_the_page_lets_only_that_mentor_in(client, slt, case, verified_login):
    chosen, other = MentorFactory(languages=["somali"]), MentorFactory()
    verified_login(client, slt)
    # First the confirmation: who, what they are told, where the case goes; nothing is assigned yet.
    response = client.post(f"/mentors/cases/{case.pk}/assign/", {"mentor": chosen.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Tildele {chosen}?" in page and "Du er tildelt mentorløp" in page
    assert not CaseAssignment.objects.filter(kind="mentor").exists()
    response = client.post(f"/mentors/cases/{case.pk}/assign/", {"mentor": chosen.pk, "confirm": "1"})
    assert response.status_code == 302
    assignment = CaseAssignment.objects.get(kind="mentor")
    assert assignment.user == chosen.user and "forslag 1 av 2" in assignment.reason
    verified_login(client, chosen.user)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    verified_login(client, other.user)
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_assigning_an_ineligible_mentor_says_why(client, slt, case, verified_login):
    unqualified = MentorFactory(qualified=False)
    verified_login(client, slt)
    response = client.post(f"/mentors/cases/{case.pk}/assign/", {"mentor": unqualified.pk})
    assert response.status_code == 400
    assert "kan ikke tildeles: ingen politiattest" in response.content.decode()


def test_the_wishes_form_changes_the_ranking(client, slt, case, verified_login):
    woman, man = MentorFactory(gender="female"), MentorFactory(gender="male")
    verified_login(client, slt)
    client.post(
        f"/mentors/cases/{case.pk}/wishes/", {"wishes-gender_wish": "female", "wishes-interests": "fotball, gaming"}
    )
    assert CaseWishes.objects.get(case=case).interests == ["fotball", "gaming"]
    html = client.get(f"/mentors/cases/{case.pk}/").content.decode()
    assert html.index(str(woman)) < html.index(str(man))


def test_a_tie_takes_the_mentor_out_of_the_suggestions(client, slt, case, verified_login):
    mentor = MentorFactory()
    verified_login(client, slt)
    client.post(f"/mentors/cases/{case.pk}/ties/", {"tie-mentor": mentor.pk})
    assert PersonalTie.objects.filter(mentor=mentor, participant=case.participant).exists()
    assert f"{mentor}: kjenner deltakeren personlig" in client.get(f"/mentors/cases/{case.pk}/").content.decode()


def test_a_coordinator_matches_their_own_case_only(client, slt, make_user, case, verified_login):
    coordinator = make_user(COORDINATOR)
    case_assignment_start(actor=slt, case=case, user=coordinator, kind="coordinator")
    verified_login(client, coordinator)
    assert client.get(f"/mentors/cases/{case.pk}/").status_code == 200
    assert client.get(f"/mentors/cases/{CaseFactory().pk}/").status_code == 404
    assert client.get("/mentors/").status_code == 403  # the pool is the SLT coordinators'


def test_a_mentor_cannot_match(client, make_user, case, verified_login):
    verified_login(client, make_user(MENTOR))
    assert client.get(f"/mentors/cases/{case.pk}/").status_code == 404


def test_the_weights_form_refuses_out_of_range_and_keeps_what_was_typed(client, slt, verified_login):
    verified_login(client, slt)
    data = {name: 5 for name in MatchingWeights.FACTORS} | {"language": 12}
    response = client.post("/mentors/weights/", data)
    assert response.status_code == 400 and "helt tall fra 0 til 10" in response.content.decode()
    client.post("/mentors/weights/", data | {"language": 9})
    assert MatchingWeights.objects.latest("set_at").language == 9


def test_the_pool_filters_on_capacity_expiry_and_supervision(client, slt, verified_login, settings):
    today = datetime.date.today()
    full = MentorFactory(max_participants=1)
    case_assignment_start(actor=slt, case=CaseFactory(), user=full.user, kind="mentor")
    expiring = MentorFactory()
    Qualification.objects.create(
        mentor=expiring,
        kind="police_certificate",
        completed_on=today - datetime.timedelta(days=5),
        valid_until=today + datetime.timedelta(days=10),
        recorded_by=slt,
    )
    supervised = MentorFactory()
    Attendance.objects.create(mentor=supervised, kind="supervision", date=today, recorded_by=slt)
    verified_login(client, slt)
    capacity = client.get("/mentors/?only=capacity").content.decode()
    assert str(full) not in capacity and str(expiring) in capacity
    assert str(expiring) in client.get("/mentors/?only=expiring").content.decode()
    assert str(supervised) not in client.get("/mentors/?only=supervision").content.decode()
