"""The plan's pages: forms that keep what was typed, a conflict that overwrites nothing, the participant's PDF."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessEvent
from individualplans.models import IndividualPlan, PlanGoal
from mentorprogram.partners import PartnerService
from tests.individualplans.factories import add_goal, add_measure, consent_to_plan, evaluate, start_plan

pytestmark = pytest.mark.django_db

PLAN_PAGE_QUERIES = 14


@pytest.fixture
def plan(team):
    plan = start_plan(team.coordinator, team.case, participant_words="Jeg vil klare skolen og ha en jobb.")
    goal = add_goal(team.coordinator, plan, life_area="education", wording="Bestå matte i vår.")
    add_measure(team.coordinator, goal, service=PartnerService.SCHOOL, responsible_person="Lærer Berg")
    add_measure(
        team.coordinator,
        add_goal(team.coordinator, plan, life_area="work", wording="Sommerjobb."),
        service=PartnerService.NAV,
        description="Jobbsøkerkurs hos NAV.",
        responsible_person="Veileder Ali",
    )
    return plan


def test_start_a_plan_from_the_case_in_two_steps(client, team, verified_login):
    verified_login(client, team.coordinator)
    case_page = client.get(f"/cases/{team.case.pk}/").content.decode()
    assert "Start en individuell plan" in case_page
    page = client.get(f"/plans/cases/{team.case.pk}/new/").content.decode()
    assert "Steg 1 av 2" in page
    # No service named: told so, and what was typed is kept.
    response = client.post(
        f"/plans/cases/{team.case.pk}/new/",
        {
            "step": "consent",
            "consent-given_by": "guardian",
            "consent-guardian_name": "Mor Hansen",
            "consent-valid_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Velg minst én tjeneste som deltar i planen." in response.content.decode()
    assert "Mor Hansen" in response.content.decode()
    client.post(
        f"/plans/cases/{team.case.pk}/new/",
        {
            "step": "consent",
            "consent-services": ["mentor", "nav"],
            "consent-given_by": "participant",
            "consent-valid_from": timezone.localdate().isoformat(),
        },
    )
    assert "Steg 2 av 2" in client.get(f"/plans/cases/{team.case.pk}/new/").content.decode()
    # An evaluation due today is refused; the words stay.
    refused = client.post(
        f"/plans/cases/{team.case.pk}/new/",
        {
            "step": "plan",
            "plan-coordinator": str(team.coordinator.pk),
            "plan-first_evaluation_on": timezone.localdate().isoformat(),
            "plan-participant_words": "Mine ord",
        },
    )
    assert refused.status_code == 400
    assert (
        "Neste evaluering må være etter i dag." in refused.content.decode() and "Mine ord" in refused.content.decode()
    )
    # A service outside the consent is refused by the service, at its field.
    refused = client.post(
        f"/plans/cases/{team.case.pk}/new/",
        {
            "step": "plan",
            "plan-coordinator": str(team.coordinator.pk),
            "plan-services": ["police"],
            "plan-first_evaluation_on": (timezone.localdate() + datetime.timedelta(30)).isoformat(),
        },
    )
    assert "Ikke dekket av deltakerens samtykke til planen: Politi" in refused.content.decode()
    response = client.post(
        f"/plans/cases/{team.case.pk}/new/",
        {
            "step": "plan",
            "plan-coordinator": str(team.coordinator.pk),
            "plan-services": ["nav"],
            "plan-first_evaluation_on": (timezone.localdate() + datetime.timedelta(30)).isoformat(),
        },
    )
    plan = IndividualPlan.objects.get()
    assert response.status_code == 302 and response.url == f"/plans/{plan.pk}/"
    assert "Samtykke til individuell plan" in client.get(f"/cases/{team.case.pk}/").content.decode()


def test_a_conflicting_edit_keeps_what_was_typed_and_shows_what_is_saved(client, team, verified_login, plan):
    goal = PlanGoal.objects.get(plan=plan, life_area="work")
    verified_login(client, team.coordinator)
    form = {"version": "1", "life_area": "work", "status": "in_progress", "target_date": goal.target_date.isoformat()}
    assert client.post(f"/plans/goals/{goal.pk}/edit/", {**form, "wording": "Først"}).status_code == 302
    response = client.post(f"/plans/goals/{goal.pk}/edit/", {**form, "wording": "Min tekst"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Noen andre lagret endringer her mens du skrev" in body
    assert "Min tekst" in body and "Først" in body
    assert 'name="version" value="2"' in body
    assert PlanGoal.objects.get(pk=goal.pk).wording == "Først"
    # Saving again, knowingly, keeps theirs.
    assert (
        client.post(f"/plans/goals/{goal.pk}/edit/", {**form, "version": "2", "wording": "Min tekst"}).status_code
        == 302
    )
    assert PlanGoal.objects.get(pk=goal.pk).wording == "Min tekst"


def test_a_measure_ending_before_it_starts_and_an_unknown_life_area(client, team, verified_login, plan):
    goal = PlanGoal.objects.filter(plan=plan).first()
    verified_login(client, team.coordinator)
    response = client.post(
        f"/plans/goals/{goal.pk}/measures/new/",
        {
            "version": "1",
            "description": "Leksehjelp",
            "service": "school",
            "responsible_person": "Lærer",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-01",
            "status": "planned",
        },
    )
    assert response.status_code == 400
    assert "Et tiltak kan ikke slutte før det starter." in response.content.decode()
    assert "Leksehjelp" in response.content.decode()
    response = client.post(
        f"/plans/{plan.pk}/goals/new/",
        {
            "version": "1",
            "life_area": "astrologi",
            "wording": "Noe",
            "status": "not_started",
            "target_date": "2027-01-01",
        },
    )
    assert response.status_code == 400 and "Velg et gyldig valg" in response.content.decode()


def test_the_plan_page_has_a_fixed_number_of_queries(client, team, verified_login, plan, django_assert_num_queries):
    verified_login(client, team.coordinator)
    client.get(f"/plans/{plan.pk}/")
    # session, user with their roles and model permissions, device, the plan, the reader's own rights on it (asked
    # once), the holder check and the access event, goals, measures, evaluations, periods, consents (whether one is
    # in force is read from them, not asked again), the rights on the case (may they record a consent), the unread
    # count.
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        assert client.get(f"/plans/{plan.pk}/").status_code == 200
    for index in range(5):
        add_measure(team.coordinator, add_goal(team.coordinator, plan, life_area="health", wording=f"Mål {index}"))
    evaluate(team.coordinator, plan, summary="x", due_in_days=9)
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        assert client.get(f"/plans/{plan.pk}/").status_code == 200


def test_the_participants_pdf_reads_back_and_printing_is_an_export(client, team, verified_login, plan):
    verified_login(client, team.mentor)  # the consent covers the mentor
    response = client.get(f"/plans/{plan.pk}/plan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert str(team.case.participant.last_name) not in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in (
        "Min individuelle plan",
        "Jeg vil klare skolen og ha en jobb.",
        "Utdanning",
        "Arbeid og aktivitet",
        "Bestå matte i vår.",
        "Jobbsøkerkurs hos NAV.",
        "Veileder Ali (NAV)",
        "Koordinatoren din er Kari Koordinator",
        f"Side 1 av {len(reader.pages)}",
    ):
        assert expected in text, expected
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers (PDF/UA)
    assert reader.trailer["/Root"]["/Lang"] == "nb"
    event = AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT, actor=team.mentor).get()
    assert event.participant_pks == [team.case.participant_id]


def test_a_withdrawn_consent_says_so_on_every_plan_page(client, team, verified_login, plan):
    from cases.models import Consent

    verified_login(client, team.coordinator)
    consent = Consent.objects.get(case=team.case, plan_consent__isnull=False)
    assert client.post(f"/plans/{plan.pk}/consents/{consent.pk}/withdraw/").status_code == 302
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Arbeidet med planen har stanset" in page
    assert "Legg til et mål" not in page
    assert client.get(f"/plans/{plan.pk}/goals/new/").status_code == 403
    assert "Ingen gyldig samtykke" in client.get(f"/cases/{team.case.pk}/").content.decode()
    pdf = PdfReader(io.BytesIO(client.get(f"/plans/{plan.pk}/plan.pdf").content))
    assert "Ingen arbeider med planen før du sier ja igjen." in " ".join(
        " ".join(p.extract_text() for p in pdf.pages).split()
    )
    # A new consent lets the work go on.
    consent_to_plan(team.coordinator, team.case)
    assert "Legg til et mål" in client.get(f"/plans/{plan.pk}/").content.decode()


def test_the_coordinators_start_page_shows_what_is_due(client, team, verified_login):
    plan = start_plan(team.coordinator, team.case, first_evaluation_on=timezone.localdate() + datetime.timedelta(5))
    verified_login(client, team.coordinator)
    page = client.get("/").content.decode()
    assert "Individuelle planer som trenger deg" in page
    assert f"/plans/{plan.pk}/" in page
