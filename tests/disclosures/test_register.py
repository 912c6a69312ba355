"""The register of disclosures: recording, its rules, corrections, who reads it, and that nothing changes it."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit import chain
from audit.models import AccessEvent, AuditEvent, ModelChange
from disclosures.aggregates import disclosure_counts_by_basis
from disclosures.models import Disclosure
from disclosures.services import disclosure_record
from mentorprogram.roles import ADMIN, PRIVACY_OFFICER, STEERING_GROUP
from notifications.models import OutboxItem
from tests.disclosures.factories import disclosure_fields, record_disclosure

pytestmark = pytest.mark.django_db


fields = disclosure_fields
record = record_disclosure


def test_a_mentor_records_a_disclosure_and_the_coordinator_is_told(team):
    disclosure = record(team.mentor, team.case)
    assert disclosure.recorded_by == team.mentor and disclosure.case == team.case
    event = AuditEvent.objects.get(action=AuditEvent.Action.DISCLOSURE_RECORDED)
    assert event.data == {"case": team.case.pk, "legal_basis": "duty_to_avert", "corrects": None}
    # The trail says which fields were set, never what was shared.
    change = ModelChange.objects.get(content_type__model="disclosure", object_pk=str(disclosure.pk))
    assert change.changes["shared"] == ["***", "***"]
    assert "vold" not in str(change.changes)
    notices = OutboxItem.objects.filter(payload__kind="disclosure_recorded")
    assert [n.payload["recipient"] for n in notices] == [team.coordinator.pk]
    assert notices[0].payload["params"] == {"case": team.case.pk}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"legal_basis": "other", "legal_basis_other": ""}, "legal_basis_other", "Oppgi hjemmelen"),
        ({"participant_informed": "yes", "informed_on": None}, "informed_on", "Oppgi datoen"),
        ({"participant_informed": "later", "not_informed_reason": " "}, "not_informed_reason", "Si hvorfor"),
        ({"disclosed_on": timezone.localdate() + datetime.timedelta(days=1)}, "disclosed_on", "fremtiden"),
        ({"shared": ""}, "shared", "kan ikke være blankt"),
    ],
)
def test_each_rule_refuses_with_a_norwegian_message(team, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        record(team.coordinator, team.case, **overrides)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Disclosure.objects.exists()


def test_only_holders_of_the_case_with_the_right_record(team, make_user):
    for actor in (team.outsider, make_user(PRIVACY_OFFICER), make_user(ADMIN), make_user(STEERING_GROUP)):
        with pytest.raises(PermissionDenied):
            record(actor, team.case)
    assert not Disclosure.objects.exists()


def test_a_double_submit_records_once(team):
    key = uuid.uuid4()
    first = disclosure_record(actor=team.mentor, case=team.case, submission_key=key, **fields())
    second = disclosure_record(actor=team.mentor, case=team.case, submission_key=key, **fields())
    assert first.pk == second.pk and Disclosure.objects.count() == 1


def test_a_correction_is_a_new_record_pointing_at_the_old(team):
    original = record(team.mentor, team.case)
    with pytest.raises(ValidationError) as caught:
        record(team.coordinator, team.case, corrects=original, recipient="Politiet, PST")
    assert "correction_reason" in caught.value.message_dict
    correction = record(
        team.coordinator, team.case, corrects=original, recipient="PST", correction_reason="Feil mottaker."
    )
    original.refresh_from_db()
    assert original.recipient == "Politiet, forebyggende avsnitt"  # unchanged
    assert correction.corrects == original
    with pytest.raises(ValidationError, match="allerede rettet"):
        record(team.coordinator, team.case, corrects=original, correction_reason="Igjen.")
    assert disclosure_counts_by_basis(start=timezone.localdate(), end=timezone.localdate())["duty_to_avert"] == 1


def test_the_steering_report_gets_counts_by_basis_only(team):
    record(team.mentor, team.case)
    record(team.mentor, team.case, legal_basis="child_welfare", recipient_kind="child_welfare")
    record(team.mentor, team.case, legal_basis="child_welfare", recipient_kind="child_welfare")
    today = timezone.localdate()
    counts = disclosure_counts_by_basis(start=today, end=today)
    assert counts == {"duty_to_avert": 1, "child_welfare": 2, "health_personnel": 0, "consent": 0, "other": 0}
    assert (
        disclosure_counts_by_basis(start=today - datetime.timedelta(days=9), end=today - datetime.timedelta(days=1))[
            "child_welfare"
        ]
        == 0
    )


def _refused(sql, params=(), *, message):
    with pytest.raises(DatabaseError, match=message), transaction.atomic(), connection.cursor() as cursor:
        # Fire the test's own pending foreign-key checks first: else TRUNCATE fails on those, not on our trigger.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params)


def test_the_database_refuses_to_change_or_remove_a_disclosure(team):
    disclosure = record(team.mentor, team.case)
    append_only = "append-only: UPDATE on disclosures_disclosure is refused"
    removed = "DELETE on disclosures_disclosure is refused: records are voided or corrected, never removed"
    _refused("UPDATE disclosures_disclosure SET shared = 'x' WHERE id = %s", [disclosure.pk], message=append_only)
    _refused("DELETE FROM disclosures_disclosure WHERE id = %s", [disclosure.pk], message=removed)
    _refused("TRUNCATE disclosures_disclosure CASCADE", message="TRUNCATE on disclosures_disclosure is refused")
    disclosure.shared = "Endret i ettertid."
    with pytest.raises(DatabaseError, match=append_only), transaction.atomic():
        disclosure.save()
    with pytest.raises(DatabaseError, match=removed), transaction.atomic():
        Disclosure.objects.filter(pk=disclosure.pk).delete()
    assert Disclosure.objects.get(pk=disclosure.pk).shared.startswith("Deltakeren")


def test_a_correction_cannot_point_into_another_case(team):
    from tests.cases.factories import CaseFactory

    disclosure = record(team.mentor, team.case)
    other = CaseFactory()
    _refused(
        """INSERT INTO disclosures_disclosure (case_id, legal_basis, legal_basis_other, recipient_kind, recipient,
               shared, justification, disclosed_on, decided_by, consulted, participant_informed, not_informed_reason,
               corrects_id, correction_reason, recorded_by_id, recorded_at, submission_key)
           VALUES (%s, 'consent', '', 'nav', 'NAV', 'x', 'y', now(), 'z', '{}', 'later', 'w', %s, 'feil', %s, now(),
                   gen_random_uuid())""",
        [other.pk, disclosure.pk, team.mentor.pk],
        message="a correction belongs to the case of the disclosure it corrects",
    )


def test_disclosures_are_sealed_into_the_chain_and_tampering_is_found(team, monkeypatch):
    monkeypatch.setattr(chain, "SEAL_DELAY_SECONDS", -5)
    disclosure = record(team.mentor, team.case)
    chain.chain_seal()
    assert chain.chain_verify().ok
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE disclosures_disclosure SET recipient = 'Ingen' WHERE id = %s", [disclosure.pk])
    findings = chain.chain_verify().findings
    assert [(f.table, f.row_id, f.what) for f in findings] == [
        ("disclosures_disclosure", disclosure.pk, "the row was altered")
    ]


# --- Pages ---------------------------------------------------------------------------------------


def form_data(**overrides):
    values = {**fields(), "submission_key": str(uuid.uuid4()), **overrides}
    values["disclosed_on"] = values["disclosed_on"].isoformat()
    return values


def test_the_form_keeps_what_was_typed_and_says_what_is_missing(client, team, verified_login):
    verified_login(client, team.mentor)
    url = f"/disclosures/cases/{team.case.pk}/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(participant_informed="yes", not_informed_reason=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Oppgi datoen deltakeren fikk vite det." in body
    assert "planer om vold mot en navngitt person" in body  # the text is kept
    assert not Disclosure.objects.exists()
    response = client.post(url, form_data(participant_informed="yes", informed_on=timezone.localdate().isoformat()))
    disclosure = Disclosure.objects.get()
    assert response.status_code == 302 and response.url == f"/disclosures/{disclosure.pk}/"
    assert disclosure.participant_informed == "yes" and disclosure.not_informed_reason == ""


def test_a_correction_from_the_record_page(client, team, verified_login):
    original = record(team.mentor, team.case)
    verified_login(client, team.coordinator)
    page = client.get(f"/disclosures/{original.pk}/").content.decode()
    assert f"?corrects={original.pk}" in page
    form = client.get(f"/disclosures/cases/{team.case.pk}/new/?corrects={original.pk}").content.decode()
    assert "Politiet, forebyggende avsnitt" in form  # prefilled from the record it corrects
    response = client.post(
        f"/disclosures/cases/{team.case.pk}/new/",
        form_data(corrects=str(original.pk), recipient="PST", correction_reason="Feil mottaker."),
    )
    assert response.status_code == 302
    assert Disclosure.objects.get(corrects=original).recipient == "PST"
    assert "Denne registreringen er rettet." in client.get(f"/disclosures/{original.pk}/").content.decode()


def test_the_privacy_officer_reads_the_register_with_filters(client, team, make_user, verified_login):
    police = record(team.mentor, team.case)
    welfare = record(team.mentor, team.case, legal_basis="child_welfare", recipient_kind="child_welfare")
    officer = make_user(PRIVACY_OFFICER)
    verified_login(client, officer)
    everything = client.get("/disclosures/").content.decode()
    assert f"/disclosures/{police.pk}/" in everything and f"/disclosures/{welfare.pk}/" in everything
    only_police = client.get("/disclosures/?legal_basis=duty_to_avert").content.decode()
    assert f"/disclosures/{police.pk}/" in only_police and f"/disclosures/{welfare.pk}/" not in only_police
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert f"/disclosures/{police.pk}/" not in client.get(f"/disclosures/?disclosed_to={yesterday}").content.decode()
    bad = client.get(f"/disclosures/?disclosed_from={timezone.localdate().isoformat()}&disclosed_to={yesterday}")
    assert bad.status_code == 400 and "Slutten kan ikke komme før starten." in bad.content.decode()
    assert client.get(f"/disclosures/{police.pk}/").status_code == 200
    # Reads are access events, resolved to the case and the participant.
    read = AccessEvent.objects.filter(actor=officer, kind="view").latest("pk")
    assert read.case_pks == [team.case.pk] and read.participant_pks == [team.case.participant_id]
    assert read.outside_assignment is True  # the privacy officer holds no assignment: flagged for review


def test_an_outsider_gets_404_for_a_disclosure(client, team, verified_login):
    disclosure = record(team.mentor, team.case)
    verified_login(client, team.outsider)
    assert client.get(f"/disclosures/{disclosure.pk}/").status_code == 404
    assert client.get(f"/disclosures/cases/{team.case.pk}/new/").status_code == 404
