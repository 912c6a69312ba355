"""An identity number typed as on paper («DDMMYY NNNNN») is taken at intake and found by the duplicate check."""

import uuid

import pytest
from django.utils import timezone
from faker import Faker

from cases.models import Participant, Referral

pytestmark = pytest.mark.django_db


def test_a_spaced_identity_number_is_taken_and_matched(client, team, verified_login):
    national_id = Faker("no_NO").ssn(dob="20090304")
    spaced = f"{national_id[:6]} {national_id[6:]}"
    Participant.objects.filter(pk=team.case.participant_id).update(  # audit: test data
        national_id=national_id, date_of_birth="2009-03-04"
    )
    verified_login(client, team.slt)
    check = client.post(
        "/cases/referrals/duplicates/",
        {"first_name": "Helt", "last_name": "Annen", "date_of_birth": "2009-03-04", "national_id": spaced},
    )
    assert check.status_code == 200
    assert team.case.participant.last_name in check.content.decode()  # matched on the number, not the name
    response = client.post(
        "/cases/referrals/new/",
        {
            "submission_key": str(uuid.uuid4()),
            "urgency": "normal",
            "source": "school",
            "referrer_name": "Lærer Lund",
            "received_on": timezone.localdate().isoformat(),
            "concern": "Bekymring.",
            "first_name": "Helt",
            "last_name": "Annen",
            "date_of_birth": "2009-03-04",
            "national_id": spaced,
            "gender": "male",
            "guardians": "Mor, 900 00 000",
        },
    )
    body = response.content.decode()
    assert response.status_code == 302, body[body.find("error-summary") - 100 : body.find("error-summary") + 1500]
    assert Referral.objects.get(last_name="Annen").national_id == national_id
