"""In Chromium at a phone's size: a mentor logs a session with a concern, the coordinator has it seconds later.

A real Celery worker runs the outbox, as in production.
"""

import re
import time

import pytest

from mentorsessions.models import ConcernSignal, MentorSession, MentorSessionDraft
from tests.mentorprogram.test_browser import log_in, serious_violations, unfold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(own_worker):
    return own_worker()


PHONE = {"width": 390, "height": 844}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_mentor_logs_a_concern_from_a_phone_and_the_coordinator_sees_it(live_server, browser, team, password, worker):
    phone = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(phone, live_server, team.mentor, password, lands_on="/sessions/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Mine deltakere"
    assert fits_the_screen(phone)
    assert serious_violations(phone) == []

    started = time.monotonic()
    phone.get_by_role("link", name=re.compile("^Før en samtale")).click()
    phone.wait_for_url(re.compile(r"/sessions/cases/\d+/new/$"))
    assert fits_the_screen(phone)
    phone.get_by_label("Telefonsamtale").check()
    unfold(phone, "Hva snakket dere om?")  # the topics are folded
    phone.get_by_label("Skole eller arbeid").check()
    phone.get_by_label("Notater").fill("Han har sluttet å gå på skolen og snakker om et forum.")
    phone.get_by_label("Noe fremgang").check()
    phone.get_by_label("Alvorlig bekymring").check()
    phone.get_by_label("Hva er du bekymret for?").fill("Deler lenker til en voldelig gruppe.")
    unfold(phone, "Neste møte og avtalt steg")  # folded too
    phone.get_by_label("Avtalt neste steg").fill("Ringe ham på torsdag.")
    assert serious_violations(phone) == []
    phone.get_by_role("button", name="Lagre samtalen").click()
    phone.wait_for_url(re.compile(r"/sessions/\d+/$"))
    assert "Samtalen er lagret." in phone.locator("main").inner_text()
    assert time.monotonic() - started < 60
    assert fits_the_screen(phone)
    assert serious_violations(phone) == []
    signal = ConcernSignal.objects.get()
    assert signal.level == "serious" and signal.session.mode == MentorSession.Mode.PHONE

    desk = browser.new_page()
    log_in(desk, live_server, team.coordinator, password)
    deadline = time.monotonic() + 30
    while True:
        desk.goto(f"{live_server.url}/notifications/")
        if f"Bekymringssignal i mentorløp {team.case.pk}: Alvorlig bekymring" in desk.locator("main").inner_text():
            break
        assert time.monotonic() < deadline, "the concern signal did not reach the coordinator within 30 seconds"
        time.sleep(0.5)
    desk.goto(f"{live_server.url}/sessions/{signal.session_id}/")
    desk.get_by_label("Hva har du gjort, eller hva skal du gjøre?").fill("Ringte mentoren og skolen.")
    desk.get_by_role("button", name="Kvitter for signalet").click()
    assert "Signalet er kvittert" in desk.locator("main").inner_text()
    signal.refresh_from_db()
    assert signal.acknowledged_by == team.coordinator


def test_what_the_mentor_typed_survives_a_reload_and_a_lost_connection(live_server, browser, team, password):
    phone = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(phone, live_server, team.mentor, password, lands_on="/sessions/")
    url = f"{live_server.url}/sessions/cases/{team.case.pk}/new/"
    phone.goto(url)
    phone.get_by_label("Notater").fill("Første del av notatet.")
    unfold(phone, "Hva snakket dere om?")
    phone.get_by_label("Familie").check()
    status = phone.locator("#draft-status")
    status.filter(has_text="Utkast lagret").wait_for()

    # A reload (or coming back later, from another device) brings the server's draft back.
    phone.reload()
    assert phone.get_by_label("Notater").input_value() == "Første del av notatet."
    assert phone.get_by_label("Familie").is_checked()

    # The connection drops: the autosave cannot reach the server, the tab still holds the text.
    phone.route("**/draft/", lambda route: route.abort())
    phone.get_by_label("Notater").fill("Første del av notatet. Og det jeg skrev uten nett.")
    phone.wait_for_timeout(2500)  # the autosave tried and failed
    phone.unroute("**/draft/")
    phone.reload()
    assert phone.get_by_label("Notater").input_value() == "Første del av notatet. Og det jeg skrev uten nett."
    # ...and the server's draft catches up.
    deadline = time.monotonic() + 10
    while MentorSessionDraft.objects.get().data.get("notes") != "Første del av notatet. Og det jeg skrev uten nett.":
        assert time.monotonic() < deadline, "the server's draft did not catch up"
        time.sleep(0.2)
    phone.get_by_label("Varighet i minutter").fill("40")
    phone.get_by_label("Uendret").check()
    phone.get_by_role("button", name="Lagre samtalen").click()
    phone.wait_for_url(re.compile(r"/sessions/\d+/$"))
    assert MentorSession.objects.get().notes == "Første del av notatet. Og det jeg skrev uten nett."
    # Saved: the tab forgets the draft, and a new session starts empty.
    phone.goto(url)
    assert phone.get_by_label("Notater").input_value() == ""
