"""The day's work through the API, each step the pages' own service with its rules: triage a referral into a
case, match and assign a mentor, log and follow up a session, keep a plan, record a disclosure. Ids of what the
caller may not see answer 404 like missing ones; reads name the token."""

import datetime
import uuid

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import Case, Referral
from mentorprogram.roles import COORDINATOR, REFERRER
from mentorsessions.models import ConcernSignal, MentorSession
from tests.cases.factories import CaseFactory, ReferralFactory
from tests.disclosures.factories import disclosure_fields
from tests.individualplans.factories import add_goal, start_plan
from tests.mentorprogram.factories import token_client
from tests.mentors.factories import MentorFactory

pytestmark = pytest.mark.django_db


class Api:
    """A system with a user's token, sending and reading JSON."""

    def __init__(self, user, scope="write"):
        self.token, self.client = token_client(user, scope=scope)

    def get(self, url):
        return self.client.get(url)

    def post(self, url, data=None):
        return self.client.post(url, data or {}, content_type="application/json")


def test_an_slt_coordinator_triages_a_referral_into_a_case_and_the_referrer_reads_the_status(team, make_user):
    referrer = make_user(REFERRER)
    referral = ReferralFactory(submitted_by=referrer)
    slt, sender = Api(team.slt), Api(referrer)
    base = f"/api/v1/referrals/{referral.pk}"
    assert slt.get(f"{base}/participant-matches/").status_code == 200
    assert sender.get(f"{base}/participant-matches/").status_code == 403
    early = slt.post(f"{base}/decision/", {"decision": "accepted", "track": "prevention"})
    assert early.status_code == 400 and early.json()["errors"]  # whom it is about is settled first
    assert slt.post(f"{base}/participant/", {"participant": 999999}).json()["errors"] == {
        "participant": ["Velg en av de foreslåtte deltakerne."]
    }
    settled = slt.post(f"{base}/participant/", {"participant": "new"})
    assert settled.status_code == 200 and settled.json()["status"] == "in_triage"
    assert slt.post(f"{base}/decision/", {"decision": "maybe"}).json()["errors"].keys() == {"decision"}
    decided = slt.post(f"{base}/decision/", {"decision": "accepted", "track": "prevention"})
    assert decided.status_code == 200, decided.json()
    case = Case.objects.get(pk=decided.json()["case"])
    assert case.participant.first_name == referral.first_name
    assert sender.get(f"{base}/").json()["status"] == Referral.Status.ACCEPTED
    again = slt.post(f"{base}/decision/", {"decision": "no_action", "reason": "Feil"})
    assert again.status_code == 400  # decided once, by whom and when is said


def test_the_coordinator_matches_with_reasons_and_assigns_a_mentor(team, make_user):
    from cases.models import CaseAssignment
    from cases.services import case_assignment_start

    coordinator = make_user(COORDINATOR)
    case = CaseFactory(status="matching")
    case_assignment_start(actor=team.slt, case=case, user=coordinator, kind=CaseAssignment.Kind.COORDINATOR)
    chosen, _other = MentorFactory(), MentorFactory(qualified=False)
    api = Api(coordinator)
    matching = api.get(f"/api/v1/cases/{case.pk}/mentor-suggestions/").json()
    first = matching["suggestions"][0]
    assert first["mentor"] == chosen.pk and first["factors"] and all(f["why"] for f in first["factors"])
    assert matching["excluded"][0]["reasons"]  # in words, e.g. «ingen politiattest»
    refused = api.post(f"/api/v1/cases/{case.pk}/assignments/", {"mentor": _other.pk})
    assert refused.status_code == 400 and "kan ikke tildeles" in refused.json()["errors"]["non_field_errors"][0]
    made = api.post(f"/api/v1/cases/{case.pk}/assignments/", {"mentor": chosen.pk})
    assert made.status_code == 201 and made.json()["kind"] == "mentor"
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE
    held = api.get(f"/api/v1/cases/{case.pk}/assignments/").json()
    assert {a["user"] for a in held} == {coordinator.pk, chosen.user_id}
    assert Api(chosen.user).get(f"/api/v1/cases/{case.pk}/").status_code == 200


def test_a_session_is_logged_corrected_added_to_and_its_concern_acknowledged(team):
    mentor, coordinator, outsider = Api(team.mentor), Api(team.coordinator), Api(team.outsider)
    key = str(uuid.uuid4())
    body = {
        "submission_key": key,
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": 45,
        "mode": "meeting",
        "topics": ["school_work", "family"],
        "notes": "Snakket om skolen.",
        "progress": "some",
        "concern_level": "worry",
        "concern_description": "Virket urolig.",
    }
    url = f"/api/v1/cases/{team.case.pk}/sessions/"
    assert outsider.post(url, body).status_code == 404  # not their case: as if there were none
    future = mentor.post(url, {**body, "held_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()})
    assert future.status_code == 400 and "held_on" in future.json()["errors"]
    logged = mentor.post(url, body)
    assert logged.status_code == 201, logged.json()
    session = logged.json()
    assert session["concern"]["level"] == "worry" and session["topics"] == ["school_work", "family"]
    assert mentor.post(url, body).json()["id"] == session["id"]  # sent twice: one session
    signals = coordinator.get("/api/v1/concern-signals/").json()
    assert [s["session"] for s in signals] == [session["id"]]
    correction = {k: v for k, v in body.items() if not k.startswith(("submission", "concern"))}
    corrected = mentor.post(f"/api/v1/sessions/{session['id']}/correction/", {**correction, "duration_minutes": 50})
    assert corrected.status_code == 200 and corrected.json()["duration_minutes"] == 50
    assert coordinator.post(f"/api/v1/sessions/{session['id']}/correction/", correction).status_code == 403
    added = mentor.post(f"/api/v1/sessions/{session['id']}/addenda/", {"text": "Ringte etterpå."})
    assert added.status_code == 201
    assert mentor.post(f"/api/v1/sessions/{session['id']}/addenda/", {"text": ""}).status_code == 400
    ack = coordinator.post(f"/api/v1/concern-signals/{signals[0]['id']}/acknowledge/", {"note": "Ringer foreldre."})
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]
    assert ConcernSignal.objects.get(pk=signals[0]["id"]).acknowledged_by == team.coordinator
    assert coordinator.get("/api/v1/concern-signals/").json() == []
    read = coordinator.get(f"/api/v1/sessions/{session['id']}/").json()
    assert [a["text"] for a in read["addenda"]] == ["Ringte etterpå."]
    event = AccessEvent.objects.filter(actor=team.coordinator, kind="view").latest("pk")
    assert event.api_token == coordinator.token
    assert outsider.get(f"/api/v1/sessions/{session['id']}/").status_code == 404
    voided = mentor.post(f"/api/v1/sessions/{session['id']}/void/", {"reason": "Feil deltaker."})
    assert voided.status_code == 200 and voided.json()["voided_at"]
    assert MentorSession.objects.get(pk=session["id"]).is_voided


def test_the_plan_is_kept_by_its_coordinator_and_read_by_the_mentor(team):
    plan = start_plan(team.coordinator, team.case)
    goal = add_goal(team.coordinator, plan)
    coordinator, mentor = Api(team.coordinator), Api(team.mentor)
    read = coordinator.get(f"/api/v1/plans/{plan.pk}/").json()
    assert [g["id"] for g in read["goals"]] == [goal.pk] and read["consent_in_force"] is True
    assert [p["id"] for p in mentor.get("/api/v1/plans/").json()["results"]] == [plan.pk]
    target = (timezone.localdate() + datetime.timedelta(days=100)).isoformat()
    new_goal = {
        "life_area": "leisure",
        "wording": "Begynne på fotball.",
        "status": "not_started",
        "target_date": target,
    }
    assert mentor.post(f"/api/v1/plans/{plan.pk}/goals/", new_goal).status_code == 403
    assert coordinator.post(f"/api/v1/plans/{plan.pk}/goals/", new_goal).status_code == 201
    measure = {
        "description": "Trening to ganger i uka.",
        "service": "health",
        "responsible_person": "Trener",
        "starts_on": timezone.localdate().isoformat(),
        "status": "planned",
    }
    uncovered = coordinator.post(f"/api/v1/plan-goals/{goal.pk}/measures/", measure)
    assert uncovered.status_code == 400 and "service" in uncovered.json()["errors"]  # not in the consent
    covered = coordinator.post(f"/api/v1/plan-goals/{goal.pk}/measures/", {**measure, "service": "school"})
    assert covered.status_code == 201
    evaluation = {"summary": "Går bedre.", "next_due_on": target}
    assert coordinator.post(f"/api/v1/plans/{plan.pk}/evaluations/", evaluation).status_code == 201
    past = coordinator.post(f"/api/v1/plans/{plan.pk}/evaluations/", {**evaluation, "next_due_on": "2020-01-01"})
    assert past.status_code == 400 and "next_due_on" in past.json()["errors"]
    assert len(coordinator.get(f"/api/v1/plans/{plan.pk}/").json()["evaluations"]) == 1
    edit = {
        "life_area": goal.life_area,
        "wording": "Fullføre skoleåret.",
        "status": "in_progress",
        "target_date": target,
    }
    changed = coordinator.post(f"/api/v1/plan-goals/{goal.pk}/", {**edit, "version": goal.version})
    assert changed.status_code == 200 and changed.json()["version"] == goal.version + 1
    stale = coordinator.post(f"/api/v1/plan-goals/{goal.pk}/", {**edit, "version": goal.version})
    assert stale.status_code == 409 and set(stale.json()) == {"detail", "errors"}
    measure_id = covered.json()["id"]
    ended = coordinator.post(
        f"/api/v1/plan-measures/{measure_id}/", {**measure, "service": "school", "status": "completed", "version": 1}
    )
    assert ended.status_code == 200 and ended.json()["status"] == "completed"
    assert Api(team.outsider).get(f"/api/v1/plans/{plan.pk}/").status_code == 404


def test_disclosures_and_participants_are_the_cases_own(team):
    coordinator, outsider = Api(team.coordinator), Api(team.outsider)
    fields = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in disclosure_fields().items()}
    url = f"/api/v1/cases/{team.case.pk}/disclosures/"
    recorded = coordinator.post(url, {**fields, "submission_key": str(uuid.uuid4())})
    assert recorded.status_code == 201, recorded.json()
    assert [d["id"] for d in coordinator.get(url).json()] == [recorded.json()["id"]]
    assert outsider.get(url).status_code == 404
    assert coordinator.post(url, {**fields, "submission_key": str(uuid.uuid4()), "corrects": 10**12}).status_code == 404
    not_an_id = coordinator.post(url, {**fields, "submission_key": str(uuid.uuid4()), "corrects": [1]})
    assert not_an_id.status_code == 400 and "corrects" in not_an_id.json()["errors"]
    participants = coordinator.get("/api/v1/participants/").json()["results"]
    assert [(p["id"], p["cases"]) for p in participants] == [(team.case.participant_id, [team.case.pk])]
    assert "national_id" not in participants[0]
    assert outsider.get(f"/api/v1/participants/{team.case.participant_id}/").status_code == 404


def test_the_throttle_answers_429_in_the_one_error_shape(team, monkeypatch):
    from django.core.cache import caches

    from mentorprogram.accounts.api_auth import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {**TokenRateThrottle.THROTTLE_RATES, "token": "3/min"})
    api = Api(team.coordinator)
    caches["throttle"].delete(TokenRateThrottle.cache_format % {"scope": "token", "ident": api.token.pk})
    statuses = [api.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    answer = api.get("/api/v1/me/")
    assert set(answer.json()) == {"detail", "errors"} and answer.headers.get("Retry-After")


def test_the_triage_queue_filters_and_orders_as_its_page_does(team, make_user):
    referrer = make_user(REFERRER)
    acute = ReferralFactory(submitted_by=referrer, urgency="acute")
    normal = ReferralFactory(submitted_by=referrer, urgency="normal")
    slt = Api(team.slt)
    assert [r["id"] for r in slt.get("/api/v1/referrals/").json()["results"]][:2] == [acute.pk, normal.pk]
    only_acute = slt.get("/api/v1/referrals/?urgency=acute").json()["results"]
    assert [r["id"] for r in only_acute] == [acute.pk] and only_acute[0]["days_waiting"] >= 0
    wrong = slt.get("/api/v1/referrals/?sort=alphabet&urgency=")
    assert wrong.status_code == 400 and wrong.json()["errors"].keys() == {"sort", "urgency"}


def test_a_field_the_operation_does_not_take_is_named_not_ignored(team):
    api = Api(team.mentor)
    body = {"text": "Ringte etterpå.", "txet": "skrivefeil"}
    session = api.post(
        f"/api/v1/cases/{team.case.pk}/sessions/",
        {
            "submission_key": str(uuid.uuid4()),
            "held_on": timezone.localdate().isoformat(),
            "duration_minutes": 30,
            "mode": "phone",
            "progress": "unchanged",
        },
    ).json()
    answer = api.post(f"/api/v1/sessions/{session['id']}/addenda/", body)
    assert answer.status_code == 400 and answer.json()["errors"] == {"txet": ["Ukjent felt."]}
    assert api.post(f"/api/v1/sessions/{session['id']}/addenda/", ["Ringte"]).status_code == 400


@pytest.mark.parametrize(
    "role, url",
    [
        ("coordinator", "/api/v1/cases/"),
        ("coordinator", "/api/v1/participants/"),
        ("coordinator", "/api/v1/concern-signals/"),
        ("coordinator", "/api/v1/plans/"),
        ("mentor", "/api/v1/cases/{case}/sessions/"),
        ("slt", "/api/v1/referrals/?status=all&sort=newest"),
    ],
)
def test_an_api_list_asks_the_database_as_often_for_many_rows_as_for_one(team, role, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import CaseAssignment
    from cases.services import case_assignment_start
    from mentorsessions.services import mentor_session_log

    api = Api(getattr(team, role))
    url = url.format(case=team.case.pk)

    def log(case):
        mentor_session_log(
            actor=team.mentor,
            case=case,
            submission_key=uuid.uuid4(),
            held_on=timezone.localdate(),
            duration_minutes=30,
            mode="phone",
            progress="some",
            concern_level="worry",
            concern_description="Uro.",
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url).status_code == 200
        return len(captured)

    start_plan(team.coordinator, team.case)
    log(team.case)
    ReferralFactory(submitted_by=team.coordinator)
    queries()  # the token's first use of the minute writes its «last used»
    one = queries()
    for _ in range(6):
        case = CaseFactory(status="active")
        for user, kind in ((team.coordinator, "coordinator"), (team.mentor, "mentor")):
            case_assignment_start(actor=team.slt, case=case, user=user, kind=getattr(CaseAssignment.Kind, kind.upper()))
        start_plan(team.coordinator, case)
        log(case)
        log(team.case)
        ReferralFactory(submitted_by=team.coordinator)
    assert queries() == one


def test_a_change_through_a_token_names_it_and_no_header_writes_into_the_trail(team, client, verified_login):
    from audit.models import ModelChange

    api = Api(team.coordinator)
    url = f"/api/v1/cases/{team.case.pk}/status/"
    answer = api.client.post(
        url, {"to_status": "paused", "reason": "Ferie"}, content_type="application/json", HTTP_X_CORRELATION_ID="Ola"
    )
    assert answer.status_code == 200
    change = ModelChange.objects.filter(content_type__model="case", object_pk=str(team.case.pk)).latest("pk")
    assert change.cid == f"api-token:{api.token.pk}:mp_{api.token.prefix}"
    verified_login(client, team.coordinator)
    client.post(
        f"/cases/{team.case.pk}/status/", {"to_status": "active", "reason": "Tilbake"}, HTTP_X_CORRELATION_ID="Ola"
    )
    change = ModelChange.objects.filter(content_type__model="case", object_pk=str(team.case.pk)).latest("pk")
    assert change.cid is None  # a header a client sends never reaches the trail
    assert not ModelChange.objects.filter(cid__contains="Ola").exists()


def test_an_assignment_ends_with_a_reason_and_the_rights_go(team):
    coordinator = Api(team.coordinator)
    url = f"/api/v1/cases/{team.case.pk}/assignments/{team.mentor_assignment.pk}/end/"
    blank = coordinator.post(url, {"reason": "   "})
    assert blank.status_code == 400
    assert blank.json()["errors"] == {
        "reason": ["Skriv hvorfor tildelingen avsluttes; personen får beskjed om at den er avsluttet."]
    }
    ended = coordinator.post(url, {"reason": "Mentoren har sluttet."})
    assert ended.status_code == 200 and ended.json()["ended_at"]
    assert Api(team.mentor).get(f"/api/v1/cases/{team.case.pk}/").status_code == 404
    assert coordinator.post(url, {"reason": "Igjen."}).status_code == 404  # ended: no longer an active assignment
