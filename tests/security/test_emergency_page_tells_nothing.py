"""The emergency-access page answers every case number alike until a form with a valid code is sent."""

import re

import pytest

from cases.models import Case, EmergencyAccess
from mentorprogram.roles import COORDINATOR
from tests.cases.factories import CaseFactory
from tests.mentorprogram.factories import current_code

pytestmark = pytest.mark.django_db


def _form_only(response) -> str:
    """The page's main content with the number itself taken out: what differs between numbers."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_open_closed_and_missing_cases_get_the_same_page(client, team, make_user, verified_login):
    outsider = make_user(COORDINATOR)
    closed = CaseFactory(status=Case.Status.CLOSED)
    missing = max(Case.objects.values_list("pk", flat=True)) + 100
    verified_login(client, outsider)
    pages = {}
    for pk in (team.case.pk, closed.pk, missing):
        response = client.get(f"/cases/{pk}/emergency/")
        assert response.status_code == 200
        page = re.sub(r'<span class="app-subtitle">[^<]*</span>', "", _form_only(response))
        pages[pk] = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)  # masked anew each time
    assert len(set(pages.values())) == 1


def test_a_missing_or_closed_case_is_said_only_after_a_valid_code(client, make_user, verified_login):
    outsider = make_user(COORDINATOR)
    closed = CaseFactory(status=Case.Status.CLOSED)
    verified_login(client, outsider)
    data = {"legal_basis": "danger", "reason": "Akutt fare."}
    right = client.post(f"/cases/{closed.pk}/emergency/", {**data, "otp_token": current_code(outsider)})
    assert right.status_code == 400 and "kan ikke åpnes" in right.content.decode()
    assert "Akutt fare." in right.content.decode()  # what was typed is kept
    # Without a valid code the number's fate is not told (and failures slow the authenticator down).
    wrong = client.post("/cases/999999/emergency/", {**data, "otp_token": "000000"})
    assert wrong.status_code == 400 and "Koden er feil" in wrong.content.decode()
    assert "kan ikke åpnes" not in wrong.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_an_open_case_still_opens(client, team, make_user, verified_login):
    outsider = make_user(COORDINATOR)
    verified_login(client, outsider)
    data = {"legal_basis": "danger", "reason": "Akutt fare.", "otp_token": current_code(outsider)}
    response = client.post(f"/cases/{team.case.pk}/emergency/", data)
    assert response.status_code == 302 and response.url == f"/cases/{team.case.pk}/"
    assert EmergencyAccess.objects.filter(case=team.case, user=outsider).exists()
