"""Whatever path removes or changes a final record, ``verify_audit`` names it; no insertable event explains it away."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit import chain
from audit.models import AuditEvent
from audit.services import audit_event_record
from cases.services import consent_record, consent_withdraw, emergency_access_end, emergency_access_open
from mentorsessions.models import MentorSession
from mentorsessions.services import concern_signal_acknowledge, mentor_session_void
from tests.mentorprogram.factories import current_code
from tests.security.conftest import as_owner_without_triggers, log_session
from tests.support.db import backdate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seal_at_once(monkeypatch):
    monkeypatch.setattr(chain, "SEAL_DELAY_SECONDS", -5)


def findings():
    return [(f.table, f.row_id, f.what) for f in chain.chain_verify().findings]


@pytest.fixture
def old_session(team):
    """A session recorded two days ago: its edit window has closed and it is sealed."""
    session = log_session(
        team,
        held_on=timezone.localdate() - datetime.timedelta(days=2),
        notes="Snakket om skolen.",
        concern_level="serious",
        concern_description="Uro.",
    )
    backdate(MentorSession, session.pk, recorded_at=timezone.now() - datetime.timedelta(days=2))
    chain.chain_seal()
    return session


def test_a_session_is_sealed_once_its_window_closes(team, old_session):
    fresh = log_session(team, mode="phone")
    chain.chain_seal()
    sealed = set(chain.ChainLink.objects.filter(table="mentorsessions_mentorsession").values_list("row_id", "stage"))
    assert (old_session.pk, "") in sealed and (fresh.pk, "") not in sealed
    assert chain.chain_verify().ok


def test_verify_names_a_deleted_session_and_a_forged_erasure_does_not_hide_it(team, old_session, runtime_sql):
    as_owner_without_triggers("DELETE FROM mentorsessions_concernsignal WHERE session_id = %s", [old_session.pk])
    as_owner_without_triggers("DELETE FROM mentorsessions_mentorsession WHERE id = %s", [old_session.pk])
    # The attacker writes an erasure event as the runtime role, backdated, naming the row.
    runtime_sql(
        "INSERT INTO audit_auditevent (category, action, object_pk, data, timestamp, actor_username, actor_name) "
        "VALUES ('domain', 'case_erased', '', %s, now() - interval '1 day', '', '')",
        [json.dumps({"case": team.case.pk, "erased_rows": {"mentorsessions_mentorsession": [old_session.pk]}})],
    )
    chain.chain_seal()
    found = findings()
    assert ("mentorsessions_mentorsession", old_session.pk, "the row was deleted") in found
    forged = AuditEvent.objects.get(action=AuditEvent.Action.CASE_ERASED)
    assert ("audit_auditevent", forged.pk, "an erasure event that no erasure record backs (forged)") in found
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


def test_verify_names_an_altered_session_and_an_undone_void(team, old_session):
    mentor_session_void(actor=team.mentor, session=old_session, reason="Feil deltaker.")
    chain.chain_seal()
    assert chain.chain_verify().ok
    as_owner_without_triggers(
        "UPDATE mentorsessions_mentorsession SET voided_at = NULL, voided_by_id = NULL, void_reason = '', "
        "notes = 'Omskrevet.' WHERE id = %s",
        [old_session.pk],
    )
    found = findings()
    assert ("mentorsessions_mentorsession", old_session.pk, "the row was altered") in found
    assert ("mentorsessions_mentorsession", old_session.pk, "the row's «voided» step was altered") in found


def test_verify_names_a_changed_acknowledgement(team, old_session):
    signal = old_session.concern
    concern_signal_acknowledge(actor=team.coordinator, signal=signal, note="Fulgt opp.")
    chain.chain_seal()
    as_owner_without_triggers(
        "UPDATE mentorsessions_concernsignal SET acknowledgement = 'Noe annet.' WHERE id = %s", [signal.pk]
    )
    assert ("mentorsessions_concernsignal", signal.pk, "the row's «acknowledged» step was altered") in findings()


def test_verify_names_a_deleted_consent_and_a_deleted_withdrawal(team):
    consent = consent_record(
        actor=team.coordinator,
        case=team.case,
        services=["nav"],
        given_by="participant",
        valid_from=timezone.localdate(),
    )
    consent = consent_withdraw(actor=team.coordinator, consent=consent)
    chain.chain_seal()
    assert chain.chain_verify().ok
    as_owner_without_triggers("DELETE FROM cases_consentwithdrawal WHERE id = %s", [consent.withdrawal.pk])
    as_owner_without_triggers("DELETE FROM cases_consent WHERE id = %s", [consent.pk])
    found = findings()
    assert ("cases_consent", consent.pk, "the row was deleted") in found
    assert ("cases_consentwithdrawal", consent.withdrawal.pk, "the row was deleted") in found


def test_verify_names_a_shortened_emergency_access(team):
    grant = emergency_access_open(
        actor=team.slt, case=team.case, legal_basis="danger", reason="Akutt.", otp_token=current_code(team.slt)
    )
    emergency_access_end(actor=team.slt, grant=grant)
    chain.chain_seal()
    as_owner_without_triggers(
        "UPDATE cases_emergencyaccess SET reason = 'Rutine.', ended_at = NULL WHERE id = %s", [grant.pk]
    )
    found = findings()
    assert ("cases_emergencyaccess", grant.pk, "the row was altered") in found
    assert ("cases_emergencyaccess", grant.pk, "the row's «ended» step was altered") in found


def test_verify_says_when_the_chain_is_behind_or_differs_from_the_exported_heads(team, tmp_path, settings):
    heads = tmp_path / "heads.jsonl"
    settings.AUDIT_HEAD_EXPORT_PATH = str(heads)
    audit_event_record(action=AuditEvent.Action.LOGIN, actor=team.slt, subject_user=team.slt)
    chain.chain_seal()
    exported = chain.chain_head_export(path=heads)
    assert chain.chain_verify().ok  # the heads file is read by default
    # A database restored from a backup taken before the newest link.
    as_owner_without_triggers("DELETE FROM audit_chainlink WHERE position = %s", [exported["position"]])
    what = [f.what for f in chain.chain_verify().findings]
    assert any("behind the head exported" in w for w in what), what
    # A rewritten chain: the head's position holds another hash.
    heads.write_text(json.dumps({**exported, "position": exported["position"] - 1, "link_hash": "f" * 64}) + "\n")
    what = [f.what for f in chain.chain_verify().findings]
    assert any("differs from the head exported" in w for w in what), what
