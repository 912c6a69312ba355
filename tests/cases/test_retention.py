"""Retention: a dry-run list first, then erasure that leaves the trail whole and anonymous."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit import chain
from audit.models import AccessEvent, AuditEvent, ChainLink, ErasedRow, ModelChange
from cases.models import Case, CaseAssignment, Consent, EmergencyAccess, Participant, Referral, RetentionRun
from cases.retention import cases_due_for_erasure, retention_list, retention_step
from cases.services import case_status_change, consent_record, emergency_access_open
from disclosures.models import Disclosure
from mentorprogram.roles import PRIVACY_OFFICER
from mentorsessions.models import MentorSession
from mentorsessions.services import mentor_session_log, session_addendum_add
from notifications.models import OutboxItem
from tests.disclosures.factories import record_disclosure
from tests.mentorprogram.factories import current_code
from tests.support.db import backdate

pytestmark = pytest.mark.django_db

NAME_MARK = "Zyxwvuname"


@pytest.fixture(autouse=True)
def seal_at_once(monkeypatch):
    monkeypatch.setattr(chain, "SEAL_DELAY_SECONDS", -5)


@pytest.fixture
def closed_long_ago(team, client, verified_login):
    """The team's case with everything a case gathers, read by its coordinator, closed six years ago."""
    case = team.case
    case.participant.first_name = NAME_MARK
    case.participant.save()
    session = mentor_session_log(
        actor=team.mentor,
        case=case,
        submission_key=uuid.uuid4(),
        held_on=timezone.localdate(),
        duration_minutes=45,
        mode="meeting",
        progress="some",
        notes=f"{NAME_MARK} fortalte om skolen.",
        concern_level="worry",
        concern_description="Uro.",
    )
    session_addendum_add(actor=team.mentor, session=session, text="Tillegg.")
    consent_record(
        actor=team.coordinator, case=case, services=["nav"], given_by="participant", valid_from=timezone.localdate()
    )
    original = record_disclosure(team.coordinator, case, shared=f"{NAME_MARK} møter ikke.")
    record_disclosure(team.coordinator, case, corrects=original, correction_reason="Feil mottaker.")
    emergency_access_open(
        actor=team.slt, case=case, legal_basis="danger", reason="Akutt.", otp_token=current_code(team.slt)
    )
    verified_login(client, team.coordinator)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    for status in ("closing", "closed"):
        case_status_change(actor=team.coordinator, case=case, to_status=status, outcome="completed")
    backdate(Case, case.pk, closed_at=timezone.now() - datetime.timedelta(days=6 * 365))
    chain.chain_seal()
    return case


def test_the_job_lists_first_and_tells_the_privacy_officer(closed_long_ago, team, make_user):
    officer = make_user(PRIVACY_OFFICER)
    assert list(cases_due_for_erasure()) == [closed_long_ago]
    run = retention_list()
    assert run.case_pks == [closed_long_ago.pk] and run.erased_at is None
    assert Case.objects.filter(pk=closed_long_ago.pk).exists()  # a dry run: nothing erased yet
    notice = OutboxItem.objects.get(payload__kind="retention_due")
    assert notice.payload["recipient"] == officer.pk and notice.payload["params"] == {"count": 1}
    assert retention_list() is None  # one list at a time
    retention_step()  # the notice has not run out
    assert Case.objects.filter(pk=closed_long_ago.pk).exists()


def test_erasure_removes_the_case_and_keeps_the_trail_whole_and_anonymous(closed_long_ago, team):
    case_pk, participant_pk = closed_long_ago.pk, closed_long_ago.participant_id
    run = retention_list()
    RetentionRun.objects.filter(pk=run.pk).update(  # audit: test data, the notice has run out
        erase_after=timezone.now() - datetime.timedelta(minutes=1)
    )
    links_before = chain.chain_verify().links
    retention_step()
    assert not Case.objects.filter(pk=case_pk).exists()
    assert not Participant.objects.filter(pk=participant_pk).exists()
    for model in (MentorSession, Disclosure, Consent, EmergencyAccess, CaseAssignment):
        assert not model.objects.filter(**({"case_id": case_pk})).exists(), model
    assert not team.coordinator.has_perm("cases.view_case", Case(pk=case_pk))
    event = AuditEvent.objects.get(action=AuditEvent.Action.CASE_ERASED)
    assert event.data["case"] == case_pk and event.data["participant"] == participant_pk
    assert event.data["counts"]["sessions"] == 1 and event.data["counts"]["disclosures"] == 2
    # The trail still holds who read the case, by id, and nothing says who the participant was.
    assert AccessEvent.objects.filter(participant_pks__contains=[participant_pk]).exists()
    for change in ModelChange.objects.all():
        assert NAME_MARK not in str(change.changes) and NAME_MARK not in change.object_repr
    for event in AuditEvent.objects.all():
        assert NAME_MARK not in str(event.data)
    chain.chain_seal()
    result = chain.chain_verify()
    assert result.ok, [str(f) for f in result.findings]
    # Every chained row the case had (addendum, signal, consent, two disclosures, emergency access) is on record.
    noted = set(ErasedRow.objects.values_list("table", "row_id"))
    assert result.erased == sum((link.table, link.row_id) in noted for link in ChainLink.objects.all()) >= 6
    assert result.links > links_before
    call_command("verify_audit")


def test_a_case_reopened_meanwhile_is_left_alone(closed_long_ago, team, client, verified_login, make_user):
    run = retention_list()
    # The participant came back: a new case for the same person. Only the old case goes.
    new_case = Case.objects.create(participant=closed_long_ago.participant, track="exit")
    verified_login(client, make_user(PRIVACY_OFFICER))
    page = client.get("/audit/retention/").content.decode()
    assert NAME_MARK in page  # the privacy officer sees whom the list is about
    response = client.post(f"/audit/retention/{run.pk}/erase/")
    assert response.status_code == 302
    assert not Case.objects.filter(pk=closed_long_ago.pk).exists()
    assert Participant.objects.filter(pk=new_case.participant_id).exists()  # still has a case
    assert AuditEvent.objects.get(action=AuditEvent.Action.CASE_ERASED).data["participant"] is None


def test_referrals_that_never_became_a_case_are_listed_and_erased_too(team):
    from tests.cases.factories import ParticipantFactory, ReferralFactory

    long_ago = timezone.now() - datetime.timedelta(days=6 * 365)
    alone = ParticipantFactory(first_name=NAME_MARK)
    old = ReferralFactory(
        participant=alone,
        status="no_action",
        decision_reason="Ingen grunn til bekymring.",
        decided_by=team.slt,
        decided_at=long_ago,
    )
    # The participant of the team's open case had an old forwarded referral: it goes, the participant stays.
    forwarded = ReferralFactory(
        participant=team.case.participant,
        status="forwarded",
        forwarded_to="Helsestasjonen",
        decision_reason="Hører hjemme der.",
        decided_by=team.slt,
        decided_at=long_ago,
    )
    recent = ReferralFactory(
        status="no_action", decision_reason="Ingen grunn.", decided_by=team.slt, decided_at=timezone.now()
    )
    run = retention_list()
    assert run.case_pks == [] and sorted(run.referral_pks) == sorted([old.pk, forwarded.pk])
    RetentionRun.objects.filter(pk=run.pk).update(  # audit: test data, the notice has run out
        erase_after=timezone.now() - datetime.timedelta(minutes=1)
    )
    retention_step()
    assert list(Referral.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Participant.objects.filter(pk=alone.pk).exists()
    assert Participant.objects.filter(pk=team.case.participant_id).exists()
    events = {e.data["referral"]: e.data for e in AuditEvent.objects.filter(action=AuditEvent.Action.REFERRAL_ERASED)}
    assert events[old.pk]["participant"] == alone.pk and events[forwarded.pk]["participant"] is None
    assert RetentionRun.objects.get(pk=run.pk).erased_referral_pks == sorted([old.pk, forwarded.pk])
