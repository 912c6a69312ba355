"""In Chromium: an SLT coordinator matches a case and only the chosen mentor gets in."""

import pytest

from cases.models import CaseWishes
from mentorprogram.roles import SLT_COORDINATOR
from tests.cases.factories import CaseFactory
from tests.mentorprogram.test_browser import log_in, serious_violations
from tests.mentors.factories import MentorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_slt_coordinator_matches_and_only_the_chosen_mentor_gets_in(live_server, browser, make_user, password):
    slt = make_user(SLT_COORDINATOR)
    case = CaseFactory(status="matching")
    CaseWishes.objects.create(case=case, preferred_language="somali", interests=["fotball"], updated_by=slt)
    chosen = MentorFactory(languages=["somali", "norsk"], interests=["fotball"])
    other = MentorFactory()
    unqualified = MentorFactory(qualified=False)

    page = browser.new_page()
    log_in(page, live_server, slt, password)
    page.goto(f"{live_server.url}/mentors/cases/{case.pk}/")
    main = page.locator("main").inner_text()
    assert main.index(str(chosen)) < main.index(str(other))
    assert "snakker språket" in main and "felles: fotball" in main
    assert f"{unqualified}: ingen politiattest, ingen signert taushetserklæring" in main
    assert serious_violations(page) == []
    page.get_by_role("button", name=f"Tildel {chosen}").click()
    page.get_by_text("Fra «Kobling» til «Aktiv»").wait_for()
    assert serious_violations(page) == []
    page.get_by_role("button", name=f"Bekreft: tildel {chosen}").click()
    page.wait_for_url(f"{live_server.url}/mentors/cases/{case.pk}/")
    assert f"{chosen} er tildelt som mentor" in page.locator("main").inner_text()
    page.close()

    for mentor, expected in ((chosen, 200), (other, 404)):
        page = browser.new_page()
        log_in(page, live_server, mentor.user, password, lands_on="/sessions/")
        response = page.goto(f"{live_server.url}/cases/{case.pk}/")
        assert response.status == expected
        page.close()
