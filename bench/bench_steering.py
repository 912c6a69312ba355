"""A one-year steering report at regional scale: from the click to the finished PDF, and the figures alone.

Targets (issue 16): over 50,000 cases, 500,000 sessions and 20,000 plans, the
whole build (figures in SQL, suppression, PDF) median ≤ 10 s, the figures
alone (SQL) ≤ 2 s. Runs after the sessions and plans benchmarks (the runner
takes the modules in name order and keeps their data), tops the cases up to
50,000 with referrals, closures and concern signals spread over the year, and
publishes one quarter first, so that the year is checked against it.
"""

import datetime

from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from mentorprogram.models import User
from mentorprogram.roles import SLT_COORDINATOR
from steeringgroup import figures, services
from steeringgroup.models import SteeringReport

N_CASES = 50_000


def _top_up(bench) -> None:
    target = bench.scaled(N_CASES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        missing = max(0, target - cursor.fetchone()[0])
        if missing:
            cursor.execute(
                """
                INSERT INTO cases_participant (first_name, last_name, date_of_birth, national_id, gender, languages,
                                               district, phone, email, guardians, created_at)
                SELECT 'Styr' || g, 'Benk', date '2006-01-01' + (g %% 2000), '', 'unknown', '{}', '', '', '', '', now()
                  FROM generate_series(1, %(n)s) AS g;
                INSERT INTO cases_case (participant_id, track, status, opened_at, outcome)
                SELECT p.id, CASE WHEN p.id %% 5 = 0 THEN 'exit' ELSE 'prevention' END, 'assessment',
                       now() - make_interval(days => (p.id %% 700)::int), ''
                  FROM cases_participant p WHERE p.last_name = 'Benk' AND p.first_name LIKE 'Styr%%'
                   AND NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.participant_id = p.id);
                """,
                {"n": missing},
            )
        # Referrals over the last year from every source, decided a few days later.
        cursor.execute(
            """
            INSERT INTO cases_referral (source, source_organisation, referrer_name, referrer_phone, referrer_email,
                received_on, concern, criteria, urgency, first_name, last_name, date_of_birth, national_id, gender,
                languages, district, guardians, submitted_by_id, submitted_at, submission_key, status,
                participant_decision, decided_by_id, decided_at, decision_reason, forwarded_to)
            SELECT (ARRAY['school','police','nav','child_welfare','refugee_service','health','prison_probation',
                          'family','other'])[1 + g %% 9], '', 'Benk', '', '', %(today)s::date - 5 - (g %% 360),
                   'Generert.', '{}', 'normal', 'Benk', 'Melding', date '2008-01-01', '', 'unknown', '{}', '', '',
                   %(user)s, now(), md5('steering' || g)::uuid,
                   (ARRAY['forwarded','no_action'])[1 + g %% 2], '', %(user)s,
                   (%(today)s::date - 5 - (g %% 360) + 4)::timestamp AT TIME ZONE 'Europe/Oslo', 'Generert.', 'Benk'
              FROM generate_series(1, %(referrals)s) AS g
            """,
            {"today": timezone.localdate(), "user": _slt().pk, "referrals": target // 2},
        )
        cursor.execute("ANALYZE")


def _slt():
    user, created = User.objects.get_or_create(
        username="bench-steering-slt", defaults={"first_name": "Benk", "last_name": "Slt"}
    )
    if created:
        user.groups.add(Group.objects.get(name=SLT_COORDINATOR))
    return User.objects.get(pk=user.pk)


def one_year_report(bench):
    _top_up(bench)
    slt = _slt()
    today = timezone.localdate()
    end = today.replace(day=1) - datetime.timedelta(days=1)
    start = (end.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    quarter_start, quarter_end = services.last_quarter(today)
    first = services.steering_report_request(actor=slt, start=quarter_start, end=quarter_end)
    services.steering_report_publish(actor=slt, report=services.steering_report_build(first.pk))

    def sql_only():
        figures.figures_compute(start, end)

    built = []

    def whole_build():
        report = services.steering_report_request(actor=slt, start=start, end=end)
        built.append(services.steering_report_build(report.pk))

    n = bench.repeats(7, 3)
    sql_samples = bench.time(sql_only, n=n, warmup=1)
    build_samples = bench.time(whole_build, n=n, warmup=1)
    assert all(report is not None and report.status == SteeringReport.Status.READY for report in built)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM mentorsessions_mentorsession),"
            " (SELECT count(*) FROM individualplans_individualplan)"
        )
        cases, sessions, plans = cursor.fetchone()
    size = f"{cases} cases, {sessions} sessions, {plans} plans; 12 months, checked against one published quarter"
    return [
        bench.measure("steering report figures (SQL)", sql_samples, data_size=size),
        bench.measure("steering report, click to PDF", build_samples, data_size=size),
    ]


BENCHMARKS = [one_year_report]
