"""The trail of the generated work: model changes and access events, written explicitly (then sealed)."""

from django.contrib.contenttypes.models import ContentType

from cases.models import Case
from mentorprogram.scale_data.names import Sizes
from mentorprogram.scale_data.records import _count, _first, _sql


def _trail(cursor, sizes: Sizes) -> None:
    """The trail of that work: a creation for each generated record (as far as the budget goes), then the reads
    (access events: views and lists of cases by the people assigned to them, over three years)."""
    case_type = ContentType.objects.get_for_model(Case).pk
    budget = sizes.trail
    for model, table, actor in (
        ("cases.participant", "cases_participant", "NULL::bigint"),
        ("cases.case", "cases_case", "NULL::bigint"),
        ("cases.referral", "cases_referral", "t.submitted_by_id"),
        ("cases.assessment", "cases_assessment", "t.assessed_by_id"),
        ("mentorsessions.mentorsession", "mentorsessions_mentorsession", "t.mentor_id"),
        ("individualplans.individualplan", "individualplans_individualplan", "t.created_by_id"),
        ("individualplans.plangoal", "individualplans_plangoal", "t.created_by_id"),
        ("individualplans.planmeasure", "individualplans_planmeasure", "t.created_by_id"),
        ("individualplans.planevaluation", "individualplans_planevaluation", "t.evaluated_by_id"),
    ):
        if budget <= 0:
            break
        app_label, model_name = model.split(".")
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name).pk
        _sql(
            cursor,
            f"""
            INSERT INTO audit_modelchange (object_repr, changes_text, changes, timestamp, actor_username, actor_name,
                                           content_type_id, object_pk, object_id, action, actor_id)
            SELECT %(label)s || ' ' || t.id, '', '{{}}'::jsonb, now() - make_interval(days => (t.id %% 1095)::int),
                   '', '', %(content_type)s, t.id::text, t.id, 0, {actor}
              FROM {table} t ORDER BY t.id LIMIT %(budget)s
            """,  # noqa: S608  (tables and columns are the constants above)
            {"label": model_name, "content_type": content_type, "budget": budget},
        )
        budget -= cursor.rowcount
    if budget > 0:
        _sql(
            cursor,
            """
            INSERT INTO audit_accessevent (actor_id, actor_username, actor_name, roles, kind, content_type_id,
                   object_pk, object_pks, case_pks, participant_pks, outside_assignment, path, timestamp)
            SELECT a.user_id, '', '', a.kind, (ARRAY['view','view','view','list'])[1 + g %% 4], %(case_type)s,
                   a.case_id::text, '[]', ARRAY[a.case_id::bigint], ARRAY[c.participant_id::bigint], false,
                   '/cases/' || a.case_id || '/',
                   now() - make_interval(mins => ((g::bigint * 7919) %% (1095 * 24 * 60))::int)
              FROM generate_series(1::bigint, %(n)s) AS g
              JOIN cases_caseassignment a ON a.id = %(first)s + (g::bigint * 104729) %% %(assignments)s
              JOIN cases_case c ON c.id = a.case_id
            """,
            {
                "n": budget,
                "case_type": case_type,
                "first": _first(cursor, "cases_caseassignment"),
                "assignments": max(1, _count(cursor, "cases_caseassignment")),
            },
        )
