"""The audit trail: append-only in PostgreSQL, masked values, reads recorded."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction

from audit.models import AccessEvent, AuditEvent, ModelChange
from audit.registry import registered_models
from audit.services import audit_event_record
from cases.models import CaseAssignment
from cases.services import case_assignment_start
from mentorprogram.roles import COORDINATOR, SLT_COORDINATOR
from tests.cases.factories import CaseFactory, ParticipantFactory
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

TRAIL_TABLES = ["audit_modelchange", "audit_auditevent", "audit_accessevent"]


@pytest.fixture
def trail_rows(user):
    """One row in each trail table."""
    participant = ParticipantFactory()
    audit_event_record(action=AuditEvent.Action.LOGIN, actor=user, subject_user=user)
    AccessEvent.objects.create(
        actor=user,
        kind=AccessEvent.Kind.VIEW,
        content_type=ContentType.objects.get_for_model(participant),
        object_pk=str(participant.pk),
    )
    assert ModelChange.objects.exists()


@pytest.mark.parametrize("table", TRAIL_TABLES)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_raw_sql_cannot_change_the_trail(trail_rows, table, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", TRAIL_TABLES)
def test_raw_sql_cannot_truncate_the_trail(trail_rows, table):
    # Committed rows, as in production (TRUNCATE in the test's own open
    # transaction would fail for another reason).
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")


@pytest.mark.parametrize("model", [ModelChange, AuditEvent, AccessEvent])
def test_the_orm_cannot_change_the_trail(trail_rows, model):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.all().update(remote_addr="127.0.0.1")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.all().delete()


def test_a_user_cannot_be_deleted(user):
    with (
        pytest.raises(DatabaseError, match="users are deactivated, never deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM mentorprogram_user WHERE id = %s", [user.pk])


def test_field_changes_name_the_fields_and_hide_the_values(user):
    participant = ParticipantFactory(first_name="Ingrid", last_name="Testesen")
    participant.first_name = "Ingri"
    participant.save()
    entries = list(
        ModelChange.objects.filter(object_pk=str(participant.pk), content_type__model="participant").order_by("pk")
    )
    assert [e.action for e in entries] == [ModelChange.Action.CREATE, ModelChange.Action.UPDATE]
    assert entries[1].changes == {"first_name": ["***", "***"]}
    for entry in entries:
        text = f"{entry.object_repr} {entry.changes} {entry.serialized_data}"
        assert "Ingrid" not in text and "Testesen" not in text and "Ingri" not in text
        assert entry.object_repr == f"participant {participant.pk}"


def test_codes_stay_readable_in_the_trail(make_user):
    case = CaseFactory(status="assessment")
    case.status = "matching"
    case.save()
    entry = ModelChange.objects.filter(content_type__model="case", object_pk=str(case.pk)).latest("pk")
    assert entry.changes == {"status": ["assessment", "matching"]}


def test_the_database_copies_the_actors_name_into_each_row(make_user):
    actor = make_user(SLT_COORDINATOR, first_name="Sigrid", last_name="Slt")
    event = audit_event_record(action=AuditEvent.Action.LOGIN, actor=actor)
    event.refresh_from_db()
    assert (event.actor_username, event.actor_name) == (actor.username, "Sigrid Slt")


def test_reads_of_a_case_are_access_events(client, make_user, verified_login):
    slt, coordinator = make_user(SLT_COORDINATOR), make_user(COORDINATOR)
    case = CaseFactory()
    case_assignment_start(actor=slt, case=case, user=coordinator, kind=CaseAssignment.Kind.COORDINATOR)
    verified_login(client, coordinator)
    client.get("/cases/")
    client.get(f"/cases/{case.pk}/")
    listed, viewed = AccessEvent.objects.order_by("pk")
    assert (listed.kind, listed.object_pks, listed.roles) == ("list", [str(case.pk)], COORDINATOR)
    assert (viewed.kind, viewed.object_pk, viewed.actor) == ("view", str(case.pk), coordinator)
    assert viewed.remote_addr == "127.0.0.1"


def test_a_refused_read_records_nothing(client, make_user, verified_login):
    case = CaseFactory()
    verified_login(client, make_user(COORDINATOR))
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert not AccessEvent.objects.filter(object_pk=str(case.pk)).exists()


# Models of the project's apps that are deliberately not registered with the audit, and why.
NOT_AUDITED = {
    # The trail itself: append-only and chained; auditing it would audit the audit.
    "audit.AccessEvent": "the trail",
    "audit.AuditEvent": "the trail",
    "audit.ModelChange": "the trail",
    "audit.ChainLink": "the trail's chain",
    "audit.Erasure": "the trail's erasure records, written by the database's own function",
    "audit.ErasedRow": "the trail's erasure records, written by the database's own trigger",
    "audit.RetentionPolicy": "a setting written by migrate",
    # Object rights: granted and revoked only by the assignment services, which record the events.
    "cases.CaseUserObjectPermission": "object rights, recorded as assignment events",
    "cases.CaseGroupObjectPermission": "object rights, recorded as assignment events",
    "steeringgroup.ReportCell": "a report's counts, written once with it and never changed (no personal data)",
    "individualplans.IndividualPlanUserObjectPermission": "object rights, recorded as plan handover events",
    "individualplans.IndividualPlanGroupObjectPermission": "object rights, recorded as plan handover events",
    # Notices hold ids and codes only (never a name); their sending is what the trail records.
    "notifications.Notification": "ids and codes only",
    "notifications.NotificationPreference": "which kinds a user wants by email",
    "notifications.OutboxItem": "background work, ids only",
    "notifications.ScheduleRun": "schedule bookkeeping",
}


def test_every_model_of_every_app_is_audited_or_says_why_not():
    """Derived from INSTALLED_APPS: a model a new app adds is audited unless it is listed above with a reason."""
    ours = {config.label for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    models = {m._meta.label for m in apps.get_models() if m._meta.app_label in ours}
    missing = sorted(models - set(registered_models()) - set(NOT_AUDITED))
    assert missing == [], f"register with audit.registry.audit_register, or say why not: {missing}"
    assert set(NOT_AUDITED) <= models, "a stale line in NOT_AUDITED"


def test_a_change_through_a_request_names_the_actor_and_address(client, make_user, user, verified_login):
    from mentorprogram.roles import ADMIN

    admin_user = make_user(ADMIN)
    verified_login(client, admin_user)
    response = client.post(
        f"/admin/mentorprogram/user/{user.pk}/change/",
        {
            "username": user.username,
            "first_name": "Nytt",
            "last_name": user.last_name,
            "email": user.email,
            "is_active": "on",
            "groups": [g.pk for g in user.groups.all()],
        },
    )
    assert response.status_code == 302
    entry = ModelChange.objects.filter(content_type__model="user", object_pk=str(user.pk)).latest("pk")
    assert entry.actor == admin_user and entry.actor_username == admin_user.username
    assert entry.remote_addr == "127.0.0.1"
    assert entry.changes == {"first_name": ["***", "***"]}
