"""Schemathesis against the committed schema, in process, as two roles with their own tokens: no 5xx, every
answer in the schema, input that breaks the schema refused (schemathesis' own checks). Sized to a few seconds
an operation (``max_examples``); the schema test keeps the file equal to the API.

Left out: «positive data acceptance». The schema gives types; the intake form's rules (a date of birth not in
the future, an identity number's checksum, guardians for a minor) refuse some schema-valid bodies with 400 and
Norwegian field errors, on purpose."""

from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from mentorprogram.accounts.tokens import api_token_create
from mentorprogram.roles import REFERRER, SLT_COORDINATOR
from tests.cases.factories import ReferralFactory

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = schemathesis.openapi.from_path(str(ROOT / "docs" / "openapi-v1.yaml"))
SCHEMA.app = WSGIHandler()

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(make_user):
    """A referrer with referrals of their own and an SLT coordinator, each with a read-and-write token."""
    # In process, each request would close the test's database connection at its end.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    made = {}
    for role in (REFERRER, SLT_COORDINATOR):
        user = make_user(role)
        user.is_verified = lambda: True
        made[role] = api_token_create(actor=user, name=f"fuzz {role}", scope="write", days=1)[1]
    referrer = make_user(REFERRER)
    for _ in range(3):
        ReferralFactory(submitted_by=referrer)
    yield made
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@SCHEMA.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_answers_what_its_schema_says_to_every_role(case, tokens):
    for token in tokens.values():
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, excluded_checks=[checks.positive_data_acceptance]
        )
