"""As the runtime database role, the audit trail takes INSERTs and nothing else, triggers or no triggers."""

import os

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.management.commands.grant_runtime_role import TRAIL_TABLES
from audit.models import AccessEvent, AuditEvent, ChainLink, ModelChange
from disclosures.models import Disclosure
from tests.disclosures.factories import record_disclosure

pytestmark = pytest.mark.django_db

# Roles belong to the whole cluster, which the suite's processes (pytest-xdist) share.
ROLE = f"mentorprogram_runtime_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@pytest.fixture
def as_runtime_role():
    call_command("grant_runtime_role", role=ROLE)

    def run(sql, params=()):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{ROLE}"')
            cursor.execute(sql, params)

    return run


def refused(run, sql, params=()):
    with pytest.raises(DatabaseError) as caught:
        run(sql, params)
    return str(caught.value)


def test_the_runtime_role_may_not_update_delete_or_truncate_the_trail(as_runtime_role, user):
    from audit.services import audit_event_record

    audit_event_record(action=AuditEvent.Action.LOGIN, actor=user, subject_user=user)
    for table in TRAIL_TABLES:
        key = "position" if table == "audit_chainlink" else "id"
        statements = (f"UPDATE {table} SET {key} = {key}", f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE")  # noqa: S608
        for statement in statements:
            message = refused(as_runtime_role, statement)
            assert "permission denied" in message, (statement, message)


def test_the_runtime_role_writes_the_trail_and_the_application(as_runtime_role, user, team):
    participant_ct = ContentType.objects.get_for_model(team.case.participant)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{ROLE}"')
        event = AccessEvent.objects.create(actor=user, kind="view", content_type=participant_ct, object_pk="1")
        team.case.participant.district = "Grünerløkka"
        team.case.participant.save()  # an audited change: a ModelChange row, inserted by the runtime role
        assert ModelChange.objects.filter(object_pk=str(team.case.participant.pk)).exists()
        # Through the ORM too: no update path past the privileges.
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            AccessEvent.objects.filter(pk=event.pk).update(path="/rewritten/")  # audit: the test of the refusal
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            ChainLink.objects.all().delete()
    assert AccessEvent.objects.filter(pk=event.pk, path="").exists()


def test_disclosures_are_kept_by_their_triggers_for_the_runtime_role(as_runtime_role, team):
    disclosure = record_disclosure(team.mentor, team.case)
    for statement, message in (
        ("UPDATE disclosures_disclosure SET recipient = 'x' WHERE id = %s", "append-only: UPDATE"),
        ("DELETE FROM disclosures_disclosure WHERE id = %s", "records are voided or corrected, never removed"),
    ):
        assert message in refused(as_runtime_role, statement, [disclosure.pk])
    # The runtime role holds no TRUNCATE at all: the privilege refuses it before any trigger.
    assert "permission denied" in refused(as_runtime_role, "TRUNCATE disclosures_disclosure CASCADE")
    assert Disclosure.objects.filter(pk=disclosure.pk).exists()


def test_the_grant_can_run_again_after_every_migration():
    call_command("grant_runtime_role", role=ROLE)
    call_command("grant_runtime_role", role=ROLE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_name = 'audit_accessevent' ORDER BY 1",
            [ROLE],
        )
        assert [row[0] for row in cursor.fetchall()] == ["INSERT", "SELECT"]
