"""The hash chain: sealing keeps one line, verify_audit finds altered and deleted rows and links, and old heads."""

import datetime
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from audit import chain
from audit.models import AccessEvent, AuditEvent, ChainLink, ModelChange
from audit.services import audit_event_record
from tests.cases.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_seal_delay(monkeypatch):
    monkeypatch.setattr(chain, "SEAL_DELAY_SECONDS", -5)  # rows written by the test are sealed at once


def write_trail(user, n=30):
    participant = ParticipantFactory()  # a ModelChange row
    ct = ContentType.objects.get_for_model(participant)
    for i in range(n):
        audit_event_record(action=AuditEvent.Action.LOGIN, actor=user, subject_user=user)
        AccessEvent.objects.create(
            actor=user, kind="view", content_type=ct, object_pk=str(participant.pk), path=f"/{i}/"
        )


def without_triggers(sql, params=()):
    """What an attacker with the database owner's rights could do: switch the triggers off and rewrite."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def test_a_sealed_trail_verifies(user):
    write_trail(user)
    sealed = chain.chain_seal()
    assert sealed == AuditEvent.objects.count() + AccessEvent.objects.count() + ModelChange.objects.count()
    assert chain.chain_seal() == 0  # nothing twice
    result = chain.chain_verify()
    assert result.ok and result.links == sealed


def test_it_finds_an_altered_row_and_a_deleted_row(user):
    write_trail(user)
    chain.chain_seal()
    altered = AccessEvent.objects.order_by("pk")[5]
    deleted = AuditEvent.objects.order_by("pk")[7]
    without_triggers("UPDATE audit_accessevent SET path = '/innocent/' WHERE id = %s", [altered.pk])
    without_triggers("DELETE FROM audit_auditevent WHERE id = %s", [deleted.pk])
    result = chain.chain_verify()
    found = {(f.table, f.row_id, f.what) for f in result.findings}
    assert ("audit_accessevent", altered.pk, "the row was altered") in found
    assert ("audit_auditevent", deleted.pk, "the row was deleted") in found
    first = ChainLink.objects.get(table="audit_auditevent", row_id=deleted.pk).position
    assert result.findings[0].position == min(
        first, ChainLink.objects.get(table="audit_accessevent", row_id=altered.pk).position
    )
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


def test_it_finds_a_removed_link(user):
    write_trail(user, n=5)
    chain.chain_seal()
    victim = ChainLink.objects.order_by("position")[3]
    without_triggers("DELETE FROM audit_chainlink WHERE position = %s", [victim.pk])
    without_triggers(f"DELETE FROM {victim.table} WHERE id = %s", [victim.row_id])  # noqa: S608
    result = chain.chain_verify()
    assert not result.ok
    assert "does not follow its predecessor" in result.findings[0].what
    assert result.findings[0].position == victim.pk + 1


def test_rows_left_out_of_the_chain_are_reported(user):
    write_trail(user, n=1)
    chain.chain_seal()
    late = AccessEvent.objects.create(
        actor=user,
        kind="view",
        content_type=ContentType.objects.get_for_model(user),
        timestamp=timezone.now() - datetime.timedelta(hours=2),
    )
    without_triggers("DELETE FROM audit_chainlink WHERE \"table\" = 'audit_accessevent' AND row_id = %s", [late.pk])
    findings = chain.chain_verify().findings
    assert any(f.row_id == late.pk and "never sealed" in f.what for f in findings)


def test_a_restored_old_database_is_detected_by_the_exported_heads(user, tmp_path):
    heads = tmp_path / "heads.jsonl"
    write_trail(user, n=3)
    chain.chain_seal()
    chain.chain_head_export(path=heads)
    assert chain.chain_verify(heads_file=heads).ok
    # «Restoring last month's backup»: the newest rows and their links are gone, the rest is consistent.
    newest = ChainLink.objects.order_by("-position")[:4]
    for link in newest:
        without_triggers("DELETE FROM audit_chainlink WHERE position = %s", [link.pk])
        without_triggers(f"DELETE FROM {link.table} WHERE id = %s", [link.row_id])  # noqa: S608
    result = chain.chain_verify(heads_file=heads)
    assert [f.what for f in result.findings] == [f.what for f in result.findings if "restored" in f.what]
    assert len(result.findings) == 1


def test_the_chain_links_are_append_only(user):
    write_trail(user, n=1)
    chain.chain_seal()
    for sql in ("UPDATE audit_chainlink SET link_hash = 'x'", "DELETE FROM audit_chainlink"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_command_reports_an_unbroken_chain(user, capsys):
    write_trail(user, n=2)
    call_command("verify_audit", "--seal")
    assert "The audit chain is unbroken" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_concurrent_sealers_and_writers_keep_one_line(user):
    errors = []

    def work(i):
        try:
            for _ in range(10):
                audit_event_record(action=AuditEvent.Action.LOGIN, actor=user, subject_user=user)
                chain.chain_seal()
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    chain.chain_seal()
    result = chain.chain_verify()
    assert result.ok
    assert result.links == AuditEvent.objects.count() + AccessEvent.objects.count() + ModelChange.objects.count()
    positions = list(ChainLink.objects.order_by("position").values_list("prev_hash", "link_hash"))
    assert all(prev == positions[i - 1][1] for i, (prev, _h) in enumerate(positions) if i)  # one line, no fork


def test_a_column_added_to_a_trail_table_leaves_links_sealed_before_it_intact(user):
    """Links sealed under spec 1 hash access events without the columns specs 2 and 3 added."""
    participant = ParticipantFactory()
    event = AccessEvent.objects.create(
        actor=user,
        kind="view",
        content_type=ContentType.objects.get_for_model(participant),
        object_pk=str(participant.pk),
        participant_pks=[participant.pk],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {chain.content_hash_sql('audit_accessevent', 1)} FROM audit_accessevent t WHERE t.id = %s",  # noqa: S608
            [event.pk],
        )
        old_hash = cursor.fetchone()[0]
        cursor.execute(
            "SELECT encode(sha256(convert_to((to_jsonb(t) - 'case_pks' - 'participant_pks' - 'outside_assignment'"
            " - 'api_token_id')"
            "::text, 'UTF8')), 'hex') FROM audit_accessevent t WHERE t.id = %s",
            [event.pk],
        )
        assert cursor.fetchone()[0] == old_hash
    ChainLink.objects.create(
        table="audit_accessevent",
        row_id=event.pk,
        content_hash=old_hash,
        prev_hash=chain.GENESIS,
        link_hash=chain.link_hash(chain.GENESIS, "audit_accessevent", event.pk, old_hash),
        spec=1,
    )
    chain.chain_seal()
    assert chain.chain_verify().ok
    without_triggers("UPDATE audit_accessevent SET path = '/altered/' WHERE id = %s", [event.pk])
    assert [f.what for f in chain.chain_verify().findings] == ["the row was altered"]


def test_the_chain_knows_every_column_of_every_chained_table():
    """A column added to a chained table is a decision: in a stage, left unsealed, or a new spec.

    Otherwise a whole-row table's sealed rows would all look altered, or a
    staged record's new column would go unprotected without anyone deciding so.
    """
    with connection.cursor() as cursor:
        for entry in chain.chained():
            cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [entry.table])
            actual = {row[0] for row in cursor.fetchall()}
            assert actual == entry.columns, (
                f"{entry.table}: decide on {sorted(actual ^ entry.columns)} in its chain_register() "
                "(a stage, unsealed, or a new CHAIN_SPEC with columns_added)"
            )


def test_every_record_the_issue_names_is_chained():
    tables = set(chain.trail_tables())
    assert {
        "mentorsessions_mentorsession",
        "mentorsessions_sessionaddendum",
        "mentorsessions_concernsignal",
        "cases_consent",
        "cases_consentwithdrawal",
        "cases_emergencyaccess",
        "disclosures_disclosure",
        "audit_erasure",
        "audit_erasedrow",
    } <= tables
