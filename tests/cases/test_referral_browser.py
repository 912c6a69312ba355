"""End to end in Chromium: a referral from the referrer's form to an open case with consent and assessment."""

import datetime

import pytest
from pypdf import PdfReader

from mentorprogram.roles import REFERRER, SLT_COORDINATOR
from tests.cases.factories import ParticipantFactory
from tests.mentorprogram.test_browser import log_in, serious_violations, unfold
from tests.mentorprogram.test_oidc_browser import linked, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_referral_goes_from_intake_to_an_open_case(live_server, browser, make_user, password, oidc_provider):
    slt = make_user(SLT_COORDINATOR)
    # The teacher has no password here: the school's login (the municipality's provider) with two factors.
    linked(make_user, oidc_provider, "laerer-fjellvoll", REFERRER, otp=False)
    oidc_provider.next(amr=["pwd", "mfa"])
    known = ParticipantFactory(first_name="Mohammed", last_name="Kristiansen", date_of_birth=datetime.date(2009, 3, 4))

    # The referrer sends it from the school.
    page = browser.new_page()
    sign_in(page, live_server, "laerer-fjellvoll")
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Ny bekymringsmelding").first.click()
    assert not page.get_by_text("Ring politiet på 112 hvis noen er i fare nå.").is_visible()
    page.get_by_label("Akutt fare").check()
    assert page.get_by_text("Ring politiet på 112 hvis noen er i fare nå.").is_visible()  # at once, no round trip
    page.get_by_label("Normal").check()
    assert serious_violations(page) == []
    page.get_by_label("Kilde").select_option("school")
    page.get_by_label("Virksomhet").fill("Fjellvoll ungdomsskole")
    page.get_by_label("Melders telefon").fill("900 00 000")
    page.get_by_label("Bekymringen").fill("Deler ekstremt materiale i klassechatten og har trukket seg fra vennene.")
    page.get_by_label("Interesse for ekstreme ideologier").check()
    page.get_by_label("Fornavn").fill("Muhammad")
    page.get_by_label("Etternavn").fill("Christiansen")
    page.get_by_label("Fødselsdato").fill("2009-03-04")
    page.get_by_label("Foresatte").fill("Mor, 911 11 111")
    page.get_by_role("button", name="Send bekymringsmelding").click()
    # A receipt: the reference, what was sent, what happens next; and the same as a PDF to keep.
    page.wait_for_url("**/cases/referrals/*/receipt/")
    receipt = page.locator("main").inner_text()
    reference = page.locator("main dd strong").first.inner_text()
    assert reference.startswith("BM-") and "Christiansen" in receipt and "Hva som skjer videre" in receipt
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned kvitteringen som PDF").click()
    pdf = PdfReader(download.value.path())
    assert (
        reference in pdf.pages[0].extract_text() and download.value.suggested_filename == f"kvittering-{reference}.pdf"
    )
    page.get_by_role("link", name="Mine bekymringsmeldinger").first.click()
    page.wait_for_url("**/cases/referrals/mine/")
    assert "Mottatt" in page.locator("main").inner_text() and reference in page.locator("main").inner_text()
    page.close()

    # The SLT coordinator finds it in the queue, settles the participant and accepts.
    page = browser.new_page()
    log_in(page, live_server, slt, password)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Bekymringsmeldinger").click()
    assert serious_violations(page) == []
    page.locator("tbody a").first.click()
    page.wait_for_url("**/cases/referrals/*/")
    match = page.get_by_label("Mohammed Kristiansen", exact=False)
    assert "lignende navn" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    match.check()
    page.get_by_role("button", name="Lagre").click()
    assert "Koblet til en kjent deltaker" in page.locator("main").inner_text()
    page.get_by_label("Godtatt").check()
    page.get_by_label("Spor for et nytt mentorløp").select_option("prevention")
    page.get_by_role("button", name="Registrer beslutningen").click()
    page.wait_for_url("**/cases/*/")
    assert page.get_by_role("heading", level=1).inner_text() == str(known)

    # On the case: consent and assessment, then the timeline tells it all.
    unfold(page, "Registrer et samtykke")
    page.get_by_label("NAV", exact=True).check()
    page.get_by_label("Skole", exact=True).check()
    page.get_by_label("Deltakeren").check()
    page.get_by_role("button", name="Registrer samtykket").click()
    page.get_by_text("Samtykket er registrert.").wait_for()
    # No assessment yet: the form is open, and the next step says so.
    assert "Registrer kartleggingen" in page.get_by_role("region", name="Neste steg").inner_text()
    page.get_by_label("Risikofaktorer").fill("Søker tilhørighet i et ekstremt miljø på nett.")
    page.get_by_label("Beskyttelsesfaktorer").fill("God kontakt med mor og fotballtrener.")
    page.get_by_label("Oppsummering").fill("Moderat risiko; mentor anbefales.")
    page.get_by_role("button", name="Lagre kartleggingen").click()
    page.get_by_text("Kartleggingen er lagret.").wait_for()
    assert serious_violations(page) == []
    timeline = page.locator(".app-timeline").inner_text()
    for step in (
        "mottatt fra Skole",
        "godtatt",
        "Mentorløp opprettet",
        "Koordinator tildelt",
        "Samtykke registrert (NAV, Skole)",
        "Risiko- og behovskartlegging registrert",
    ):
        assert step in timeline, step
    assert "Gjelder" in page.locator("main").inner_text()  # the consent is in force


def test_the_slt_coordinator_sees_known_participants_while_typing_a_referral(live_server, page, make_user, password):
    slt = make_user(SLT_COORDINATOR)
    ParticipantFactory(first_name="Kari", last_name="Kristiansen", date_of_birth=datetime.date(2008, 5, 1))
    log_in(page, live_server, slt, password)
    page.goto(f"{live_server.url}/cases/referrals/new/")
    page.get_by_label("Fornavn").fill("Kari")
    page.get_by_label("Etternavn").fill("Christiansen")
    page.get_by_label("Fødselsdato").fill("2008-05-01")
    page.get_by_label("Fødselsdato").blur()
    page.wait_for_selector("#duplicate-check .ds-alert")
    assert "Kari Kristiansen" in page.locator("#duplicate-check").inner_text()
    assert serious_violations(page) == []
