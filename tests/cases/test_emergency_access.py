"""Break-the-glass: a legal basis, a reason and the second factor again; one case, for a while; reviewed."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AccessEvent, AuditEvent
from cases.models import EmergencyAccess
from cases.services import emergency_access_open, emergency_access_review
from mentorprogram.roles import COORDINATOR, PRIVACY_OFFICER
from mentorsessions.services import mentor_session_log
from notifications.models import OutboxItem
from tests.mentorprogram.factories import current_code

pytestmark = pytest.mark.django_db

REASON = "Akutt bekymringssignal; mentor og koordinator svarer ikke på telefon."


@pytest.fixture
def officer(make_user):
    return make_user(PRIVACY_OFFICER, first_name="Pia", last_name="Personvern")


@pytest.fixture
def acute(team):
    return mentor_session_log(
        actor=team.mentor,
        case=team.case,
        submission_key=uuid.uuid4(),
        held_on=timezone.localdate(),
        duration_minutes=30,
        mode="phone",
        progress="some",
        concern_level="acute",
        concern_description="Snakker om å skade noen i kveld.",
    )


def open_form(client, team, **overrides):
    data = {"legal_basis": "danger", "reason": REASON, "otp_token": current_code(team.slt), **overrides}
    return client.post(f"/cases/{team.case.pk}/emergency/", data)


def test_the_slt_coordinator_is_pointed_to_emergency_access_by_the_acute_signal(team, acute):
    notice = OutboxItem.objects.get(payload__kind="concern_signal", payload__recipient=team.slt.pk)
    assert notice.payload["url"] == f"/cases/{team.case.pk}/emergency/"


def test_an_slt_coordinator_opens_emergency_access_and_reads_the_case(client, team, acute, officer, verified_login):
    verified_login(client, team.slt)
    assert client.get(f"/cases/{team.case.pk}/").status_code == 404
    form = client.get(f"/cases/{team.case.pk}/emergency/").content.decode()
    assert team.case.participant.last_name not in form  # nothing of the case before the glass is broken
    response = open_form(client, team)
    assert response.status_code == 302 and response.url == f"/cases/{team.case.pk}/"
    page = client.get(f"/cases/{team.case.pk}/").content.decode()
    assert "Du leser dette mentorløpet med nødtilgang" in page
    assert client.get(f"/sessions/{acute.pk}/").status_code == 200  # the acute signal itself
    assert client.get(f"/sessions/{acute.pk}/edit/").status_code in (403, 404)  # reading only
    reads = AccessEvent.objects.filter(actor=team.slt, case_pks__contains=[team.case.pk])
    assert reads.count() >= 2 and all(read.outside_assignment for read in reads)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EMERGENCY_ACCESS_GRANTED)
    assert event.actor == team.slt and event.data["case"] == team.case.pk and event.data["legal_basis"] == "danger"
    assert REASON not in str(event.data)  # the reason stays in the record, out of the trail
    told = OutboxItem.objects.get(payload__kind="emergency_access")
    assert told.payload["recipient"] == officer.pk and told.payload["params"] == {
        "case": team.case.pk,
        "user": team.slt.username,
    }


def test_the_assigned_coordinators_reads_are_not_flagged(client, team, verified_login):
    # The case page learns whether the reader holds an assignment along with the case (one query fewer); the trail
    # flags the same reads as before: those outside an assignment, as above, and not these.
    verified_login(client, team.coordinator)
    assert client.get(f"/cases/{team.case.pk}/").status_code == 200
    reads = AccessEvent.objects.filter(actor=team.coordinator, case_pks__contains=[team.case.pk])
    assert reads.exists() and not any(read.outside_assignment for read in reads)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": "   "}, "Ingen begrunnelse, ingen tilgang"),
        ({"otp_token": "000000"}, "Koden er feil"),
        ({"legal_basis": ""}, "Dette feltet er påkrevd"),
    ],
)
def test_no_reason_or_no_code_no_access(client, team, verified_login, overrides, message):
    verified_login(client, team.slt)
    response = open_form(client, team, **overrides)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    if overrides.get("reason") is None:
        assert REASON in body  # what was typed is kept
    assert 'name="otp_token" value=' not in body or 'value=""' in body
    assert not EmergencyAccess.objects.exists()
    assert client.get(f"/cases/{team.case.pk}/").status_code == 404


def test_access_ends_when_it_expires_or_is_closed(client, team, verified_login):
    now = timezone.now()
    EmergencyAccess.objects.create(
        case=team.case,
        user=team.slt,
        legal_basis="danger",
        reason=REASON,
        granted_at=now - datetime.timedelta(hours=5),
        expires_at=now - datetime.timedelta(hours=1),
    )
    verified_login(client, team.slt)
    assert client.get(f"/cases/{team.case.pk}/").status_code == 404  # expired: nothing to revoke
    assert open_form(client, team).status_code == 302
    assert client.get(f"/cases/{team.case.pk}/").status_code == 200
    assert client.post(f"/cases/{team.case.pk}/emergency/end/").status_code == 302
    assert client.get(f"/cases/{team.case.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EMERGENCY_ACCESS_ENDED).count() == 1


def test_who_may_open_it(client, team, make_user, verified_login):
    with pytest.raises(PermissionDenied):
        emergency_access_open(
            actor=team.mentor, case=team.case, legal_basis="danger", reason=REASON, otp_token=current_code(team.mentor)
        )
    verified_login(client, team.coordinator)  # holds the case already: straight to it
    assert client.get(f"/cases/{team.case.pk}/emergency/").url == f"/cases/{team.case.pk}/"
    other = make_user(COORDINATOR)
    grant = emergency_access_open(
        actor=other, case=team.case, legal_basis="continuity", reason=REASON, otp_token=current_code(other)
    )
    assert other.has_perm("cases.view_case", team.case) and not other.has_perm("cases.change_case", team.case)
    assert grant.expires_at - grant.granted_at == datetime.timedelta(hours=4)


def test_the_privacy_officer_reviews_each_access_once(client, team, officer, verified_login):
    grant = emergency_access_open(
        actor=team.slt, case=team.case, legal_basis="danger", reason=REASON, otp_token=current_code(team.slt)
    )
    verified_login(client, officer)
    page = client.get("/audit/emergency/").content.decode()
    assert REASON in page and "Venter på gjennomgang" in page
    response = client.post(f"/audit/emergency/{grant.pk}/review/", {f"g{grant.pk}-review": "justified"})
    assert response.status_code == 400 and "Dette feltet er påkrevd" in response.content.decode()
    response = client.post(
        f"/audit/emergency/{grant.pk}/review/",
        {f"g{grant.pk}-review": "justified", f"g{grant.pk}-note": "Akutt signal, riktig bruk."},
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.review == "justified" and grant.reviewed_by == officer
    with pytest.raises(ValidationError):
        emergency_access_review(actor=officer, grant=grant, review="not_justified", note="Nei.")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EMERGENCY_ACCESS_REVIEWED).count() == 1


def test_the_database_keeps_the_record(team):
    grant = emergency_access_open(
        actor=team.slt, case=team.case, legal_basis="danger", reason=REASON, otp_token=current_code(team.slt)
    )
    for sql, message in (
        ("UPDATE cases_emergencyaccess SET reason = 'x' WHERE id = %s", "is a record: only its end and its review"),
        (
            "UPDATE cases_emergencyaccess SET expires_at = expires_at + interval '1 day' WHERE id = %s",
            "is a record: only its end and its review",
        ),
        ("DELETE FROM cases_emergencyaccess WHERE id = %s", "DELETE on cases_emergencyaccess is refused"),
    ):
        with pytest.raises(DatabaseError, match=message), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [grant.pk])
