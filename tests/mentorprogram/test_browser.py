"""In Debian's Chromium through Playwright: log in, land, and pass axe-core."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.mentorprogram.factories import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def unfold(page, summary: str) -> None:
    """Open a folded section (a ds-details) by its summary and wait until it has opened: its content grows for
    0.4 s, and a click meanwhile can land on a field still clipped by it and change nothing."""
    page.get_by_text(summary).click()
    page.wait_for_function(
        "() => document.getAnimations().every((a) => a.playState !== 'running'"
        " || a.effect.getComputedTiming().iterations === Infinity)"  # a spinner never ends
    )


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


def log_in(page, live_server, user, password, *, lands_on="/"):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(password)
    page.get_by_label("Engangskode").fill(current_code(user))
    page.keyboard.press("Enter")  # works by keyboard alone
    page.wait_for_url(f"{live_server.url}{lands_on}")


def test_the_landing_page_passes_axe(live_server, page, user, password):
    log_in(page, live_server, user, password)
    assert serious_violations(page) == []


def test_the_api_documentation_passes_axe_and_reflows_on_a_phone(live_server, page, user, password):
    log_in(page, live_server, user, password)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/developers/api/")
    assert page.get_by_role("heading", level=1).inner_text() == "API-et (versjon 1)"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert serious_violations(page) == []


def test_the_skip_link_is_the_first_stop_for_the_keyboard(live_server, page, user, password):
    log_in(page, live_server, user, password)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Hopp til hovedinnholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_each_demo_user_logs_in_with_two_factors_and_lands_on_their_page(live_server, page, demo):
    from mentorprogram.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS
    from mentorprogram.models import User
    from mentorprogram.roles import MENTOR, ROLES_BY_SLUG, STEERING_GROUP

    for username, role in DEMO_USERS:
        user = User.objects.get(username=username)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Brukernavn").fill(username)
        page.get_by_label("Passord").fill(DEMO_PASSWORD)
        page.get_by_label("Engangskode").fill(current_code(user))
        page.keyboard.press("Enter")
        if role == MENTOR:  # a mentor's own start page: their participants, with the demo sessions
            page.wait_for_url(f"{live_server.url}/sessions/")
            assert "Mine deltakere" in page.locator("main").inner_text()
            assert serious_violations(page) == []
        elif role == STEERING_GROUP:  # the published reports: last quarter's, from the demo data
            page.wait_for_url(f"{live_server.url}/reports/")
            page.locator("main table a").first.click()
            page.wait_for_url(re.compile(r"/reports/\d+/$"))
            assert "Bekymringsmeldinger etter kilde og måned" in page.locator("main").inner_text()
            assert serious_violations(page) == []
            with page.expect_download() as download:
                page.get_by_role("link", name="Last ned rapporten (PDF)").click()
            assert download.value.suggested_filename.startswith("styringsrapport-")
        else:
            page.wait_for_url(f"{live_server.url}/")
            assert str(ROLES_BY_SLUG[role].name) in page.locator("main").inner_text()
        page.get_by_role("button", name="Logg ut").click()
        page.wait_for_url(f"{live_server.url}/login/")


def test_a_new_user_enrols_an_authenticator_in_the_browser(live_server, page, make_user, password):
    import base64

    from django_otp.oath import totp

    from mentorprogram.roles import MENTOR

    user = make_user(MENTOR, otp=False)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/account/two-factor/setup/**")
    assert serious_violations(page) == []
    key = page.locator(".app-key").inner_text().replace(" ", "")
    key_bytes = base64.b32decode(key + "=" * (-len(key) % 8))
    page.get_by_label("Kode fra appen").fill(f"{totp(key_bytes):06d}")
    page.get_by_role("button", name="Bekreft").click()
    page.wait_for_url("**/account/two-factor/backup-codes/**")
    assert page.locator(".app-codes li").count() == 10
    assert serious_violations(page) == []
    page.get_by_role("link", name="Jeg har tatt vare på kodene").click()
    page.wait_for_url(f"{live_server.url}/sessions/")  # a mentor's start page
    assert "Mine deltakere" in page.locator("main").inner_text()


def test_the_notification_centre_shows_the_unread_count_and_passes_axe(live_server, page, make_user, password):
    from mentorprogram.roles import MENTOR
    from notifications.models import Notification

    user = make_user(MENTOR)
    Notification.objects.create(
        recipient=user,
        kind=Notification.Kind.ASSIGNED_TO_CASE,
        params={"case": 4, "as": "mentor"},
        url="/cases/4/",
        dedup_key="a",
    )
    log_in(page, live_server, user, password, lands_on="/sessions/")
    page.get_by_role("link", name="Varsler 1 ulest").click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert "Du er tildelt mentorløp 4 som mentor." in page.locator("main").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Merk som lest").click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert page.get_by_role("link", name="Varsler", exact=True).is_visible()
    page.goto(f"{live_server.url}/notifications/settings/")
    assert serious_violations(page) == []
