"""The working day without dead ends: start pages that count what is due, one current menu item, and a decided
referral that joined someone else's case lands on a page that says so (never a 404)."""

import datetime

import pytest
from django.utils import timezone

from cases.models import CaseAssignment, EmergencyAccess
from cases.services import case_assignment_end, case_assignment_start, referral_decide, referral_participant_resolve
from mentorprogram.roles import COORDINATOR, PRIVACY_OFFICER, SLT_COORDINATOR
from tests.cases.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_accepting_into_a_case_someone_else_holds_lands_on_the_referral(client, make_user, verified_login):
    first_slt, second_slt = make_user(SLT_COORDINATOR), make_user(SLT_COORDINATOR)
    holder = make_user(COORDINATOR, first_name="Hanne", last_name="Holder")
    first = ReferralFactory()
    participant = referral_participant_resolve(actor=first_slt, referral=first)
    case = referral_decide(actor=first_slt, referral=first, decision="accepted", track="exit").case
    case_assignment_end(actor=first_slt, assignment=case.assignments.get(user=first_slt))
    case_assignment_start(actor=first_slt, case=case, user=holder, kind=CaseAssignment.Kind.COORDINATOR)
    second = ReferralFactory(first_name=first.first_name, last_name=first.last_name, date_of_birth=first.date_of_birth)
    referral_participant_resolve(actor=second_slt, referral=second, participant=participant)

    verified_login(client, second_slt)
    response = client.post(f"/cases/referrals/{second.pk}/decision/", {"decision": "accepted"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/cases/referrals/{second.pk}/"
    page = response.content.decode()
    assert "Hanne Holder" in page and f"/cases/{case.pk}/" not in page


def test_each_start_page_counts_what_is_due(client, make_user, verified_login, team):
    ReferralFactory(urgency="acute")
    ReferralFactory(received_on=timezone.localdate() - datetime.timedelta(days=30))
    verified_login(client, team.slt)
    page = client.get("/").content.decode()
    assert "akutte bekymringsmeldinger som venter på triage" in page
    assert "<strong>1</strong> akutte" in page and "<strong>2</strong> bekymringsmeldinger som venter på triage" in page

    officer = make_user(PRIVACY_OFFICER)
    EmergencyAccess.objects.create(
        case=team.case,
        user=team.slt,
        legal_basis="danger",
        reason="Akutt.",
        expires_at=timezone.now() + datetime.timedelta(hours=4),
    )
    verified_login(client, officer)
    page = client.get("/").content.decode()
    assert "<strong>1</strong> nødtilganger å gjennomgå" in page

    verified_login(client, team.coordinator)
    page = client.get("/").content.decode()
    assert "åpne bekymringssignaler i dine mentorløp" in page


def test_one_current_menu_item(client, team, verified_login):
    verified_login(client, team.slt)
    page = client.get("/cases/referrals/new/").content.decode()
    assert page.count('aria-current="page"') <= 1


def test_a_mentors_own_languages_reach_the_matching_at_once(team):
    from mentors.selectors import mentor_facts
    from mentors.services import mentor_self_declare
    from tests.mentors.factories import MentorFactory

    mentor = MentorFactory(languages=["norsk"])
    today = timezone.localdate()
    before = {f.id: f for f in mentor_facts(participant_id=team.case.participant_id, today=today)}
    assert "somali" not in before[mentor.pk].languages
    mentor_self_declare(
        actor=mentor.user,
        mentor=mentor,
        languages=["norsk", "somali"],
        interests=[],
        ethnic_background="",
        religious_background="",
    )
    after = {f.id: f for f in mentor_facts(participant_id=team.case.participant_id, today=today)}
    assert "somali" in after[mentor.pk].languages


def test_an_autosave_after_the_save_brings_no_draft_back(team):
    import uuid

    from mentorsessions.models import MentorSessionDraft
    from mentorsessions.services import mentor_session_log, session_draft_save

    key = uuid.uuid4()
    mentor_session_log(
        actor=team.mentor,
        case=team.case,
        submission_key=key,
        held_on=timezone.localdate(),
        duration_minutes=30,
        mode="phone",
        progress="some",
        notes="Lagret tekst.",
    )
    late = session_draft_save(actor=team.mentor, case=team.case, data={"notes": "Lagret tekst."}, submission_key=key)
    assert late is None and not MentorSessionDraft.objects.filter(case=team.case).exists()
    # A draft for a new form (a new key) is kept as before.
    assert session_draft_save(actor=team.mentor, case=team.case, data={"notes": "Ny"}, submission_key=uuid.uuid4())


def test_an_assignment_is_ended_from_the_case_page(client, team, verified_login):
    verified_login(client, team.coordinator)
    page = client.get(f"/cases/{team.case.pk}/").content.decode()
    url = f"/cases/{team.case.pk}/assignments/{team.mentor_assignment.pk}/end/"
    assert url in page
    refused = client.post(url, {"reason": " "}, follow=True)
    assert "Skriv hvorfor tildelingen avsluttes" in refused.content.decode()
    response = client.post(url, {"reason": "Mentoren flytter."}, follow=True)
    assert "Tildelingen av Mats Mentor er avsluttet" in response.content.decode()
    team.mentor_assignment.refresh_from_db()
    assert team.mentor_assignment.ended_at is not None
    mentor = type(team.mentor).objects.get(pk=team.mentor.pk)
    verified_login(client, mentor)
    assert client.get(f"/cases/{team.case.pk}/").status_code == 404
    # A mentor cannot end anyone's assignment.
    other = CaseAssignment.objects.get(case=team.case, kind="coordinator")
    assert client.post(f"/cases/{team.case.pk}/assignments/{other.pk}/end/", {"reason": "x"}).status_code == 404


def test_the_queue_shows_the_acute_referral_first_by_default(client, team, verified_login):
    ReferralFactory(received_on=timezone.localdate() - datetime.timedelta(days=20), last_name="Eldst")
    ReferralFactory(urgency="acute", last_name="Akuttsen")
    verified_login(client, team.slt)
    page = client.get("/cases/referrals/").content.decode()
    assert page.index("Akuttsen") < page.index("Eldst")


def test_who_has_read_is_answered_one_line_a_reader_and_as_csv(client, team, make_user, verified_login):
    officer = make_user(PRIVACY_OFFICER)
    for reader in (team.coordinator, team.coordinator, team.mentor):
        verified_login(client, reader)
        assert client.get(f"/cases/{team.case.pk}/").status_code == 200
    verified_login(client, officer)
    query = f"participant_id={team.case.participant_id}&read_from=2000-01-01"
    page = client.get(f"/audit/access/?{query}").content.decode()
    summary = page[page.index("Hvem har lest") :]
    assert "Kari Koordinator" in summary and "Mats Mentor" in summary
    assert summary.index("Kari Koordinator") < summary.index("Mats Mentor")  # most reads first
    csv_text = client.get(f"/audit/access/readers.csv?{query}").content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("Leser;Roller;Lesinger")
    assert any(line.startswith("Kari Koordinator;Koordinator;") for line in lines[1:])


def test_step_two_of_triage_comes_after_step_one(client, team, verified_login):
    referral = ReferralFactory()
    verified_login(client, team.slt)
    page = client.get(f"/cases/referrals/{referral.pk}/").content.decode()
    assert f"/cases/referrals/{referral.pk}/decision/" not in page
    assert "Svar på steg 1 først" in page
    referral_participant_resolve(actor=team.slt, referral=referral)
    assert (
        f"/cases/referrals/{referral.pk}/decision/" in client.get(f"/cases/referrals/{referral.pk}/").content.decode()
    )


def test_the_case_list_finds_people_among_ones_own_cases(client, team, verified_login, make_user):
    import uuid

    from mentorsessions.services import mentor_session_log
    from tests.cases.factories import CaseFactory

    participant = team.case.participant
    participant.first_name, participant.national_id = "Sigurd", "17050912345"
    participant.save()
    mentor_session_log(
        actor=team.mentor,
        case=team.case,
        submission_key=uuid.uuid4(),
        held_on=timezone.localdate(),
        duration_minutes=30,
        mode="phone",
        progress="some",
    )
    stranger = CaseFactory(status="active")  # not the coordinator's
    stranger.participant.first_name = "Sigurd"
    stranger.participant.save()
    verified_login(client, team.coordinator)

    listing = client.get("/cases/?status=open").content.decode()
    assert "Mats Mentor" in listing and timezone.localdate().strftime("%d.%m.%Y") in listing
    for query in ("sigurd", "170509 12345", str(team.case.pk)):
        page = client.post("/cases/", {"q": query}).content.decode()
        assert f"/cases/{team.case.pk}/" in page, query
        assert f"/cases/{stranger.pk}/" not in page, query
    assert "sigurd" not in client.get("/cases/").request["QUERY_STRING"].lower()
    assert "Ingen av dine mentorløp passer" in client.post("/cases/", {"q": "Ukjentnavn"}).content.decode()
    assert f"/cases/{team.case.pk}/" not in client.get("/cases/?status=closed").content.decode()


def test_the_timeline_gives_a_date_received_without_a_made_up_time(client, make_user, verified_login):
    slt = make_user(SLT_COORDINATOR)
    referral = ReferralFactory(received_on=datetime.date(2026, 11, 2))
    referral_participant_resolve(actor=slt, referral=referral)
    case = referral_decide(actor=slt, referral=referral, decision="accepted", track="exit").case
    verified_login(client, slt)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert '<span class="app-muted">02.11.2026</span> Bekymringsmelding' in page
    assert "02.11.2026 00:00" not in page
    matching = client.get(f"/mentors/cases/{case.pk}/").content.decode()
    assert f"Finn en mentor til {case.participant}" in matching
