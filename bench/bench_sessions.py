"""Mentor sessions at regional scale: saving a session, the mentor's home, the coordinator's overview.

Target (issue 7): saving a session, audit and notification outbox included,
p95 ≤ 100 ms with 500,000 sessions in the database. The saves go through the
whole stack (middleware, form, service, django-auditlog, outbox) as a phone's
POST would. The existing sessions are generated with one INSERT … SELECT
(a fixture, not a user's write: nothing of it is audited).
"""

import datetime
import random
import uuid

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from bench.helpers import api_client, api_list, verified_client
from cases.models import Case, CaseAssignment, CaseUserObjectPermission, Participant
from mentorprogram.models import User
from mentorprogram.roles import COORDINATOR, MENTOR
from mentorsessions.models import MentorSession

N_SESSIONS = 500_000
N_CASES = 5_000
N_MENTORS = 500
CASES_PER_COORDINATOR = 200


def _grant(user, cases, *codenames):
    perms = Permission.objects.filter(content_type=ContentType.objects.get_for_model(Case), codename__in=codenames)
    CaseUserObjectPermission.objects.bulk_create(
        CaseUserObjectPermission(user=user, permission=p, content_object=c) for c in cases for p in perms
    )


def _fill(bench):
    n_cases, n_sessions = bench.scaled(N_CASES), bench.scaled(N_SESSIONS)
    today = timezone.localdate()
    opened = timezone.now() - datetime.timedelta(days=3 * 365)
    participants = Participant.objects.bulk_create(
        Participant(
            first_name=f"Deltaker{i}",
            last_name="Benk",
            date_of_birth=datetime.date(2008, 1, 1) + datetime.timedelta(days=i % 3000),
        )
        for i in range(n_cases)
    )
    cases = Case.objects.bulk_create(Case(participant=p, track="prevention", opened_at=opened) for p in participants)
    for step in ("matching", "active"):  # the database takes a case in its first status only
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(status=step)  # audit: bench data, walked along
    for case in cases:
        case.status = "active"
    mentor_group = Group.objects.get(name=MENTOR)
    mentors = User.objects.bulk_create(
        User(username=f"bench-sessions-mentor-{i}", first_name="Benk", last_name=f"Mentor{i}") for i in range(N_MENTORS)
    )
    mentor_group.user_set.add(*mentors)
    coordinator = User.objects.create(username="bench-sessions-coordinator", first_name="Benk", last_name="Koordinator")
    coordinator.groups.add(Group.objects.get(name=COORDINATOR))
    assignments = [
        CaseAssignment(case=c, user=mentors[i % len(mentors)], kind="mentor", started_by=coordinator)
        for i, c in enumerate(cases)
    ]
    assignments += [
        CaseAssignment(case=c, user=coordinator, kind="coordinator", started_by=coordinator)
        for c in cases[:CASES_PER_COORDINATOR]
    ]
    CaseAssignment.objects.bulk_create(assignments, batch_size=5000)
    first_case, last_case = cases[0].pk, cases[-1].pk
    with connection.cursor() as cursor:
        # Spread the sessions over the cases and the last three years.
        cursor.execute(
            """
            INSERT INTO mentorsessions_mentorsession
                (case_id, mentor_id, held_on, duration_minutes, mode, topics, notes, progress, next_step,
                 recorded_at, submission_key, void_reason)
            SELECT c.id, a.user_id, %(today)s::date - ((g::bigint * 7919) %% 1095)::int, 30 + (g %% 4) * 15, 'meeting',
                   ARRAY['school_work'], 'Generert notat for ytelsesmåling.', 'some', 'Neste steg.',
                   now() - make_interval(days => ((g::bigint * 7919) %% 1095)::int), md5(g::text)::uuid, ''
              FROM generate_series(1, %(n)s) AS g
              JOIN cases_case c ON c.id = %(first)s + (g %% (%(last)s - %(first)s + 1))
              JOIN cases_caseassignment a ON a.case_id = c.id AND a.kind = 'mentor'
            """,
            {"today": today, "n": n_sessions, "first": first_case, "last": last_case},
        )
        # As autovacuum would have done on a database that grew to this size.
        cursor.execute("ANALYZE")
    return cases, mentors, coordinator


def save_session(bench):
    cases, mentors, coordinator = _fill(bench)
    mentor = mentors[0]
    mentor_cases = set(CaseAssignment.objects.filter(user=mentor, kind="mentor").values_list("case_id", flat=True))
    held = [c for c in cases if c.pk in mentor_cases]
    _grant(mentor, held, "view_case", "log_session", "view_sessions")
    _grant(coordinator, cases[:CASES_PER_COORDINATOR], "view_case", "change_case", "view_sessions")
    case = held[0]
    size = f"{MentorSession.objects.count()} sessions, {len(cases)} cases"
    n = bench.repeats(200, 50)
    rng = random.Random(2026)
    client = verified_client(mentor)
    url = f"/sessions/cases/{case.pk}/new/"

    def post(concern: str):
        data = {
            "submission_key": str(uuid.uuid4()),
            "held_on": timezone.localdate().isoformat(),
            "duration_minutes": str(rng.choice([30, 45, 60, 90])),
            "mode": "meeting",
            "topics": ["school_work", "leisure"],
            "notes": "Vi gikk en tur og snakket om skolen og fotballtreningen.",
            "progress": "some",
            "next_step": "Besøke ungdomsklubben.",
            "next_meeting_on": "",
            "concern_level": concern,
            "concern_description": "Deler lenker fra et forum." if concern else "",
        }
        response = client.post(url, data)
        assert response.status_code == 302, response.status_code

    results = [
        bench.measure("save a session (audit included)", bench.time(lambda: post(""), n=n), data_size=size),
        bench.measure(
            "save a session with a concern (+ outbox)", bench.time(lambda: post("worry"), n=n), data_size=size
        ),
    ]

    def draft():
        response = client.post(f"/sessions/cases/{case.pk}/draft/", {"notes": "Halvveis skrevet", "mode": "phone"})
        assert response.status_code == 200

    results.append(bench.measure("autosave a session draft", bench.time(draft, n=n), data_size=size))

    def home():
        assert client.get("/sessions/").status_code == 200

    results.append(bench.measure(f"mentor's home ({len(held)} participants)", bench.time(home, n=n), data_size=size))
    coordinator_client = verified_client(coordinator)

    def overview():
        assert coordinator_client.get("/sessions/overview/").status_code == 200

    results.append(
        bench.measure(
            f"coordinator's overview ({CASES_PER_COORDINATOR} cases)", bench.time(overview, n=n), data_size=size
        )
    )
    coordinator_api = api_client(coordinator)
    results += [
        api_list(
            bench, "a case's sessions", coordinator_api, f"/api/v1/cases/{case.pk}/sessions/", n=n, data_size=size
        ),
        api_list(bench, "open concern signals", coordinator_api, "/api/v1/concern-signals/", n=n, data_size=size),
    ]
    return results


BENCHMARKS = [save_session]
