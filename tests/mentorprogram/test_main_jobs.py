"""Each role's main job in Chromium, from login to result, on the demo data: no status changed by hand, no 404.

The referrer's job (send a referral, see it received) is `tests/cases/test_referral_browser.py`; the steering
group's (open the published report, download its PDF) is `test_each_demo_user_logs_in_...` in test_browser.py.
"""

import re

import pytest

from tests.mentorprogram.test_browser import serious_violations, unfold
from tests.mentorprogram.test_walk import log_in_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser, live_server, username, **context):
    page = browser.new_context(**context).new_page()
    statuses = []
    page.on("response", lambda response: statuses.append((response.status, response.url)))
    log_in_demo(page, live_server, username)
    return page, statuses


def _no_errors(statuses):
    return [f"{status} {url}" for status, url in statuses if status >= 400]


def test_the_slt_coordinator_takes_an_acute_referral_to_an_active_case_with_a_mentor(live_server, browser, demo):
    from cases.models import Case, Referral

    page, statuses = _as(browser, live_server, "slt", viewport={"width": 1280, "height": 800})
    # The header on a desktop: the menu (the longest of any role) on one row, under the brand's.
    tops = page.eval_on_selector_all(".app-nav a", "links => links.map(a => Math.round(a.getBoundingClientRect().top))")
    assert len(set(tops)) == 1, tops
    # The start page: acute referrals first, a count and a link.
    page.get_by_role("link", name=re.compile("akutte bekymringsmeldinger")).click()
    page.wait_for_url("**/cases/referrals/")
    page.locator("tbody a").first.click()  # the queue puts the acute one first
    page.wait_for_url(re.compile(r"/cases/referrals/\d+/$"))
    referral = Referral.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert referral.urgency == Referral.Urgency.ACUTE
    page.get_by_label("Ny deltaker").check()
    page.get_by_role("button", name="Lagre").click()
    page.get_by_label("Godtatt").check()
    page.get_by_label("Spor for et nytt mentorløp").select_option("prevention")
    page.get_by_role("button", name="Registrer beslutningen").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "Neste steg: registrer kartleggingen" in page.locator("main").inner_text()
    # The assessment, then «Find a mentor» is the next step.
    page.get_by_label("Risikofaktorer").fill("Oppdiktet: deler voldelig materiale.")
    page.get_by_label("Beskyttelsesfaktorer").fill("Oppdiktet: nær kontakt med en eldre bror.")
    page.get_by_label("Oppsummering").fill("Oppdiktet: høy risiko; mentor anbefales raskt.")
    page.get_by_role("button", name="Lagre kartleggingen").click()
    page.get_by_text("Kartleggingen er lagret.").wait_for()
    page.get_by_role("region", name="Neste steg").get_by_role("link", name="Finn en mentor").click()
    page.wait_for_url(re.compile(r"/mentors/cases/\d+/$"))
    first = page.locator(".app-matches button").first
    mentor = first.inner_text().removeprefix("Tildel ")
    first.click()
    # The confirmation names the mentor, what they are told and where the case goes.
    page.get_by_role("heading", name=f"Tildele {mentor}?").wait_for()
    main = page.locator("main").inner_text()
    assert f"Tildele {mentor}?" in main and "Fra «Kartlegging» til «Aktiv»" in main and "Du er tildelt" in main
    assert serious_violations(page) == []
    page.get_by_role("button", name=f"Bekreft: tildel {mentor}").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    main = page.locator("main").inner_text()
    assert f"{mentor} er tildelt som mentor" in main and "Aktiv" in main
    referral.refresh_from_db()
    case = Case.objects.get(pk=referral.case_id)
    assert case.status == Case.Status.ACTIVE
    assert list(case.status_changes.order_by("pk").values_list("to_status", flat=True))[-2:] == ["matching", "active"]
    assert _no_errors(statuses) == []


def test_the_coordinator_finds_what_is_due_and_acknowledges_the_concern(live_server, browser, demo):
    page, statuses = _as(browser, live_server, "koordinator")
    # The case list, filtered to what is due: one case has an open concern signal; the plan's case shows its date.
    page.goto(f"{live_server.url}/cases/?due=open_signal")
    assert page.locator("main tbody tr").count() == 1
    page.goto(f"{live_server.url}/cases/")
    next_due = page.locator("main tbody tr td:last-child").all_inner_texts()
    assert any(re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", text.strip()) for text in next_due), next_due
    assert serious_violations(page) == []
    # The start page: their cases with an open concern signal, a count and a link.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=re.compile("åpne bekymringssignaler i dine mentorløp")).click()
    page.wait_for_url("**/sessions/overview/")
    page.locator("main h3 a").first.click()  # the open signal, most serious first
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    page.get_by_label("Hva har du gjort, eller hva skal du gjøre?").fill(
        "Ringte mentoren; vi møter deltakeren i morgen."
    )
    page.get_by_role("button", name="Kvitter for signalet").click()
    page.get_by_text("Kvittert av").first.wait_for()
    page.goto(f"{live_server.url}/cases/?due=open_signal")
    assert "Ingen av mentorløpene dine passer med filtrene." in page.locator("main").inner_text()
    assert _no_errors(statuses) == []


def test_the_mentor_logs_a_session_from_a_phone_in_about_two_screens(live_server, browser, demo):
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    page, statuses = _as(browser, live_server, "mentor", **phone)
    page.wait_for_url("**/sessions/")
    page.get_by_role("link", name=re.compile("^Før en samtale")).first.click()
    page.wait_for_url(re.compile(r"/sessions/cases/\d+/new/$"))
    form_height = page.evaluate("document.querySelector('main form').getBoundingClientRect().height")
    assert form_height <= 2.2 * 844, f"the session form is {form_height / 844:.1f} phone screens"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_label("Uendret").is_checked()  # «Fremgang» has a default
    assert not page.get_by_label("Hva er du bekymret for?").is_visible()  # asked only with a concern
    page.get_by_label("Notater").fill("Oppdiktet: snakket om skole og trening; god stemning.")
    unfold(page, "Hva snakket dere om?")
    page.get_by_label("Skole eller arbeid").check()
    page.get_by_role("button", name="Lagre samtalen").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    assert "Samtalen er lagret." in page.locator("main").inner_text()
    assert _no_errors(statuses) == []


def test_the_privacy_officer_answers_who_has_read_a_participant(live_server, browser, demo):
    from cases.models import Case

    participant = Case.objects.order_by("pk").first().participant
    page, statuses = _as(browser, live_server, "personvern")
    page.get_by_role("link", name="Hvem har lest hva").first.click()
    page.wait_for_url("**/audit/access/")
    page.get_by_label("Deltaker").fill(participant.last_name)
    with page.expect_navigation():
        page.get_by_role("button", name="Søk").click()
    if page.get_by_role("heading", name="Hvilken deltaker?").count():
        page.get_by_role("link", name=re.compile(str(participant))).click()
    summary = page.locator("main").inner_text()
    assert "Hvem har lest" in summary
    assert serious_violations(page) == []
    assert _no_errors(statuses) == []


def test_the_administrator_creates_an_account_and_the_role_is_asked_for(live_server, browser, demo):
    from mentorprogram.models import User

    page, statuses = _as(browser, live_server, "admin")
    page.goto(f"{live_server.url}/admin/mentorprogram/user/add/")
    page.get_by_label("Brukernavn").fill("ny.koordinator")
    page.get_by_label("Fornavn").fill("Nina")
    page.get_by_label("Etternavn").fill("Nyansatt")
    page.get_by_label("E-postadresse").fill("nina@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre", exact=True).click()
    page.get_by_label("Koordinator", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre", exact=True).click()
    page.get_by_text("Rollen «Koordinator» gis ikke av én administrator alene: den er bedt om").wait_for()
    user = User.objects.get(username="ny.koordinator")
    assert not user.groups.exists()  # asked for, not given by one administrator
    assert _no_errors(statuses) == []
