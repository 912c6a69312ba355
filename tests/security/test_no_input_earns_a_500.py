"""No input earns a 500: every form field and query parameter of every page, as every role that reaches it.

Each role's pages are read for the names of their fields (inputs, selects,
textareas) and sent back with values chosen to break parsers: Unicode
digits, numbers past bigint, dates at the calendar's ends, NUL bytes, very
long text. First a fixed round (each value in every field, GET and POST),
then hypothesis mixes them with arbitrary text. Anything but a 5xx passes.
"""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import kept_for_the_module
from tests.mentorprogram.factories import UserFactory, verified_login
from tests.mentorprogram.test_access import ALL_ROLES, all_routes, make_assigned_case, row_for, sample_url

pytestmark = pytest.mark.django_db

NASTY = [
    "²",
    "٣",
    "99999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "1\x00",
    "x" * 5000,
    "",
]
# Routes that end the session or belong to other suites (the API has its own schema fuzzing).
SKIPPED = {"logout", "set_language"}
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _reachable(role):
    """(name, url, status) of each route ``role`` reaches: 200 pages and 405 POST-only actions."""
    for name, route in all_routes():
        if name in SKIPPED or name.startswith(("admin:", "api:")):
            continue
        row = row_for(name)
        status = row.get(role) if row else None
        if status in (200, 405):
            yield name, route, status


@pytest.fixture(scope="module")
def surface(django_db_setup, django_db_blocker):
    """Per role: a logged-in client, and each reachable route with the field names its page shows. Made once for
    the module (every page read as every role), rolled back at its end."""
    with kept_for_the_module(django_db_blocker):
        users = {role: UserFactory(roles=[role], otp=True) for role in ALL_ROLES}
        objects = make_assigned_case(users)
        out = {}
        for role in ALL_ROLES:
            client = Client(raise_request_exception=False)
            verified_login(client, users[role])
            routes, names = [], {"page"}
            for _name, route, status in _reachable(role):
                url = sample_url(route, objects)
                fields = set()
                if status == 200:
                    response = client.get(url)
                    assert response.status_code < 500, (role, url)
                    fields = set(FIELD_NAME.findall(response.content.decode(errors="replace"))) - {
                        "csrfmiddlewaretoken"
                    }
                    names |= fields
                routes.append((url, status, fields))
            out[role] = (client, routes, sorted(names))
        yield out


def _send(client, url, method, data):
    response = getattr(client, method)(url, data)
    assert response.status_code < 500, f"{method.upper()} {url} with {data!r:.300} answered {response.status_code}"


def test_no_page_or_action_answers_500_for_an_id_nobody_has(surface):
    for _role, (client, routes, _names) in surface.items():
        for url, status, _fields in routes:
            missing = re.sub(r"/\d+/", "/999999999/", url)
            if missing != url:
                _send(client, missing, "get" if status == 200 else "post", {})


def test_no_page_or_action_answers_500_to_values_that_break_parsers(surface):
    # A page that shows several roles the same fields runs the same form code for each: it is fuzzed
    # once, as the first of them (which role may reach it is the access matrix's question, not this one's).
    done = set()
    for _role, (client, routes, names) in surface.items():
        for url, status, fields in routes:
            if (url, status, frozenset(fields)) in done:
                continue
            done.add((url, status, frozenset(fields)))
            own = sorted(fields | {"page"}) if fields else names
            # A PDF reads no query parameter (the participant's access export, a plan, a receipt): one round shows
            # it ignores them; each further round only laid the same document out again (the access export of
            # this module's participant, read thousands of times by now, was 17 of this test's 57 s).
            for shift in range(1 if url.endswith(".pdf") else len(NASTY)):
                data = {name: NASTY[(i + shift) % len(NASTY)] for i, name in enumerate(own)}
                if status == 200:
                    _send(client, url, "get", data)
                if status == 405 or fields:
                    _send(client, url, "post", data)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_mix_of_values_answers_500(surface, data):
    role = data.draw(st.sampled_from(sorted(surface)))
    client, routes, names = surface[role]
    url, status, fields = data.draw(st.sampled_from(routes))
    chosen = data.draw(st.lists(st.sampled_from(sorted(fields) or names), max_size=6, unique=True))
    values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers().map(str))
    payload = {name: data.draw(values) for name in chosen}
    method = "get" if status == 200 and data.draw(st.booleans()) else "post"
    _send(client, url, method, payload)
