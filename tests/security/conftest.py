"""The attacker's tools: the application's own database role, and the schema owner for what only they can do."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

RUNTIME_ROLE = "mentorprogram_runtime_test"


@pytest.fixture
def runtime_sql(db):
    """runtime_sql(sql, params): run one statement as the runtime role (raises what PostgreSQL raises)."""
    call_command("grant_runtime_role", role=RUNTIME_ROLE)

    def run(sql, params=()):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{RUNTIME_ROLE}"')
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    return run


@pytest.fixture
def as_runtime_role(db):
    """with as_runtime_role(): everything inside runs as the runtime role, the ORM included."""
    from contextlib import contextmanager

    call_command("grant_runtime_role", role=RUNTIME_ROLE)

    @contextmanager
    def role():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{RUNTIME_ROLE}"')
            yield
            cursor.execute("RESET ROLE")

    return role


def refused(run, sql, params=()) -> str:
    """The error PostgreSQL answered ``sql`` with; fails the test when it was accepted."""
    with pytest.raises(DatabaseError) as caught:
        run(sql, params)
    return str(caught.value)


def as_owner_without_triggers(sql, params=()) -> None:
    """What only the schema owner can do: a statement with every trigger off (a rewritten database)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def log_session(team, **overrides):
    """A session the team's mentor logs on the team's case today, through the service."""
    import uuid

    from django.utils import timezone

    from mentorsessions.services import mentor_session_log

    fields = {
        "held_on": timezone.localdate(),
        "duration_minutes": 30,
        "mode": "meeting",
        "progress": "some",
        **overrides,
    }
    return mentor_session_log(actor=team.mentor, case=team.case, submission_key=uuid.uuid4(), **fields)
