"""In Debian's Chromium through Playwright: log in, land, and pass axe-core."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.mentorprogram.factories import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def test_it_logs_in_and_lands_on_the_start_page(live_server, page, user, password):
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(password)
    page.get_by_label("Engangskode").fill(current_code(user))
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Velkommen, {user.get_full_name()}"


def test_the_login_page_passes_axe(live_server, page):
    page.goto(f"{live_server.url}/login/")
    assert serious_violations(page) == []


def test_the_login_page_with_errors_passes_axe(live_server, page):
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_selector(".ds-error-summary")
    assert serious_violations(page) == []


def log_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(password)
    page.get_by_label("Engangskode").fill(current_code(user))
    page.keyboard.press("Enter")  # works by keyboard alone
    page.wait_for_url(f"{live_server.url}/")


def test_the_landing_page_passes_axe(live_server, page, user, password):
    log_in(page, live_server, user, password)
    assert serious_violations(page) == []


def test_the_skip_link_is_the_first_stop_for_the_keyboard(live_server, page, user, password):
    log_in(page, live_server, user, password)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Hopp til hovedinnholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
