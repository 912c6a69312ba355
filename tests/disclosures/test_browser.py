"""In Chromium: a mentor records a disclosure from a phone, an SLT coordinator breaks the glass, and every new
privacy-officer page passes axe-core."""

import re

import pytest

from cases.models import EmergencyAccess
from disclosures.models import Disclosure
from mentorprogram.roles import PRIVACY_OFFICER
from tests.mentorprogram.factories import current_code
from tests.mentorprogram.test_browser import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_mentor_records_a_disclosure_from_a_phone(live_server, browser, team, password):
    phone = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(phone, live_server, team.mentor, password, lands_on="/sessions/")
    phone.goto(f"{live_server.url}/cases/{team.case.pk}/")
    phone.get_by_role("link", name="Unntak fra taushetsplikt").click()
    phone.get_by_role("link", name="Registrer unntak fra taushetsplikt").click()
    phone.wait_for_url(re.compile(r"/disclosures/cases/\d+/new/$"))
    assert serious_violations(phone) == []
    phone.get_by_label("Opplysningsplikt til barnevernet (barnevernsloven § 13-2)").check()
    phone.get_by_label("Type mottaker").select_option("child_welfare")
    phone.get_by_label("Mottaker (påkrevd)", exact=True).fill("Barneverntjenesten, mottak")
    phone.get_by_label("Hva som ble delt").fill("At han ikke har vært hjemme på tre netter.")
    phone.get_by_label("Ja, deltakeren fikk vite det").check()
    phone.get_by_role("button", name="Registrer utleveringen").click()
    # No justification, no date for «told»: the form says so and keeps the text.
    assert "At han ikke har vært hjemme på tre netter." in phone.get_by_label("Hva som ble delt").input_value()
    assert phone.locator(".ds-error-summary").is_visible()
    assert serious_violations(phone) == []
    phone.get_by_label("Begrunnelse").fill("Alvorlig omsorgssvikt kan ikke utelukkes.")
    phone.get_by_label("Fikk vite dato").fill(phone.get_by_label("Delt dato").input_value())
    phone.get_by_role("button", name="Registrer utleveringen").click()
    phone.wait_for_url(re.compile(r"/disclosures/\d+/$"))
    assert "Utleveringen er registrert i registeret." in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(phone) == []
    assert Disclosure.objects.get().recipient == "Barneverntjenesten, mottak"


def test_emergency_access_and_the_privacy_officers_pages(live_server, browser, team, password, make_user):
    page = browser.new_page()
    log_in(page, live_server, team.slt, password)
    page.goto(f"{live_server.url}/cases/{team.case.pk}/emergency/")
    assert serious_violations(page) == []
    page.get_by_label("Fare for liv eller helse (nødrett, straffeloven § 17)").check()
    page.get_by_label("Hvorfor må du lese dette mentorløpet nå?").fill(
        "Akutt signal; mentor og koordinator svarer ikke."
    )
    page.get_by_label("Kode fra appen").fill(current_code(team.slt, offset_steps=1))
    page.get_by_role("button", name="Åpne nødtilgang").click()
    page.wait_for_url(f"{live_server.url}/cases/{team.case.pk}/")
    assert "Du leser dette mentorløpet med nødtilgang" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    assert EmergencyAccess.objects.get().user == team.slt

    officer = make_user(PRIVACY_OFFICER)
    desk = browser.new_page()
    log_in(desk, live_server, officer, password)
    participant = team.case.participant
    # A role asked for by an administrator waits for the officer (the decision form is on the page).
    from mentorprogram.models import RoleGrantRequest
    from mentorprogram.roles import ADMIN, SLT_COORDINATOR

    RoleGrantRequest.objects.create(user=make_user(otp=False), role=SLT_COORDINATOR, requested_by=make_user(ADMIN))
    for url in (
        "/account/roles/requests/",
        "/audit/",
        "/audit/emergency/",
        "/disclosures/",
        "/audit/retention/",
        f"/audit/subject-access/?participant_id={participant.pk}",
    ):
        desk.goto(f"{live_server.url}{url}")
        assert desk.locator("h1").count() == 1, url
        assert serious_violations(desk) == [], url
    desk.goto(f"{live_server.url}/audit/emergency/")
    desk.get_by_label("Berettiget", exact=True).check()
    desk.get_by_label("Hva du fant").fill("Akutt signal, riktig bruk.")
    desk.get_by_role("button", name="Registrer gjennomgangen").click()
    assert "Gjennomgangen er registrert." in desk.locator("main").inner_text()
