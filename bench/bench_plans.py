"""Individual plans at regional scale: the plan page and the participant's PDF.

Targets (issue 15): with 20,000 plans of 5 goals and 10 measures each, the
plan page p95 ≤ 100 ms with a fixed number of queries, and the participant's
PDF median ≤ 2 s. The plans, their consents, coordinator periods, goals and
measures are generated with INSERT … SELECT (a fixture, not a user's write:
nothing of it is audited), in one transaction so that the database's own
check that every plan has exactly one coordinator runs at its commit.
"""

import datetime

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from bench.helpers import api_client, api_list, counted, verified_client
from cases.models import Case, Participant
from individualplans.models import IndividualPlan, IndividualPlanUserObjectPermission
from mentorprogram.models import User
from mentorprogram.roles import COORDINATOR

N_PLANS = 20_000
N_COORDINATORS = 200
GOALS_PER_PLAN = 5
MEASURES_PER_GOAL = 2
LIFE_AREAS = ["work", "education", "economy", "housing", "health", "network", "leisure", "identity"]
SERVICES = ["nav", "school", "child_welfare", "health_station", "mentor"]


def _fill(bench):
    n = bench.scaled(N_PLANS)
    opened = timezone.now() - datetime.timedelta(days=400)
    participants = Participant.objects.bulk_create(
        (
            Participant(first_name=f"Plan{i}", last_name="Benk", date_of_birth=datetime.date(2007, 1, 1))
            for i in range(n)
        ),
        batch_size=5000,
    )
    cases = Case.objects.bulk_create(
        (Case(participant=p, track="prevention", opened_at=opened) for p in participants), batch_size=5000
    )
    case_pks = [c.pk for c in cases]
    for step in ("matching", "active"):  # the database takes a case in its first status only
        Case.objects.filter(pk__in=case_pks).update(status=step)  # audit: bench data, walked along
    coordinators = User.objects.bulk_create(
        User(username=f"bench-plans-coordinator-{i}", first_name="Benk", last_name=f"Koordinator{i}")
        for i in range(N_COORDINATORS)
    )
    Group.objects.get(name=COORDINATOR).user_set.add(*coordinators)
    first_case, first_user = case_pks[0], coordinators[0].pk
    params = {
        "first_case": first_case,
        "last_case": case_pks[-1],
        "first_user": first_user,
        "n_users": N_COORDINATORS,
        "today": timezone.localdate(),
        "areas": LIFE_AREAS,
        "services": SERVICES,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_consent (case_id, services, given_by, guardian_name, valid_from, recorded_by_id, recorded_at)
            SELECT c.id, %(services)s, 'participant', '', %(today)s::date - 300, %(first_user)s, now() - interval '300 days'
              FROM cases_case c WHERE c.id BETWEEN %(first_case)s AND %(last_case)s;
            INSERT INTO individualplans_planconsent (consent_id, case_id, recorded_at)
            SELECT k.id, k.case_id, k.recorded_at FROM cases_consent k
             WHERE k.case_id BETWEEN %(first_case)s AND %(last_case)s;
            INSERT INTO individualplans_individualplan
                (case_id, participant_id, status, participant_words, services, first_evaluation_on, created_by_id,
                 created_at, closing_note, version)
            SELECT c.id, c.participant_id, 'active', 'Jeg vil fullføre skolen, få en jobb og bo trygt.',
                   ARRAY['nav', 'school'], %(today)s::date + (c.id %% 120)::int - 30,
                   %(first_user)s + (c.id %% %(n_users)s), now() - interval '290 days', '', 1
              FROM cases_case c WHERE c.id BETWEEN %(first_case)s AND %(last_case)s;
            INSERT INTO individualplans_coordinatorperiod (plan_id, coordinator_id, period, handover_note, started_by_id)
            SELECT p.id, p.created_by_id, tstzrange(p.created_at, NULL), '', p.created_by_id
              FROM individualplans_individualplan p WHERE p.case_id BETWEEN %(first_case)s AND %(last_case)s;
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO individualplans_plangoal
                (plan_id, life_area, wording, status, target_date, created_by_id, created_at, version)
            SELECT p.id, (%(areas)s::text[])[1 + ((p.id + g) %% 8)],
                   'Et mål med deltakerens egne ord, nummer ' || g || '.',
                   (ARRAY['not_started', 'in_progress', 'achieved', 'paused'])[1 + ((p.id + g) %% 4)],
                   %(today)s::date + ((p.id * g) %% 365)::int - 60, p.created_by_id, p.created_at, 1
              FROM individualplans_individualplan p CROSS JOIN generate_series(1, %(goals)s) AS g
             WHERE p.case_id BETWEEN %(first_case)s AND %(last_case)s
            """,
            {**params, "goals": GOALS_PER_PLAN},
        )
        cursor.execute(
            """
            INSERT INTO individualplans_planmeasure
                (plan_id, goal_id, description, service, responsible_person, starts_on, ends_on, status,
                 created_by_id, created_at, version)
            SELECT g.plan_id, g.id, 'Tiltak ' || m || ': samtaler og oppfølging hver uke.',
                   (%(services)s::text[])[1 + ((g.id + m) %% 5)], 'Kontaktperson ' || m,
                   %(today)s::date - 200, %(today)s::date + 100, 'ongoing', g.created_by_id, g.created_at, 1
              FROM individualplans_plangoal g
              JOIN individualplans_individualplan p ON p.id = g.plan_id
             CROSS JOIN generate_series(1, %(measures)s) AS m
             WHERE p.case_id BETWEEN %(first_case)s AND %(last_case)s
            """,
            {**params, "measures": MEASURES_PER_GOAL},
        )
    permissions = Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(IndividualPlan),
        codename__in=("view_individualplan", "change_individualplan"),
    )
    plans = IndividualPlan.objects.filter(case_id__in=case_pks).values_list("pk", "created_by_id")
    IndividualPlanUserObjectPermission.objects.bulk_create(
        (
            IndividualPlanUserObjectPermission(user_id=user_pk, permission=permission, content_object_id=plan_pk)
            for plan_pk, user_pk in plans
            for permission in permissions
        ),
        batch_size=10_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return coordinators[0]


def plan_page_and_pdf(bench):
    coordinator = _fill(bench)
    plan = IndividualPlan.objects.filter(created_by=coordinator).order_by("pk").first()
    size = (
        f"{IndividualPlan.objects.count()} plans, {GOALS_PER_PLAN} goals and "
        f"{GOALS_PER_PLAN * MEASURES_PER_GOAL} measures each"
    )
    client = verified_client(coordinator)
    url = f"/plans/{plan.pk}/"

    def page():
        response = client.get(url)
        assert response.status_code == 200

    page_samples = bench.time(page, n=bench.repeats(300, 50))
    with counted() as queries:
        page()
    other = IndividualPlan.objects.filter(created_by=coordinator).order_by("-pk").first()
    with counted() as other_queries:
        assert client.get(f"/plans/{other.pk}/").status_code == 200
    assert len(queries) == len(other_queries), "the plan page's query count depends on the plan"

    def pdf():
        response = client.get(f"/plans/{plan.pk}/plan.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")

    pdf_samples = bench.time(pdf, n=bench.repeats(20, 5), warmup=2)

    def plan_list():
        assert client.get("/plans/").status_code == 200

    list_samples = bench.time(plan_list, n=bench.repeats(200, 50))
    api_plans = api_list(
        bench, "plans list", api_client(coordinator), "/api/v1/plans/", n=bench.repeats(200, 50), data_size=size
    )
    return [
        bench.measure(f"plan page ({len(queries)} queries)", page_samples, data_size=size),
        bench.measure("participant's plan as PDF", pdf_samples, data_size=size),
        bench.measure("coordinator's plan list (100 plans)", list_samples, data_size=size),
        api_plans,
    ]


BENCHMARKS = [plan_page_and_pdf]
