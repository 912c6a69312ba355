"""Referrals: intake, duplicates, triage decisions, and the case workflow."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from faker import Faker

from cases.models import Case, CaseAssignment, CaseStatusChange, Participant, Referral
from cases.national_id import validate_national_id
from cases.selectors import case_timeline, participant_duplicates, referral_queue
from cases.services import case_status_change, referral_decide, referral_participant_resolve
from mentorprogram.roles import COORDINATOR, MENTOR, REFERRER, SLT_COORDINATOR
from notifications.models import OutboxItem
from tests.cases.factories import ParticipantFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def slt(make_user):
    return make_user(SLT_COORDINATOR)


@pytest.fixture
def referrer(make_user):
    return make_user(REFERRER)


def form_data(**overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "urgency": "normal",
        "source": "school",
        "source_organisation": "Fjellvoll ungdomsskole",
        "referrer_name": "Rektor Reidun",
        "referrer_phone": "900 00 000",
        "referrer_email": "reidun@skole.invalid",
        "received_on": timezone.localdate().isoformat(),
        "concern": "Eleven deler ekstremt materiale og har trukket seg unna venner.",
        "criteria": ["extreme_ideology", "trauma_isolation"],
        "first_name": "Mohammed",
        "last_name": "Ali",
        "date_of_birth": "2009-03-04",
        "national_id": "",
        "gender": "male",
        "languages": "norsk, somali",
        "district": "Sentrum",
        "guardians": "Mor, 911 11 111",
    }
    data.update(overrides)
    return data


# --- Intake ---------------------------------------------------------------------------------


def test_a_referrer_submits_and_sees_only_the_status(client, referrer, slt, verified_login):
    verified_login(client, referrer)
    response = client.post("/cases/referrals/new/", form_data())
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/referrals/{referral.pk}/receipt/"
    assert (referral.submitted_by, referral.status, referral.criteria) == (
        referrer,
        "received",
        ["extreme_ideology", "trauma_isolation"],
    )
    assert referral.languages == ["norsk", "somali"]
    page = client.get("/cases/referrals/mine/").content.decode()
    assert "Mottatt" in page and "M. A." in page
    assert "Mohammed" not in page and "ekstremt materiale" not in page
    assert client.get(f"/cases/referrals/{referral.pk}/").status_code == 403
    assert OutboxItem.objects.filter(payload__recipient=slt.pk, payload__kind="referral_received").count() == 1


def test_a_double_click_makes_one_referral(client, referrer, verified_login):
    verified_login(client, referrer)
    data = form_data()
    client.post("/cases/referrals/new/", data)
    client.post("/cases/referrals/new/", data)
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("national_id", "12345678901", "Fødselsnummeret er ikke gyldig"),
        ("national_id", "123", "Et fødselsnummer har 11 sifre"),
        ("date_of_birth", "2099-01-01", "Fødselsdatoen kan ikke være fram i tid"),
        ("received_on", "2099-01-01", "Mottatt dato kan ikke være fram i tid"),
        ("guardians", "", "Deltakeren er under 18"),
    ],
)
def test_bad_input_gets_a_norwegian_message_at_the_field_and_keeps_the_rest(
    client, referrer, verified_login, field, value, message
):
    verified_login(client, referrer)
    response = client.post("/cases/referrals/new/", form_data(**{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Eleven deler ekstremt materiale" in html and 'value="Mohammed"' in html
    assert not Referral.objects.exists()


def test_a_national_id_that_does_not_match_the_date_of_birth_is_refused(client, referrer, verified_login):
    national_id = Faker("no_NO").ssn(dob="20090304")
    verified_login(client, referrer)
    response = client.post("/cases/referrals/new/", form_data(national_id=national_id, date_of_birth="2009-03-05"))
    assert "Fødselsnummeret passer ikke med fødselsdatoen" in response.content.decode()
    response = client.post("/cases/referrals/new/", form_data(national_id=national_id))
    assert response.status_code == 302


def test_an_acute_referral_says_what_to_do_and_is_marked(client, referrer, slt, verified_login):
    verified_login(client, referrer)
    form = client.get("/cases/referrals/new/").content.decode()
    assert "Ring politiet på 112" in form  # shown the moment «acute» is chosen (CSS :has)
    response = client.post("/cases/referrals/new/", form_data(urgency="acute"), follow=True)
    assert "ring politiet på 112 nå" in response.content.decode()
    assert Referral.objects.get().is_acute
    assert OutboxItem.objects.filter(payload__kind="referral_acute").count() == 1


def test_validate_national_id_accepts_d_numbers_and_rejects_bad_dates():
    assert validate_national_id("41018036736") == datetime.date(1980, 1, 1)  # D-number
    with pytest.raises(ValidationError):
        validate_national_id("32138036736")


# --- Duplicates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("known", "typed"),
    [
        (("Mohammed", "Ali"), ("Muhammad", "Ali")),
        (("Kari", "Kristiansen"), ("Kari", "Christiansen")),
        (("Ole", "Hansen"), ("Ole", "Hanssen")),
    ],
)
def test_spelling_variants_with_the_same_date_of_birth_are_found(known, typed):
    participant = ParticipantFactory(first_name=known[0], last_name=known[1], date_of_birth=datetime.date(2008, 3, 4))
    matches = participant_duplicates(first_name=typed[0], last_name=typed[1], date_of_birth=datetime.date(2008, 3, 4))
    assert [m.participant for m in matches] == [participant]
    assert "samme fødselsdato" in matches[0].matched


def test_a_close_date_of_birth_counts_and_a_distant_one_does_not():
    participant = ParticipantFactory(
        first_name="Kari", last_name="Kristiansen", date_of_birth=datetime.date(2008, 3, 4)
    )
    close = participant_duplicates(first_name="Kari", last_name="Kristiansen", date_of_birth=datetime.date(2008, 3, 14))
    assert close[0].participant == participant and "fødselsdato 10 dager fra hverandre" in close[0].matched
    assert (
        participant_duplicates(first_name="Kari", last_name="Kristiansen", date_of_birth=datetime.date(2010, 3, 4))
        == []
    )


def test_the_same_national_id_is_found_whatever_the_name():
    national_id = Faker("no_NO").ssn(dob="20080304")
    participant = ParticipantFactory(
        first_name="Amina", last_name="Yusuf", date_of_birth=datetime.date(2008, 3, 4), national_id=national_id
    )
    matches = participant_duplicates(
        first_name="Anna", last_name="Berg", date_of_birth=datetime.date(2001, 1, 1), national_id=national_id
    )
    assert matches[0].participant == participant and matches[0].matched[0] == "samme fødselsnummer"


def test_the_triage_page_shows_the_matches_and_linking_is_kept(client, slt, verified_login):
    known = ParticipantFactory(first_name="Mohammed", last_name="Ali", date_of_birth=datetime.date(2009, 3, 4))
    referral = ReferralFactory(first_name="Muhammad", last_name="Ali", date_of_birth=datetime.date(2009, 3, 4))
    verified_login(client, slt)
    page = client.get(f"/cases/referrals/{referral.pk}/").content.decode()
    assert "Mohammed Ali" in page and "lignende navn" in page
    client.post(f"/cases/referrals/{referral.pk}/participant/", {"participant": known.pk})
    referral.refresh_from_db()
    assert (referral.participant, referral.participant_decision, referral.participant_decided_by) == (
        known,
        "existing",
        slt,
    )
    assert referral.status == "in_triage"


def test_linking_refuses_a_participant_that_was_not_suggested(client, slt, verified_login):
    stranger = ParticipantFactory(first_name="Helt", last_name="Annen", date_of_birth=datetime.date(1990, 1, 1))
    referral = ReferralFactory()
    verified_login(client, slt)
    response = client.post(f"/cases/referrals/{referral.pk}/participant/", {"participant": stranger.pk})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.participant is None


def test_confirming_a_new_participant_copies_the_details(slt):
    referral = ReferralFactory(first_name="Sara", last_name="Nilsen")
    participant = referral_participant_resolve(actor=slt, referral=referral)
    assert (participant.first_name, participant.last_name, participant.guardians) == (
        "Sara",
        "Nilsen",
        "Mor: 900 00 000",
    )
    assert Referral.objects.get().participant_decision == "new"


# --- Decisions ------------------------------------------------------------------------------


def test_accepting_opens_a_case_the_slt_coordinator_coordinates(slt, referrer, client, verified_login):
    referral = ReferralFactory(submitted_by=referrer)
    referral_participant_resolve(actor=slt, referral=referral)
    referral = referral_decide(actor=slt, referral=referral, decision="accepted", track="prevention")
    case = referral.case
    assert (case.status, case.track, case.participant) == ("assessment", "prevention", referral.participant)
    assert CaseAssignment.objects.get(case=case).user == slt
    assert (referral.decided_by, referral.status) == (slt, "accepted")
    verified_login(client, slt)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    decided = OutboxItem.objects.get(payload__kind="referral_decided")
    assert decided.payload["recipient"] == referrer.pk and decided.payload["params"] == {
        "referral": referral.pk,
        "status": "accepted",
    }


def test_a_second_referral_joins_the_open_case(slt):
    first = ReferralFactory()
    participant = referral_participant_resolve(actor=slt, referral=first)
    case = referral_decide(actor=slt, referral=first, decision="accepted", track="exit").case
    second = ReferralFactory(first_name=first.first_name, last_name=first.last_name, date_of_birth=first.date_of_birth)
    referral_participant_resolve(actor=slt, referral=second, participant=participant)
    assert referral_decide(actor=slt, referral=second, decision="accepted").case == case
    assert Case.objects.count() == 1


def test_accepting_needs_the_participant_settled_first(slt):
    with pytest.raises(ValidationError, match="før du godtar"):
        referral_decide(actor=slt, referral=ReferralFactory(), decision="accepted", track="exit")


@pytest.mark.parametrize(
    ("decision", "kwargs", "message"),
    [
        ("forwarded", {"reason": "NAV følger opp"}, "hvilken tjeneste"),
        ("no_action", {}, "hvorfor"),
        ("duplicate", {}, "dublett av"),
    ],
)
def test_each_decision_needs_what_it_says(slt, decision, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        referral_decide(actor=slt, referral=ReferralFactory(), decision=decision, **kwargs)


def test_forward_and_duplicate_are_recorded(slt):
    original = ReferralFactory()
    participant = referral_participant_resolve(actor=slt, referral=original)
    forwarded = referral_decide(
        actor=slt, referral=original, decision="forwarded", forwarded_to="Barnevernet", reason="Omsorgssvikt"
    )
    assert (forwarded.status, forwarded.forwarded_to, forwarded.decision_reason) == (
        "forwarded",
        "Barnevernet",
        "Omsorgssvikt",
    )
    copy = ReferralFactory()
    referral_participant_resolve(actor=slt, referral=copy, participant=participant)
    duplicate = referral_decide(actor=slt, referral=copy, decision="duplicate", duplicate_of=original)
    assert duplicate.duplicate_of == original


def test_a_second_decision_is_told_who_decided_first(make_user, slt):
    other = make_user(SLT_COORDINATOR, first_name="Sigrun", last_name="Først")
    referral = ReferralFactory()
    referral_decide(actor=other, referral=referral, decision="no_action", reason="Ikke i målgruppen")
    with pytest.raises(ValidationError, match="allerede avgjort av Sigrun Først"):
        referral_decide(actor=slt, referral=referral, decision="forwarded", forwarded_to="NAV", reason="x")
    assert Referral.objects.get().status == "no_action"


def test_the_decision_form_keeps_what_was_typed_and_says_what_is_missing(client, slt, verified_login):
    referral = ReferralFactory()
    verified_login(client, slt)
    response = client.post(
        f"/cases/referrals/{referral.pk}/decision/", {"decision": "forwarded", "forwarded_to": "", "reason": "Fordi"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Si hvilken tjeneste" in html and "Fordi" in html


def test_the_database_refuses_a_decision_without_who_and_when():
    referral = ReferralFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status="no_action", decision_reason="x")


# --- The queue ------------------------------------------------------------------------------


def test_the_queue_filters_sorts_and_marks_overdue_referrals(slt, settings):
    today = timezone.localdate()
    old = ReferralFactory(
        received_on=today - datetime.timedelta(days=settings.REFERRAL_TRIAGE_DAYS + 2), source="police"
    )
    acute = ReferralFactory(urgency="acute", source="school")
    ReferralFactory(source="nav")
    rows = referral_queue(user=slt)
    assert rows[0] == old and rows[0].overdue and rows[0].days_waiting == settings.REFERRAL_TRIAGE_DAYS + 2
    assert referral_queue(user=slt, sort="urgency")[0] == acute
    assert [r.pk for r in referral_queue(user=slt, source="police")] == [old.pk]
    assert [r.pk for r in referral_queue(user=slt, urgency="acute")] == [acute.pk]


def test_the_queue_costs_a_fixed_number_of_queries(client, slt, verified_login, django_assert_num_queries):
    verified_login(client, slt)
    ReferralFactory.create_batch(3)
    client.get("/cases/referrals/")
    # 7: the user comes with their roles; the access event resolves the referrals' cases and participants in one
    # query.
    with django_assert_num_queries(7):
        client.get("/cases/referrals/")
    ReferralFactory.create_batch(20)
    with django_assert_num_queries(7):
        client.get("/cases/referrals/")


def test_only_slt_coordinators_see_the_queue(make_user):
    for role in (REFERRER, COORDINATOR, MENTOR):
        assert list(referral_queue(user=make_user(role))) == []


# --- The case workflow ----------------------------------------------------------------------


@pytest.fixture
def case(slt):
    referral = ReferralFactory()
    referral_participant_resolve(actor=slt, referral=referral)
    return referral_decide(actor=slt, referral=referral, decision="accepted", track="prevention").case


def test_a_case_moves_only_along_the_workflow(case, slt):
    case_status_change(actor=slt, case=case, to_status="matching")
    case_status_change(actor=slt, case=case, to_status="active")
    with pytest.raises(ValidationError, match="kan ikke gå fra «Aktiv» til «Kartlegging»"):
        case_status_change(actor=slt, case=case, to_status="assessment")
    case_status_change(actor=slt, case=case, to_status="closing")
    with pytest.raises(ValidationError, match="utfallet"):
        case_status_change(actor=slt, case=case, to_status="closed")
    case = case_status_change(actor=slt, case=case, to_status="closed", outcome="completed")
    assert case.closed_at is not None
    assert [c.to_status for c in CaseStatusChange.objects.filter(case=case)] == [
        "assessment",
        "matching",
        "active",
        "closing",
        "closed",
    ]


def test_the_database_refuses_a_transition_the_workflow_does_not_allow(case):
    with (
        pytest.raises(DatabaseError, match="not an allowed transition"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE cases_case SET status = 'active' WHERE id = %s", [case.pk])


def test_the_database_keeps_one_open_case_per_participant(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(participant=case.participant, track="exit")


def test_the_python_and_database_workflows_agree():
    """Read from the live trigger, not from the migration that once wrote it."""
    import re

    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'case_status_transition_check'")
        source = cursor.fetchone()[0]
    live = set(re.findall(r"\('(\w+)','(\w+)'\)", source))
    assert live == {(str(a), str(b)) for a, targets in Case.TRANSITIONS.items() for b in targets}


def test_the_timeline_shows_every_event_in_order(case, slt, make_user):
    mentor = make_user(MENTOR)
    case_status_change(actor=slt, case=case, to_status="matching", reason="Kartlegging ferdig")
    from cases.services import case_assignment_start

    case_assignment_start(actor=slt, case=case, user=mentor, kind=CaseAssignment.Kind.MENTOR)
    events = [e.what for e in case_timeline(case=case)]
    assert events[0].startswith("Bekymringsmelding") and "mottatt" in events[0]
    assert any("godtatt" in e for e in events)
    assert any("Kartlegging ferdig" in e for e in events)
    # The assignment moves the case on: its status change follows it in the timeline.
    assert events[-2].startswith("Mentor tildelt")
    assert events[-1].startswith("Status endret fra «Kobling» til «Aktiv»")


def test_the_case_page_changes_status_and_says_what_is_wrong(client, case, slt, verified_login):
    verified_login(client, slt)
    response = client.post(f"/cases/{case.pk}/status/", {"to_status": "closed"})
    assert response.status_code == 400
    client.post(f"/cases/{case.pk}/status/", {"to_status": "matching", "reason": "Klar for matching"})
    case.refresh_from_db()
    assert case.status == "matching"
    assert "Klar for matching" in client.get(f"/cases/{case.pk}/").content.decode()


def test_a_participant_record_is_audited_without_its_values(slt):
    referral = ReferralFactory(first_name="Unik", last_name="Testperson")
    participant = referral_participant_resolve(actor=slt, referral=referral)
    from audit.models import ModelChange

    entry = ModelChange.objects.filter(content_type__model="participant", object_pk=str(participant.pk)).get()
    assert "Unik" not in str(entry.changes) and "Testperson" not in str(entry.changes)
    assert Participant.objects.get().search_name == "unik testperson"


def test_the_urgency_codes_sort_in_urgency_order():
    # referral_queue sorts by the code itself (an index serves it): acute < high < normal.
    assert sorted(Referral.Urgency.values) == ["acute", "high", "normal"]


def test_the_queue_pages_through_fifty_at_a_time(client, slt, verified_login):
    ReferralFactory.create_batch(51)
    verified_login(client, slt)
    first = client.get("/cases/referrals/").content.decode()
    assert first.count('href="/cases/referrals/') >= 50 and "Neste side" in first
    second = client.get("/cases/referrals/?status=open&sort=waiting&page=2").content.decode()
    assert "Forrige side" in second and "Neste side" not in second


def test_intake_checks_for_known_participants_as_the_slt_coordinator_types(client, slt, referrer, verified_login):
    ParticipantFactory(first_name="Mohammed", last_name="Ali", date_of_birth=datetime.date(2009, 3, 4))
    verified_login(client, slt)
    assert 'hx-post="/cases/referrals/duplicates/"' in client.get("/cases/referrals/new/").content.decode()
    response = client.post(
        "/cases/referrals/duplicates/", {"first_name": "Muhammad", "last_name": "Ali", "date_of_birth": "2009-03-04"}
    )
    assert "Mohammed Ali" in response.content.decode() and "samme fødselsdato" in response.content.decode()
    from audit.models import AccessEvent

    assert AccessEvent.objects.filter(kind="search", content_type__model="participant").exists()
    # A referrer never sees who else the programme knows.
    verified_login(client, referrer)
    assert "hx-post" not in client.get("/cases/referrals/new/").content.decode()
    assert (
        client.post(
            "/cases/referrals/duplicates/",
            {"first_name": "Muhammad", "last_name": "Ali", "date_of_birth": "2009-03-04"},
        ).status_code
        == 403
    )


def test_the_open_queue_index_covers_exactly_the_open_statuses():
    from cases.models import Referral

    (index,) = [index for index in Referral._meta.indexes if index.name == "referral_open_queue_idx"]
    assert index.condition.children == [("status__in", [str(status) for status in Referral.OPEN_STATUSES])]
