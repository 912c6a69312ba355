"""Schemathesis against the committed schema, in process, on the demo data of `make run`, as four roles with their
own tokens (referrer, SLT coordinator, coordinator, mentor): no 5xx, every answer in the schema, input that breaks
the schema refused (schemathesis' own checks). Small ids name real demo objects, so reads and writes reach the
services, not only the 404s. Sized to a few seconds an operation (``max_examples``); the schema test keeps the
file equal to the API.

Left out: «positive data acceptance». The schema gives types; the pages' forms and services (a date of birth not
in the future, an identity number's checksum, guardians for a minor, a measure's service in the consent) refuse
some schema-valid bodies with 400 and Norwegian field errors, on purpose."""

from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from mentorprogram.accounts.tokens import api_token_create
from mentorprogram.models import User
from tests.conftest import kept_for_the_module

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = schemathesis.openapi.from_path(str(ROOT / "docs" / "openapi-v1.yaml"))
SCHEMA.app = WSGIHandler()
ROLES = ("melder", "slt", "koordinator", "mentor")

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """The demo data and a read-and-write token for each of ROLES, seeded once for the module inside a transaction
    that is rolled back at its end (each operation's own test runs in a savepoint within it)."""
    from django.conf import settings as django_settings

    # In process, each request would close the test's database connection at its end.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with kept_for_the_module(django_db_blocker):
        debug, django_settings.DEBUG = django_settings.DEBUG, True  # seed_demo refuses to run without DEBUG
        try:
            call_command("seed_demo", verbosity=0)
        finally:
            django_settings.DEBUG = debug
        made = {}
        for username in ROLES:
            user = User.objects.get(username=username)
            user.is_verified = lambda: True
            made[username] = api_token_create(actor=user, name=f"fuzz {username}", scope="write", days=1)[1]
        yield made
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Per operation: the roles the operation refused outright (401/403: its permission, whatever the data).
REFUSED: dict[str, set[str]] = {}
_turn = iter(range(10**9))


def _roles_for(case, tokens) -> list[str]:
    """Fuzzed data goes to every role. The coverage phase's cases (each a boundary or a broken field, one by one)
    go to one role each, in turn among those the operation has not refused outright: a role refused for its
    permission learns nothing about the body from the next broken field."""
    if case.meta is None or case.meta.phase.name != "coverage":
        return list(tokens)
    open_roles = [role for role in tokens if role not in REFUSED.get(case.operation.label, set())] or list(tokens)
    return [open_roles[next(_turn) % len(open_roles)]]


@SCHEMA.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_answers_what_its_schema_says_to_every_role(case, tokens):
    for role in _roles_for(case, tokens):
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {tokens[role]}"}, excluded_checks=[checks.positive_data_acceptance]
        )
        if response.status_code in (401, 403):
            REFUSED.setdefault(case.operation.label, set()).add(role)
