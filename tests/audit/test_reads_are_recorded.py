"""Every page that shows a participant's personal data records the read: walked over every route, as every role.

A marker name is planted on the fixture's participant and referral; any page
whose HTML carries it must have written an access event for its own address
and reader. A new view that forgets to record its read fails here.
"""

import pytest
from django.test import Client

from audit.models import AccessEvent
from tests.mentorprogram.factories import verified_login
from tests.mentorprogram.test_access import (  # noqa: F401  (fixtures)
    ALL_ROLES,
    all_routes,
    assigned_case,
    role_users,
    row_for,
    sample_url,
)

pytestmark = pytest.mark.django_db

MARKER = "Qxzlestmerke"


def test_every_page_that_shows_a_participant_records_the_read(role_users, assigned_case):  # noqa: F811
    participant = assigned_case.case.participant
    participant.last_name = MARKER
    participant.save()
    assigned_case.referral.last_name = MARKER
    assigned_case.referral.save()
    shown, unrecorded = [], []
    for role in ALL_ROLES:
        client = Client()
        verified_login(client, role_users[role])
        for name, route in all_routes():
            row = row_for(name)
            if not row or row.get(role) != 200 or name.startswith(("admin:", "api:")) or name == "logout":
                continue
            url = sample_url(route, assigned_case)
            response = client.get(url)
            if response.status_code != 200 or MARKER not in response.content.decode(errors="replace"):
                continue
            shown.append((role, name))
            path = url.split("?")[0]
            if not AccessEvent.objects.filter(actor=role_users[role], path=path).exists():
                unrecorded.append((role, name, url))
    assert shown, "the walk found no page with the participant: the marker was not planted"
    assert unrecorded == []
