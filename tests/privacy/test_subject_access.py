"""GDPR art. 15: everything held about a participant, and who has read it, as JSON and as a PDF read back."""

import io
import json
import uuid

import pytest
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessEvent, AuditEvent
from mentorprogram.roles import PRIVACY_OFFICER
from mentorsessions.services import mentor_session_log
from tests.disclosures.factories import record_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(PRIVACY_OFFICER, first_name="Pia", last_name="Personvern")


@pytest.fixture
def held(team, client, verified_login):
    """A session, a disclosure the participant was not told of, and a read by the mentor."""
    mentor_session_log(
        actor=team.mentor,
        case=team.case,
        submission_key=uuid.uuid4(),
        held_on=timezone.localdate(),
        duration_minutes=50,
        mode="meeting",
        progress="some",
        notes="Snakket om fotballaget og om å søke jobb.",
    )
    record_disclosure(team.coordinator, team.case)  # the participant was not told
    verified_login(client, team.mentor)
    assert client.get(f"/cases/{team.case.pk}/").status_code == 200
    client.logout()
    return team.case.participant


def test_the_json_export_holds_everything_and_every_read(client, team, held, officer, verified_login):
    verified_login(client, officer)
    response = client.get(f"/audit/subject-access/{held.pk}/export.json")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert f"innsyn-deltaker-{held.pk}-" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["participant"][0]["first_name"] == held.first_name
    assert document["participant"][0]["date_of_birth"] == held.date_of_birth.isoformat()
    assert [case["status"] for case in document["cases"]] == ["Aktiv"]
    assert document["sessions"][0]["notes"] == "Snakket om fotballaget og om å søke jobb."
    assert document["sessions"][0]["mentor"] == "Mats Mentor"
    assert document["disclosures"][0]["legal_basis"] == "Avvergingsplikt (straffeloven § 196)"
    assert "submission_key" not in document["sessions"][0]
    assert any(read["reader"] == "Mats Mentor" for read in document["reads"])
    # The export is itself a read, and an event.
    assert AccessEvent.objects.filter(actor=officer, kind="export", participant_pks=[held.pk]).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_REQUEST_EXPORTED)
    assert event.data == {"participant": held.pk, "format": "json"}


def test_the_pdf_export_reads_back(client, team, held, officer, verified_login):
    verified_login(client, officer)
    response = client.get(f"/audit/subject-access/{held.pk}/export.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Innsynsbegjæring (personvernforordningen art. 15)" in text
    assert held.last_name in text
    assert "fotballaget" in text
    assert "Deltakeren fikk ikke vite om denne utleveringen" in text  # flagged for the officer's review
    assert " · Mats Mentor (Mentor) · Åpnet · mentorløp" in text  # who read it, one line a read


def test_the_page_finds_the_participant_and_offers_the_downloads(client, held, officer, verified_login):
    verified_login(client, officer)
    found = client.post("/audit/subject-access/", {"participant": f"{held.first_name} {held.last_name}"})
    assert found.status_code == 302 and found.url == f"/audit/subject-access/?participant_id={held.pk}"
    page = client.get(found.url)
    body = page.content.decode()
    assert page.status_code == 200
    assert f"/audit/subject-access/{held.pk}/export.pdf" in body
    assert f"/audit/subject-access/{held.pk}/export.json" in body
    assert client.get("/audit/subject-access/999999/export.json").status_code == 404
