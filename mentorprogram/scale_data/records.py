"""The generated records, table by table, in set-based SQL (see the package's text)."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cases.models import Case
from cases.services.assignments import ASSIGNMENT_GRANTS
from individualplans.models import IndividualPlan
from individualplans.permissions import COORDINATOR_RIGHTS
from mentorprogram.scale_data.names import (
    DISTRICTS,
    FIRST_NAMES,
    INTERESTS,
    LANGUAGES,
    LAST_NAMES,
    LIFE_AREAS,
    PREFIX,
    SERVICES,
    Sizes,
)


def _sql(cursor, statement: str, params: dict | None = None) -> None:
    # Generated fixture rows (DEBUG only, a database without people): their trail is written by scale_data.trail.
    # audit: generated fixture rows; the trail that stands for them is written explicitly and sealed
    cursor.execute(statement, params or {})


def _users(cursor, role: str, label: str, n: int) -> tuple[int, int]:
    """``n`` users in ``role`` (no usable password): the (first, last) id."""
    _sql(
        cursor,
        """
        INSERT INTO mentorprogram_user (password, is_superuser, username, first_name, last_name, is_staff, is_active,
                                        date_joined, email)
        SELECT '!', false, %(prefix)s || %(label)s || '-' || g, (%(first)s::text[])[1 + (g * 7) %% %(nf)s],
               (%(last)s::text[])[1 + (g * 13) %% %(nl)s], false, true, now() - interval '3 years',
               %(prefix)s || %(label)s || '-' || g || '@kommune.invalid'
          FROM generate_series(1::bigint, %(n)s) AS g
        """,
        {
            "prefix": PREFIX,
            "label": label,
            "n": n,
            "first": FIRST_NAMES,
            "last": LAST_NAMES,
            "nf": len(FIRST_NAMES),
            "nl": len(LAST_NAMES),
        },
    )
    _sql(
        cursor,
        """
        INSERT INTO mentorprogram_user_groups (user_id, group_id)
        SELECT u.id, %(group)s FROM mentorprogram_user u WHERE u.username LIKE %(pattern)s
        """,
        {"group": Group.objects.get(name=role).pk, "pattern": f"{PREFIX}{label}-%"},
    )
    # audit: a read of generated users' ids
    cursor.execute("SELECT min(id), max(id) FROM mentorprogram_user WHERE username LIKE %s", [f"{PREFIX}{label}-%"])
    return cursor.fetchone()


def _people_and_cases(cursor, sizes: Sizes, ids: dict) -> None:
    params = {
        "n": sizes.participants,
        "first": FIRST_NAMES,
        "last": LAST_NAMES,
        "nf": len(FIRST_NAMES),
        "nl": len(LAST_NAMES),
        "districts": DISTRICTS,
        "languages": LANGUAGES,
        "today": timezone.localdate(),
    }
    # Ages 13–30, most in their teens (the square of a uniform number leans young); a fifth on the exit track.
    _sql(
        cursor,
        """
        INSERT INTO cases_participant (first_name, last_name, date_of_birth, national_id, gender, languages, district,
                                       phone, email, guardians, created_at)
        SELECT (%(first)s::text[])[1 + (g * 7919) %% %(nf)s], (%(last)s::text[])[1 + (g * 104729) %% %(nl)s],
               %(today)s::date - (365 * 13 + (power(((g * 2654435761) %% 1000) / 1000.0, 2) * 365 * 17)::int),
               '', (ARRAY['female','male','male','unknown'])[1 + g %% 4],
               ARRAY[(%(languages)s::text[])[1 + (g * 31) %% 10]], (%(districts)s::text[])[1 + g %% 5],
               '', '', '', now() - make_interval(days => ((g * 7) %% 1825)::int)
          FROM generate_series(1::bigint, %(n)s) AS g
        """,
        params,
    )
    _sql(
        cursor,
        """
        INSERT INTO cases_case (participant_id, track, status, opened_at, outcome)
        SELECT p.id, CASE WHEN p.id %% 5 = 0 THEN 'exit' ELSE 'prevention' END, 'assessment', p.created_at, ''
          FROM cases_participant p ORDER BY p.id
        """,
    )
    # Along the workflow, as the database allows (a case starts in assessment): by the case's age, most active or
    # closed, some still in assessment or matching, a few paused or closing.
    for to_status, condition in (
        ("matching", "(c.id * 37) %% 100 >= 8"),
        ("active", "(c.id * 37) %% 100 >= 14"),
        ("paused", "(c.id * 37) %% 100 BETWEEN 14 AND 18"),
        ("closing", "(c.id * 37) %% 100 BETWEEN 19 AND 23 OR (c.id * 37) %% 100 >= 70"),
        ("closed", "(c.id * 37) %% 100 >= 70"),
    ):
        _sql(
            cursor,
            f"""
            INSERT INTO cases_casestatuschange (case_id, from_status, to_status, changed_by_id, changed_at, reason)
            SELECT c.id, c.status, %(to)s, %(slt)s, c.opened_at + interval '14 days', '' FROM cases_case c
             WHERE {condition};
            UPDATE cases_case c SET status = %(to)s,
                   outcome = CASE WHEN %(to)s = 'closed'
                                  THEN (ARRAY['completed','completed','completed','declined','moved',
                                              'transferred','other'])[1 + c.id %% 7] ELSE c.outcome END
             WHERE {condition};
            """,  # noqa: S608  (the conditions are the constants above)
            {"to": to_status, "slt": ids["slt"][0]},
        )


def _referrals(cursor, sizes: Sizes, ids: dict) -> None:
    """One accepted referral per case (the first ones), the rest forwarded, dropped or waiting in the queue."""
    _sql(
        cursor,
        """
        INSERT INTO cases_referral (source, source_organisation, referrer_name, referrer_phone, referrer_email,
            received_on, concern, criteria, urgency, first_name, last_name, date_of_birth, national_id, gender,
            languages, district, guardians, submitted_by_id, submitted_at, submission_key, status,
            participant_id, participant_decision, participant_decided_by_id, participant_decided_at,
            decided_by_id, decided_at, decision_reason, forwarded_to, case_id)
        SELECT (ARRAY['school','school','school','police','nav','child_welfare','refugee_service','health',
                      'prison_probation','family','other'])[1 + (g * 17) %% 11],
               'Generert virksomhet', 'Generert melder', '', '',
               coalesce(c.opened_at::date, %(today)s::date - (g %% 30)::int),
               'Generert bekymring for måling av ytelse.', '{}',
               (ARRAY['normal','normal','normal','normal','normal','normal','normal','normal','high','acute'])
                   [1 + (g * 7) %% 10],
               coalesce(p.first_name, 'Ukjent'), coalesce(p.last_name, 'Melding'),
               coalesce(p.date_of_birth, date '2009-01-01'), '', 'unknown', '{}', '', '',
               %(first_referrer)s + g %% %(referrers)s, coalesce(c.opened_at, now()) - interval '3 days',
               md5('skala-referral-' || g)::uuid,
               CASE WHEN c.id IS NOT NULL THEN 'accepted'
                    ELSE (ARRAY['forwarded','no_action','received','in_triage'])[1 + g %% 4] END,
               p.id, CASE WHEN c.id IS NOT NULL THEN 'new' ELSE '' END,
               CASE WHEN c.id IS NOT NULL THEN %(slt)s END, c.opened_at,
               CASE WHEN c.id IS NOT NULL OR g %% 4 < 2 THEN %(slt)s END,
               CASE WHEN c.id IS NOT NULL OR g %% 4 < 2 THEN coalesce(c.opened_at, now() - interval '1 day') END,
               CASE WHEN c.id IS NULL AND g %% 4 < 2 THEN 'Generert vurdering.' ELSE '' END,
               CASE WHEN c.id IS NULL AND g %% 4 = 0 THEN 'NAV' ELSE '' END, c.id
          FROM generate_series(1::bigint, %(n)s) AS g
          LEFT JOIN cases_case c ON c.id = %(first_case)s + g - 1 AND g <= %(cases)s
          LEFT JOIN cases_participant p ON p.id = c.participant_id
        """,
        {
            "n": sizes.referrals,
            "today": timezone.localdate(),
            "first_referrer": ids["referrer"][0],
            "referrers": ids["referrer"][1] - ids["referrer"][0] + 1,
            "slt": ids["slt"][0],
            "first_case": ids["first_case"],
            "cases": sizes.participants,
        },
    )


def _mentors(cursor, sizes: Sizes, ids: dict) -> None:
    _sql(
        cursor,
        """
        INSERT INTO mentors_mentor (user_id, is_active, employment, home_service, birth_year, gender, languages,
            ethnic_background, religious_background, interests, district, tracks, ideologies, age_groups,
            max_participants, hours_per_week, created_at, updated_at)
        SELECT u.id, u.id %% 20 <> 0, (ARRAY['municipal','bank','dedicated'])[1 + u.id %% 3], '',
               1960 + (u.id * 7) %% 42, (ARRAY['female','male'])[1 + u.id %% 2],
               ARRAY[(%(languages)s::text[])[1 + u.id %% 10], 'norsk'], '', '',
               ARRAY[(%(interests)s::text[])[1 + u.id %% 9], (%(interests)s::text[])[1 + (u.id * 3) %% 9]],
               (%(districts)s::text[])[1 + u.id %% 5],
               CASE WHEN u.id %% 2 = 0 THEN ARRAY['prevention','exit'] ELSE ARRAY['prevention'] END,
               '{}', '{}', 20, 4, now() - interval '3 years', now() - interval '3 years'
          FROM mentorprogram_user u WHERE u.id BETWEEN %(first)s AND %(last)s
        """,
        {
            "first": ids["mentor"][0],
            "last": ids["mentor"][1],
            "languages": LANGUAGES,
            "interests": INTERESTS,
            "districts": DISTRICTS,
        },
    )
    _sql(
        cursor,
        """
        INSERT INTO mentors_qualification (mentor_id, kind, completed_on, valid_until, recorded_by_id, recorded_at)
        SELECT m.id, k, current_date - ((m.id * 37) %% 1500)::int,
               CASE WHEN k = 'police_certificate' THEN current_date - ((m.id * 37) %% 1500)::int + 1095 END,
               %(slt)s, now() - interval '2 years'
          FROM mentors_mentor m CROSS JOIN unnest(ARRAY['training','police_certificate','confidentiality',
                                                     'safety_talk']) AS k
         WHERE (m.id + length(k)) %% 10 <> 0
        """,
        {"slt": ids["slt"][0]},
    )
    # 20 participants each: a national pool of 2,000 mentors holds some 28,000 active cases between them.


def _assignments_and_rights(cursor, sizes: Sizes, ids: dict) -> None:
    """A coordinator for every case (200 each), a mentor for each case that has reached matching's end; the object
    rights exactly as the assignments give them."""
    n_mentors = ids["mentor"][1] - ids["mentor"][0] + 1
    n_coordinators = ids["coordinator"][1] - ids["coordinator"][0] + 1
    _sql(
        cursor,
        """
        INSERT INTO cases_caseassignment (case_id, user_id, kind, started_at, ended_at, started_by_id, reason)
        SELECT c.id, %(first_coordinator)s + ((c.id - %(first_case)s) / %(per)s) %% %(n_coordinators)s, 'coordinator',
               c.opened_at, NULL, %(slt)s, ''
          FROM cases_case c;
        INSERT INTO cases_caseassignment (case_id, user_id, kind, started_at, ended_at, started_by_id, reason)
        SELECT c.id, %(first_mentor)s + (c.id * 7919 + 13) %% %(n_mentors)s, 'mentor',
               least(c.opened_at + interval '14 days', now() - interval '1 hour'),
               CASE WHEN c.status = 'closed' THEN now() END, %(slt)s, ''
          FROM cases_case c WHERE c.status <> 'assessment' AND c.status <> 'matching';
        """,
        {
            "first_case": ids["first_case"],
            "per": sizes.cases_per_coordinator,
            "first_coordinator": ids["coordinator"][0],
            "n_coordinators": n_coordinators,
            "first_mentor": ids["mentor"][0],
            "n_mentors": n_mentors,
            "slt": ids["slt"][0],
        },
    )
    case_type = ContentType.objects.get_for_model(Case)
    for kind, codenames in ASSIGNMENT_GRANTS.items():
        permissions = list(
            Permission.objects.filter(content_type=case_type, codename__in=codenames).values_list("pk", flat=True)
        )
        _sql(
            cursor,
            """
            INSERT INTO cases_caseuserobjectpermission (permission_id, user_id, content_object_id)
            SELECT DISTINCT perm, a.user_id, a.case_id
              FROM cases_caseassignment a CROSS JOIN unnest(%(permissions)s::int[]) AS perm
             WHERE a.kind = %(kind)s AND a.ended_at IS NULL
            ON CONFLICT DO NOTHING
            """,
            {"permissions": permissions, "kind": str(kind)},
        )


def _assessments(cursor) -> None:
    """A risk and needs assessment by the coordinator on every case past its assessment (and on half of those still
    in it), a fortnight after it opened; a second, newer one on every third exit-track case in work."""
    _sql(
        cursor,
        """
        INSERT INTO cases_assessment
            (case_id, risk_factors, protective_factors, push_factors, pull_factors, summary, assessed_by_id,
             assessed_at)
        SELECT c.id, 'Isolert fra venner, mye tid på lukkede forum.', 'God kontakt med en lærer og med mor.',
               'Opplever å bli avvist på skolen.', 'Fellesskap og status i gruppen.',
               'Moderat bekymring; mentor anbefales.', a.user_id,
               least(c.opened_at + make_interval(days => 10 + n * 180), now() - interval '1 hour')
          FROM cases_case c
          JOIN cases_caseassignment a ON a.case_id = c.id AND a.kind = 'coordinator'
         CROSS JOIN generate_series(0, 1) AS n
         WHERE (n = 0 AND (c.status <> 'assessment' OR c.id %% 2 = 0))
            OR (n = 1 AND c.track = 'exit' AND c.status IN ('active', 'paused') AND c.id %% 3 = 0)
        """,
    )


def _sessions(cursor, sizes: Sizes) -> None:
    """Spread over the mentored cases, weekly to fortnightly, over the last three years; recent ones on active
    cases."""
    _sql(
        cursor,
        """
        INSERT INTO mentorsessions_mentorsession
            (case_id, mentor_id, held_on, duration_minutes, mode, topics, notes, progress, next_step,
             recorded_at, submission_key, void_reason)
        SELECT a.case_id, a.user_id, d.held, 30 + (g %% 4) * 15,
               (ARRAY['meeting','meeting','activity','phone','video'])[1 + g %% 5],
               ARRAY[(ARRAY['school_work','leisure','family','identity','online'])[1 + g %% 5]],
               'Generert notat for måling av ytelse.', (ARRAY['some','good','none','setback'])[1 + (g * 3) %% 4],
               'Neste steg.', d.held + interval '19 hours', md5('skala-session-' || g)::uuid, ''
          FROM generate_series(1::bigint, %(n)s) AS g
          JOIN cases_caseassignment a ON a.id = %(first)s + (g::bigint * 7919) %% %(mentored)s
          CROSS JOIN LATERAL (SELECT greatest(a.started_at::date,
                                              current_date - ((g::bigint * 104729) %% 1095)::int) AS held) AS d
        """,
        {
            "n": sizes.sessions,
            "first": _first(cursor, "cases_caseassignment", "kind = 'mentor'"),
            "mentored": max(1, _count(cursor, "cases_caseassignment", "kind = 'mentor'")),
        },
    )


def _count(cursor, table: str, where: str = "true") -> int:
    # audit: a count of generated rows
    cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}")  # noqa: S608  (constants of this module)
    return cursor.fetchone()[0]


def _plans(cursor, sizes: Sizes) -> None:
    """Plans on the first active cases, by their coordinator, with consent, 4 goals and 2 measures each, and an
    evaluation on every fourth."""
    params = {"n": sizes.plans, "areas": LIFE_AREAS, "services": SERVICES, "today": timezone.localdate()}
    _sql(
        cursor,
        """
        CREATE TEMPORARY TABLE skala_plan_cases ON COMMIT DROP AS
        SELECT c.id AS case_id, c.participant_id, a.user_id AS coordinator_id, c.opened_at
          FROM cases_case c JOIN cases_caseassignment a ON a.case_id = c.id AND a.kind = 'coordinator'
         WHERE c.status IN ('active', 'paused') ORDER BY c.id LIMIT %(n)s;
        INSERT INTO cases_consent (case_id, services, given_by, guardian_name, valid_from, recorded_by_id, recorded_at)
        SELECT case_id, %(services)s, 'participant', '', opened_at::date + 20, coordinator_id,
               opened_at + interval '20 days' FROM skala_plan_cases;
        INSERT INTO individualplans_planconsent (consent_id, case_id, recorded_at)
        SELECT k.id, k.case_id, k.recorded_at FROM cases_consent k JOIN skala_plan_cases s USING (case_id);
        INSERT INTO individualplans_individualplan
            (case_id, participant_id, status, participant_words, services, first_evaluation_on, created_by_id,
             created_at, closing_note, version)
        SELECT case_id, participant_id, 'active', 'Jeg vil fullføre skolen, få en jobb og bo trygt.',
               ARRAY['nav', 'school'], %(today)s::date + (case_id %% 120)::int - 30, coordinator_id,
               opened_at + interval '21 days', '', 1 FROM skala_plan_cases;
        INSERT INTO individualplans_coordinatorperiod (plan_id, coordinator_id, period, handover_note, started_by_id)
        SELECT p.id, p.created_by_id, tstzrange(p.created_at, NULL), '', p.created_by_id
          FROM individualplans_individualplan p;
        INSERT INTO individualplans_plangoal
            (plan_id, life_area, wording, status, target_date, created_by_id, created_at, version)
        SELECT p.id, (%(areas)s::text[])[1 + ((p.id + g) %% 8)], 'Et mål med deltakerens egne ord, nummer ' || g || '.',
               (ARRAY['not_started', 'in_progress', 'achieved', 'paused'])[1 + ((p.id + g) %% 4)],
               %(today)s::date + ((p.id * g) %% 365)::int - 60, p.created_by_id, p.created_at, 1
          FROM individualplans_individualplan p CROSS JOIN generate_series(1, 4) AS g;
        INSERT INTO individualplans_planmeasure
            (plan_id, goal_id, description, service, responsible_person, starts_on, ends_on, status,
             created_by_id, created_at, version)
        SELECT g.plan_id, g.id, 'Tiltak ' || m || ': samtaler og oppfølging hver uke.',
               (%(services)s::text[])[1 + ((g.id + m) %% 5)], 'Kontaktperson ' || m,
               %(today)s::date - 200, %(today)s::date + 100, 'ongoing', g.created_by_id, g.created_at, 1
          FROM individualplans_plangoal g CROSS JOIN generate_series(1, 2) AS m;
        -- Every fourth plan (by its row, not its id) was evaluated: on its first evaluation's day, or yesterday
        -- if that has not come yet, never before the plan existed; the next is due half a year later. Plans past
        -- their first evaluation without one are overdue, which is what the reminders are for.
        INSERT INTO individualplans_planevaluation
            (plan_id, summary, changes, next_due_on, evaluated_by_id, evaluated_at)
        SELECT p.id, 'Gjennomgått med deltakeren: skolen går bedre, jobbsøkingen har ikke startet.',
               'Nytt tiltak hos NAV.', e.at::date + 180, p.created_by_id, e.at
          FROM (SELECT *, row_number() OVER (ORDER BY id) AS n FROM individualplans_individualplan) p
         CROSS JOIN LATERAL (
               SELECT greatest(least(p.first_evaluation_on, %(today)s::date - 1)::timestamptz + interval '10 hours',
                               p.created_at + interval '1 day') AS at
         ) e
         WHERE p.n %% 4 = 0 AND e.at < now();
        """,
        params,
    )
    permissions = list(
        Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(IndividualPlan), codename__in=COORDINATOR_RIGHTS
        ).values_list("pk", flat=True)
    )
    _sql(
        cursor,
        """
        INSERT INTO individualplans_individualplanuserobjectpermission (permission_id, user_id, content_object_id)
        SELECT perm, p.created_by_id, p.id
          FROM individualplans_individualplan p CROSS JOIN unnest(%(permissions)s::int[]) AS perm
        """,
        {"permissions": permissions},
    )


def _first(cursor, table: str, where: str = "true") -> int:
    # audit: a read of generated rows' first id
    cursor.execute(f"SELECT coalesce(min(id), 0) FROM {table} WHERE {where}")  # noqa: S608  (this module's constants)
    return cursor.fetchone()[0]
