"""Replays of what the probe found: dates at the calendar's ends, NUL bytes, Unicode digits, doubled decisions."""

import datetime
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases.models import Participant, Referral
from cases.services import referral_decide, referral_participant_resolve
from mentorprogram.roles import SLT_COORDINATOR
from mentorsessions.models import MentorSessionDraft
from tests.cases.factories import ReferralFactory
from tests.cases.test_referrals import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def slt(make_user):
    return make_user(SLT_COORDINATOR, first_name="Sigrun", last_name="Først")


@pytest.mark.parametrize("date_of_birth", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_intake_refuses_a_date_at_the_calendars_ends_and_keeps_the_text(client, slt, verified_login, date_of_birth):
    verified_login(client, slt)
    response = client.post("/cases/referrals/new/", form_data(date_of_birth=date_of_birth))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Skriv en dato mellom 01.01.1900 og 31.12.2100." in html
    assert "Eleven deler ekstremt materiale" in html  # the rest is kept
    assert not Referral.objects.exists()


@pytest.mark.parametrize("date_of_birth", ["0001-01-01", "9999-12-31"])
def test_the_duplicate_check_answers_a_date_at_the_calendars_ends(client, slt, verified_login, date_of_birth):
    verified_login(client, slt)
    data = {"first_name": "Ali", "last_name": "Hansen", "date_of_birth": date_of_birth}
    assert client.post("/cases/referrals/duplicates/", data).status_code == 200


def test_a_referral_stored_with_year_one_still_opens_for_triage(client, slt, verified_login):
    # Written before dates had bounds: the triage page must still answer.
    referral = ReferralFactory(date_of_birth=datetime.date(1, 1, 1))
    verified_login(client, slt)
    assert client.get(f"/cases/referrals/{referral.pk}/").status_code == 200


@pytest.mark.parametrize("page", ["²", "٣", "99999999999999999999", "-1", "1e3"])
def test_a_page_number_that_is_no_number_answers_the_first_or_last_page(client, slt, verified_login, page):
    verified_login(client, slt)
    for url in ("/cases/referrals/", "/cases/"):
        assert client.get(url, {"page": page}).status_code == 200


def test_unicode_digits_as_an_id_are_refused_in_forms(client, slt, verified_login):
    referral = ReferralFactory()
    verified_login(client, slt)
    response = client.post(f"/cases/referrals/{referral.pk}/participant/", {"participant": "²"})
    assert response.status_code == 400


def test_a_nul_byte_in_a_draft_is_left_out_and_said(client, team, verified_login):
    verified_login(client, team.mentor)
    response = client.post(f"/sessions/cases/{team.case.pk}/draft/", {"notes": "Hei\x00 der", "topics": ["family"]})
    assert response.status_code == 200
    assert "NUL" in response.content.decode()
    assert MentorSessionDraft.objects.get(case=team.case).data["notes"] == "Hei der"


def test_confirming_a_new_participant_twice_makes_one(slt):
    referral = ReferralFactory()
    referral_participant_resolve(actor=slt, referral=referral)
    with pytest.raises(ValidationError, match="allerede avklart av Sigrun Først"):
        referral_participant_resolve(actor=slt, referral=referral)
    assert Participant.objects.count() == 1


def test_confirming_twice_through_the_page_keeps_one_participant(client, slt, verified_login):
    referral = ReferralFactory()
    verified_login(client, slt)
    assert client.post(f"/cases/referrals/{referral.pk}/participant/", {"participant": "new"}).status_code == 302
    second = client.post(f"/cases/referrals/{referral.pk}/participant/", {"participant": "new"})
    assert second.status_code == 400 and "allerede avklart" in second.content.decode()
    assert Participant.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_deciding_at_once_the_second_is_told_who_decided(make_user):
    first = make_user(SLT_COORDINATOR, first_name="Sigrun", last_name="Først")
    second = make_user(SLT_COORDINATOR, first_name="Anders", last_name="Andre")
    referral = ReferralFactory()
    holding, go_on = threading.Event(), threading.Event()
    outcome = {}

    def decide_first():
        from django.db import transaction

        try:
            with transaction.atomic():
                Referral.objects.select_for_update().get(pk=referral.pk)  # hold the row as a slow decision would
                holding.set()
                go_on.wait(10)
                referral_decide(actor=first, referral=referral, decision="no_action", reason="Ikke i målgruppen.")
        finally:
            connection.close()

    def decide_second():
        try:
            holding.wait(10)
            referral_decide(actor=second, referral=referral, decision="forwarded", forwarded_to="NAV", reason="x")
        except ValidationError as exc:
            outcome["error"] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide_first), threading.Thread(target=decide_second)]
    for thread in threads:
        thread.start()
    holding.wait(10)
    go_on.set()  # the second is waiting for the lock by now, or soon will be: either way it must be told
    for thread in threads:
        thread.join(20)
    assert "allerede avgjort av Sigrun Først" in outcome.get("error", ""), outcome
    assert Referral.objects.get(pk=referral.pk).status == "no_action"


def test_a_submission_key_makes_a_second_intake_no_second_referral(client, slt, verified_login):
    verified_login(client, slt)
    key = str(uuid.uuid4())
    client.post("/cases/referrals/new/", form_data(submission_key=key))
    client.post("/cases/referrals/new/", form_data(submission_key=key))
    assert Referral.objects.count() == 1
