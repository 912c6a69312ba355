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
    assert f"<td>{team.case.pk}</td>" in summary  # each read's cases by number
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


def test_the_case_list_filters_by_what_is_due_and_who_holds_it(client, team, verified_login, make_user):
    from cases.models import Consent
    from tests.cases.factories import CaseFactory

    soon = timezone.localdate() + datetime.timedelta(days=5)
    Consent.objects.create(
        case=team.case,
        services=["nav"],
        given_by="participant",
        valid_from=timezone.localdate(),
        valid_to=soon,
        recorded_by=team.coordinator,
    )
    other_mentor = make_user("mentor", first_name="Nils", last_name="Nymentor")
    second = CaseFactory(status="active")
    case_assignment_start(actor=team.slt, case=second, user=team.coordinator, kind=CaseAssignment.Kind.COORDINATOR)
    case_assignment_start(actor=team.slt, case=second, user=other_mentor, kind=CaseAssignment.Kind.MENTOR)
    verified_login(client, team.coordinator)

    listing = client.get("/cases/").content.decode()
    assert "Kari Koordinator" in listing and soon.strftime("%d.%m.%Y") in listing  # coordinator and next due
    due = client.get("/cases/?due=consent_expiring").content.decode()
    assert f"/cases/{team.case.pk}/" in due and f"/cases/{second.pk}/" not in due
    by_mentor = client.get(f"/cases/?mentor={other_mentor.pk}").content.decode()
    assert f"/cases/{second.pk}/" in by_mentor and f"/cases/{team.case.pk}/" not in by_mentor
    # A mentor who holds none of the reader's cases is no filter: the list is not narrowed by a guessed id.
    assert f"/cases/{team.case.pk}/" in client.get(f"/cases/?mentor={team.outsider.pk}").content.decode()
    assert client.get("/cases/?due=nonsense&coordinator=x&mentor=99999999999999999999").status_code == 200
    # The start page's line links to the list filtered to the same thing.
    assert "/cases/?due=consent_expiring" in client.get("/").content.decode()


def test_the_case_list_reads_a_fixed_number_of_queries(client, team, verified_login, django_assert_max_num_queries):
    from tests.cases.factories import CaseFactory

    for _ in range(5):
        case = CaseFactory(status="active")
        case_assignment_start(actor=team.slt, case=case, user=team.coordinator, kind=CaseAssignment.Kind.COORDINATOR)
    verified_login(client, team.coordinator)
    client.get("/cases/")  # warm the session
    with django_assert_max_num_queries(8):
        assert client.get("/cases/?due=evaluation").status_code == 200


def test_a_confirmed_assignment_moves_the_case_from_assessment_to_active(client, make_user, verified_login):
    from cases.models import Case
    from cases.services import assessment_record
    from mentors.services import mentor_assign
    from tests.cases.factories import CaseFactory
    from tests.mentors.factories import MentorFactory

    slt = make_user(SLT_COORDINATOR)
    case = CaseFactory()  # in assessment
    case_assignment_start(actor=slt, case=case, user=slt, kind=CaseAssignment.Kind.COORDINATOR)
    verified_login(client, slt)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Registrer kartleggingen av risiko og behov" in page and f"/mentors/cases/{case.pk}/" not in page
    assessment_record(actor=slt, case=case, risk_factors="r", protective_factors="p", summary="s")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Neste steg" in page and f"/mentors/cases/{case.pk}/" in page
    mentor = MentorFactory()
    mentor_assign(actor=slt, case=case, mentor=mentor)
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE
    steps = list(case.status_changes.order_by("pk").values_list("from_status", "to_status", "changed_by"))
    assert steps[-2:] == [("assessment", "matching", slt.pk), ("matching", "active", slt.pk)]
    # A second mentor on an active case changes no status.
    mentor_assign(actor=slt, case=case, mentor=MentorFactory())
    assert case.status_changes.count() == len(steps)


def test_follow_up_fields_are_marked_to_show_with_the_choice_that_needs_them(client, team, verified_login):
    from cases.forms import CaseStatusForm, DecisionForm

    form = DecisionForm()
    html = str(form)
    assert 'data-shown-when="decision" data-shown-values="accepted"' in html  # the track
    assert 'data-shown-when="decision" data-shown-values="forwarded"' in html
    assert 'data-shown-when="decision" data-shown-values="duplicate"' in html
    assert "---------" not in html and ">Velg<" in html
    # Closing is a step from «closing» only: the outcome is asked there, and shown with «closed».
    team.case.status = "closing"
    assert 'data-shown-when="to_status" data-shown-values="closed"' in str(CaseStatusForm(case=team.case))
    team.case.status = "active"
    assert "outcome" not in CaseStatusForm(case=team.case).fields


def test_the_session_form_folds_topics_and_has_a_default_progress(client, team, verified_login):
    verified_login(client, team.mentor)
    page = client.get(f"/sessions/cases/{team.case.pk}/new/").content.decode()
    assert page.count('class="ds-fieldset app-choices app-topic-group"') == 3
    assert (
        'value="unchanged" id="id_progress_2" checked' in page or 'value="unchanged"' in page.split("checked")[0][-200:]
    )
    assert 'data-shown-when="concern_level"' in page


def test_the_admin_shows_roles_by_their_names(client, make_user, verified_login):
    from mentorprogram.roles import ADMIN

    admin = make_user(ADMIN, is_staff=True)
    other = make_user(COORDINATOR)
    verified_login(client, admin)
    groups = client.get("/admin/auth/group/").content.decode()
    assert "SLT-koordinator" in groups and "slt_coordinator" not in groups.split("<tbody")[1]
    change = client.get(f"/admin/mentorprogram/user/{other.pk}/change/").content.decode()
    assert 'type="checkbox" name="groups"' in change and "Personvernombud" in change
    own = client.get(f"/admin/mentorprogram/user/{admin.pk}/change/").content.decode()
    assert "Administrator" in own and 'name="groups"' not in own
    users = client.get("/admin/mentorprogram/user/?role=coordinator").content.decode()
    assert "Koordinator" in users
