"""Cases and notifications in the API: the rights, services and access events of the pages."""

import pytest

from audit.models import AccessEvent
from notifications.models import Notification
from tests.cases.factories import CaseFactory
from tests.mentorprogram.factories import token_client

pytestmark = pytest.mark.django_db


def _api(user, scope="write"):
    return token_client(user, scope=scope)[1]


def test_cases_are_read_as_on_the_pages_and_the_read_names_the_token(team):
    stranger = CaseFactory(status="active")
    api = _api(team.coordinator)
    listing = api.get("/api/v1/cases/?status=open").json()
    assert [row["id"] for row in listing["results"]] == [team.case.pk]
    row = listing["results"][0]
    assert row["mentors"][0]["name"] == "Mats Mentor" and row["coordinators"][0]["name"] == "Kari Koordinator"
    event = AccessEvent.objects.filter(actor=team.coordinator).latest("pk")
    assert event.kind == "list" and event.api_token.name == f"{team.coordinator.username} system"
    assert api.get(f"/api/v1/cases/{team.case.pk}/").json()["participant"] == str(team.case.participant)
    assert api.get(f"/api/v1/cases/{stranger.pk}/").status_code == 404  # as if there were none
    assert api.get("/api/v1/cases/?status=nonsense").json()["errors"] == {"status": ["Velg en av statusene."]}


def test_a_status_change_goes_through_the_service_and_its_rules(team):
    coordinator, mentor = _api(team.coordinator), _api(team.mentor)
    url = f"/api/v1/cases/{team.case.pk}/status/"
    wrong = coordinator.post(url, {"to_status": "assessment"}, content_type="application/json")
    assert wrong.status_code == 400 and "to_status" in wrong.json()["errors"]
    assert mentor.post(url, {"to_status": "paused"}, content_type="application/json").status_code == 403
    paused = coordinator.post(url, {"to_status": "paused", "reason": "Ferie"}, content_type="application/json")
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    team.case.refresh_from_db()
    assert team.case.status_changes.latest("pk").reason == "Ferie"
    reader = _api(team.coordinator, scope="read")
    assert reader.post(url, {"to_status": "active"}, content_type="application/json").status_code == 403


def test_notifications_are_ones_own_and_are_marked_read(team):
    for recipient in (team.mentor, team.coordinator):
        Notification.objects.create(
            recipient=recipient,
            kind=Notification.Kind.ASSIGNED_TO_CASE,
            params={"case": team.case.pk, "as": "mentor"},
            dedup_key=f"test:{recipient.pk}",
        )
    api = _api(team.mentor)
    own = api.get("/api/v1/notifications/").json()["results"]
    assert [n["text"] for n in own] == [f"Du er tildelt mentorløp {team.case.pk} som mentor."]
    assert set(Notification.objects.filter(pk__in=[n["id"] for n in own]).values_list("recipient", flat=True)) == {
        team.mentor.pk
    }
    other = Notification.objects.filter(recipient=team.coordinator).first()
    marked = api.post("/api/v1/notifications/read/", {"ids": [other.pk]}, content_type="application/json")
    assert marked.json() == {"marked": 0}  # another's notification is not touched
    assert api.post("/api/v1/notifications/read/", {}, content_type="application/json").json()["marked"] == len(own)
    assert api.post("/api/v1/notifications/read/", {"ids": "x"}, content_type="application/json").status_code == 400


def test_the_steering_group_reads_reports_and_downloads_the_pdf_with_a_token(team, make_user):
    from mentorprogram.roles import REFERRER, STEERING_GROUP
    from tests.steeringgroup.factories import published_report

    report = published_report(team.slt)
    steering = make_user(STEERING_GROUP)
    api = _api(steering, scope="read")
    listing = api.get("/api/v1/reports/").json()["results"]
    assert [r["id"] for r in listing] == [report.pk] and listing[0]["pdf_url"] == f"/api/v1/reports/{report.pk}/pdf/"
    pdf = api.get(listing[0]["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    export = AccessEvent.objects.filter(actor=steering).latest("pk")
    assert export.kind == "export" and export.api_token is not None
    assert _api(make_user(REFERRER)).get("/api/v1/reports/").status_code == 403
