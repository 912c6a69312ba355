"""In Chromium: a privacy officer answers «who has read this participant's case this year» in one search."""

import pytest

from mentorprogram.roles import PRIVACY_OFFICER
from tests.mentorprogram.factories import verified_login
from tests.mentorprogram.test_browser import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_privacy_officer_finds_who_read_a_participant_in_one_search(live_server, page, team, make_user, password):
    from django.test import Client

    reader = Client()
    verified_login(reader, team.mentor)
    assert reader.get(f"/cases/{team.case.pk}/").status_code == 200
    officer = make_user(PRIVACY_OFFICER, first_name="Pia", last_name="Personvern")
    participant = team.case.participant

    log_in(page, live_server, officer, password)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Hvem har lest hva").click()
    page.wait_for_url(f"{live_server.url}/audit/access/")
    assert serious_violations(page) == []
    page.get_by_label("Deltaker").fill(f"{participant.first_name} {participant.last_name}")
    page.keyboard.press("Enter")  # the «from» date is already the first of January
    page.wait_for_selector("h2:has-text('Lesinger av')")
    readers, found = page.locator("tbody").first.inner_text(), page.locator("tbody").last.inner_text()
    assert "Mats Mentor" in readers and "Pia Personvern" in readers  # the answer first: one line a reader
    assert "Mats Mentor" in found
    assert "Pia Personvern" in found  # the search itself read the participant, and says so
    assert serious_violations(page) == []
