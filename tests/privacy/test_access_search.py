"""The privacy officer's search of the access log: who has read this participant, what has this user read."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from mentorprogram.roles import PRIVACY_OFFICER
from tests.cases.factories import CaseFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(PRIVACY_OFFICER, first_name="Pia", last_name="Personvern")


def results(response) -> str:
    """The results table only (the reader choices name everyone)."""
    body = response.content.decode()
    return body[body.index("<tbody>") : body.index("</tbody>")]


def read(client, verified_login, user, url):
    verified_login(client, user)
    assert client.get(url).status_code == 200
    client.logout()


def test_every_read_knows_its_case_and_participant(client, team, verified_login):
    read(client, verified_login, team.mentor, f"/cases/{team.case.pk}/")
    event = AccessEvent.objects.filter(actor=team.mentor).latest("pk")
    assert (event.case_pks, event.participant_pks) == ([team.case.pk], [team.case.participant_id])
    assert event.outside_assignment is False
    # A list of sessions resolves through the session to the case and its participant.
    read(client, verified_login, team.coordinator, f"/sessions/cases/{team.case.pk}/")
    listed = AccessEvent.objects.filter(actor=team.coordinator, path__startswith="/sessions/").latest("pk")
    assert listed.content_type.model == "mentorsession"
    assert listed.participant_pks in ([], [team.case.participant_id])  # no sessions yet: nothing read


def test_who_has_read_this_participant_this_year(client, team, officer, verified_login):
    other = CaseFactory(participant=ParticipantFactory(first_name="Annen", last_name="Person"))
    read(client, verified_login, team.mentor, f"/cases/{team.case.pk}/")
    read(client, verified_login, team.coordinator, f"/cases/{team.case.pk}/")
    participant = team.case.participant
    verified_login(client, officer)
    this_year = datetime.date(timezone.localdate().year, 1, 1).isoformat()
    response = client.post(
        "/audit/access/",
        {"participant": participant.national_id or participant.pk, "read_from": this_year},
        follow=True,
    )
    assert response.status_code == 200
    # The search went by POST; the result's address names the participant by number only.
    (address, _status), *_ = response.redirect_chain
    assert f"participant_id={participant.pk}" in address and "participant=" not in address.replace("_id=", "")
    assert participant.last_name not in address
    assert not participant.national_id or participant.national_id not in address
    assert "Mats Mentor" in results(response) and "Kari Koordinator" in results(response)
    assert f"Lesinger av {participant.first_name} {participant.last_name}" in response.content.decode()
    # Nobody read the other participant.
    response = client.get("/audit/access/", {"participant_id": other.participant.pk})
    assert "Mats Mentor" not in results(response)
    assert "Ingen lesinger passer." in results(response)


def test_what_has_this_user_read_and_reads_outside_an_assignment(client, team, officer, verified_login):
    read(client, verified_login, team.mentor, f"/cases/{team.case.pk}/")
    read(client, verified_login, team.slt, "/cases/referrals/")
    verified_login(client, officer)
    mine = results(client.get("/audit/access/", {"reader_id": team.mentor.pk}))
    assert "Mats Mentor" in mine and "Siri Slt" not in mine
    flagged = results(client.get("/audit/access/", {"outside_assignment": "on"}))
    assert "Mats Mentor" not in flagged  # the mentor holds the case


def test_a_name_with_several_matches_asks_which_participant(client, officer, verified_login):
    first = ParticipantFactory(first_name="Ali", last_name="Hansen")
    second = ParticipantFactory(first_name="Ali", last_name="Hanssen")
    verified_login(client, officer)
    body = client.post("/audit/access/", {"participant": "ali hansen"}).content.decode()
    assert "Hvilken deltaker?" in body
    assert f"participant_id={first.pk}" in body and f"participant_id={second.pk}" in body
    links = [chunk.split('"')[0] for chunk in body.split('href="?')[1:]]
    assert links and all("hansen" not in link.lower() for link in links)  # the choice links carry no name
    failed = client.post("/audit/access/", {"participant": "finnes ikke"})
    assert failed.status_code == 400 and 'value="finnes ikke"' in failed.content.decode()  # what was typed is kept
    # A name in a GET is never searched for.
    assert "Hvilken deltaker?" not in client.get("/audit/access/", {"participant": "ali hansen"}).content.decode()


def test_bad_dates_get_a_norwegian_message(client, officer, verified_login):
    verified_login(client, officer)
    response = client.get("/audit/access/", {"read_from": "2026-05-01", "read_to": "2026-04-01"})
    assert response.status_code == 400
    assert "Slutten kan ikke komme før starten." in response.content.decode()


def test_the_events_by_action_user_case_and_period(client, team, officer, verified_login):
    from audit.models import AuditEvent

    verified_login(client, officer)
    everything = client.get("/audit/").content.decode()
    assert "Tildeling startet" in everything
    body = client.get("/audit/", {"action": "assignment_started", "case": team.case.pk, "user": team.mentor.pk})
    assert body.status_code == 200
    rows = results(body)
    assert rows.count("<tr>") == 1 and "Tildeling startet" in rows  # the mentor's own assignment
    assert AuditEvent.objects.filter(action="assignment_started", object_pk=str(team.case.pk)).count() == 2
    nothing = results(client.get("/audit/", {"occurred_to": "2020-01-01"}))
    assert "Ingen hendelser." in nothing


def test_a_read_through_an_api_token_names_the_token(client, team, officer, verified_login):
    from tests.mentorprogram.factories import token_client

    _token, system = token_client(team.mentor, scope="read", name="Skolens fagsystem")
    assert system.get(f"/api/v1/cases/{team.case.pk}/").status_code == 200
    verified_login(client, officer)
    page = client.get("/audit/access/", {"reader_id": team.mentor.pk}).content.decode()
    events = page[page.rindex("<tbody>") : page.rindex("</tbody>")]  # the reads, one by one
    assert "gjennom API-nøkkel «Skolens fagsystem» (mp_" in events


def test_the_reader_is_searched_by_username_and_the_address_names_them_by_number(client, team, officer, verified_login):
    verified_login(client, officer)
    assert client.get(f"/cases/{team.case.pk}/").status_code in (403, 404)  # the officer reads no case
    response = client.post("/audit/access/", {"reader": team.mentor.username.upper(), "read_from": "01.01.2020"})
    assert response.status_code == 302
    address = response["Location"]
    assert f"reader_id={team.mentor.pk}" in address and team.mentor.username not in address.lower()
    page = client.get(address).content.decode()
    assert f'value="{team.mentor.username}"' in page  # the field shows whom the list is about
    unknown = client.post("/audit/access/", {"reader": "finnes-ikke", "read_from": "01.01.2020"})
    assert unknown.status_code == 400
    assert "Ingen bruker har dette brukernavnet." in unknown.content.decode()
    assert 'value="finnes-ikke"' in unknown.content.decode()  # what was typed is kept
    # A cleared field is everyone again, whatever number the previous address carried.
    cleared = client.post("/audit/access/", {"reader": "", "reader_id": team.mentor.pk, "read_from": "01.01.2020"})
    assert cleared.status_code == 302 and "reader_id" not in cleared["Location"]
    assert client.get("/audit/access/", {"reader_id": "999999"}).status_code == 400
