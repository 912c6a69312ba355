"""In Chromium: a coordinator makes a plan from consent to handover, the participant's PDF holds it all, and the
mentor reads it from a phone."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from individualplans.models import CoordinatorPeriod, IndividualPlan
from mentorprogram.roles import COORDINATOR
from tests.mentorprogram.test_browser import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_plan_from_consent_to_handover_and_the_mentor_reads_it_on_a_phone(
    live_server, browser, team, password, make_user
):
    successor = make_user(COORDINATOR, first_name="Nina", last_name="Nyberg")
    page = browser.new_page()
    log_in(page, live_server, team.coordinator, password)
    page.goto(f"{live_server.url}/cases/{team.case.pk}/")
    page.get_by_role("link", name="Start en individuell plan").click()

    # Step 1: the consent, with the services taking part (the mentor among them).
    page.wait_for_url(re.compile(r"/plans/cases/\d+/new/$"))
    assert serious_violations(page) == []
    for service in ("Mentor", "NAV", "Skole"):
        page.get_by_label(service, exact=True).check()
    page.get_by_label("Deltakeren", exact=True).check()
    page.get_by_role("button", name="Registrer samtykket").click()

    # Step 2: the plan, in the participant's words.
    page.get_by_label("Det som er viktig for deltakeren").fill("Å fullføre skolen og få en sommerjobb.")
    page.get_by_label("NAV", exact=True).check()
    page.get_by_label("Skole", exact=True).check()
    page.get_by_role("button", name="Start planen").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    assert serious_violations(page) == []
    plan = IndividualPlan.objects.get()

    # Goals in three life areas; measures from two services.
    target = (timezone.localdate() + datetime.timedelta(days=120)).isoformat()
    for area, wording in (
        ("education", "Bestå matte og norsk til sommeren."),
        ("work", "Få en sommerjobb."),
        ("housing", "Bo trygt hjemme."),
    ):
        page.get_by_role("link", name="Legg til et mål").click()
        page.get_by_label("Livsområde").select_option(area)
        page.get_by_label("Målet, med deltakerens egne ord").fill(wording)
        page.get_by_label("Pågår").check()
        page.get_by_label("Måldato").fill(target)
        page.get_by_role("button", name="Lagre").click()
        page.wait_for_url(f"{live_server.url}/plans/{plan.pk}/")
    for goal_wording, service, what, who in (
        ("Bestå matte og norsk til sommeren.", "school", "Leksehjelp to dager i uka.", "Lærer Berg"),
        ("Få en sommerjobb.", "nav", "Jobbsøkerkurs.", "Veileder Ali"),
    ):
        card = page.locator(".ds-card", has_text=goal_wording)
        card.get_by_role("link", name="Legg til et tiltak").click()
        assert serious_violations(page) == []
        page.get_by_label("Hva skal gjøres").fill(what)
        page.get_by_label("Ansvarlig tjeneste").select_option(service)
        page.get_by_label("Ansvarlig person").fill(who)
        page.get_by_label("Planlagt").check()
        page.get_by_role("button", name="Lagre").click()
        page.wait_for_url(f"{live_server.url}/plans/{plan.pk}/")

    # An evaluation.
    page.get_by_role("link", name="Registrer en evaluering").click()
    page.get_by_label("Hvordan har det gått siden sist?").fill("God framgang på skolen.")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(f"{live_server.url}/plans/{plan.pk}/")
    assert "Evalueringen er registrert." in page.locator("main").inner_text()

    # The handover: the successor is responsible from now, and the old coordinator no longer reads the plan.
    page.get_by_role("link", name="Overfør til en annen koordinator").click()
    assert serious_violations(page) == []
    page.get_by_label("Ny koordinator").select_option(str(successor.pk))
    page.get_by_label("Overføringsnotat").fill("Evaluering om tre måneder; mor er viktig å ha med.")
    page.get_by_role("button", name="Overfør planen").click()
    page.wait_for_url(f"{live_server.url}/plans/")
    assert "Planen er overført til Nina Nyberg" in page.locator("main").inner_text()
    assert page.goto(f"{live_server.url}/plans/{plan.pk}/").status == 404
    assert CoordinatorPeriod.objects.get(plan=plan, period__upper_inf=True).coordinator == successor

    # The mentor, on a phone: the plan from the case page, no sideways scrolling, and the participant's PDF.
    phone = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(phone, live_server, team.mentor, password, lands_on="/sessions/")
    phone.goto(f"{live_server.url}/cases/{team.case.pk}/")
    phone.get_by_role("link", name="Åpne den individuelle planen").click()
    phone.wait_for_url(f"{live_server.url}/plans/{plan.pk}/")
    main = phone.locator("main").inner_text()
    assert "Få en sommerjobb." in main and "Nina Nyberg" in main
    assert "Legg til et mål" not in main  # the mentor reads, never edits
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(phone) == []
    pdf = phone.request.get(f"{live_server.url}/plans/{plan.pk}/plan.pdf")
    assert pdf.status == 200
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).split())
    for expected in (
        "Å fullføre skolen og få en sommerjobb.",
        "Utdanning",
        "Arbeid og aktivitet",
        "Bolig",
        "Leksehjelp to dager i uka.",
        "Lærer Berg (Skole)",
        "Veileder Ali (NAV)",
        "God framgang på skolen.",
        "Koordinatoren din er Nina Nyberg",
    ):
        assert expected in text, expected
