"""Individual plans: consent first, one active plan, one coordinator at every moment, nothing overwritten unseen.

Each rule is tested twice: the service refuses with a Norwegian message, and
the database refuses the same thing when the service is bypassed (raw SQL as
the application's own runtime role).
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, CaseAssignment, Consent
from cases.services import case_assignment_start, consent_withdraw
from individualplans import permissions, selectors, services
from individualplans.models import CoordinatorPeriod, IndividualPlan, LifeArea, PlanGoal, PlanMeasure
from mentorprogram.partners import PartnerService
from mentorprogram.roles import COORDINATOR, STEERING_GROUP
from notifications.models import OutboxItem
from tests.cases.factories import CaseFactory
from tests.individualplans.factories import add_goal, add_measure, consent_to_plan, evaluate, start_plan

pytestmark = pytest.mark.django_db

ROLE = "mentorprogram_runtime_test"


def checked_at_commit():
    """Fire the deferred constraint triggers now, as COMMIT would."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def as_runtime_role():
    call_command("grant_runtime_role", role=ROLE)

    def run(*statements):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{ROLE}"')
            for sql, params in statements:
                cursor.execute(sql, params)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    return run


def notices(kind):
    return [item.payload for item in OutboxItem.objects.all() if item.payload.get("kind") == kind]


# --- Consent first ------------------------------------------------------------------------


def test_a_plan_is_made_only_with_a_consent_in_force(team):
    with pytest.raises(ValidationError, match="samtykke"):
        start_plan(team.coordinator, team.case, consent=False)
    consent = consent_to_plan(team.coordinator, team.case)
    assert Consent.objects.filter(pk=consent.pk, plan_consent__isnull=False).exists()
    plan = start_plan(team.coordinator, team.case, consent=False)
    checked_at_commit()
    assert plan.is_active and plan.participant_id == team.case.participant_id


def test_a_guardian_consents_only_while_the_participant_is_under_18(team):
    team.case.participant.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 30)
    team.case.participant.save()
    with pytest.raises(ValidationError, match="18"):
        services.plan_consent_record(
            actor=team.coordinator,
            case=team.case,
            services=[PartnerService.NAV],
            given_by=Consent.GivenBy.GUARDIAN,
            guardian_name="Mor",
            valid_from=timezone.localdate(),
            valid_to=None,
        )


def test_withdrawing_the_consent_stops_work_at_once_and_tells_the_coordinator(team, make_user):
    other = make_user(COORDINATOR)
    plan = start_plan(team.coordinator, team.case, coordinator=other)
    goal = add_goal(other, plan)
    consent = Consent.objects.get(case=team.case, plan_consent__isnull=False)
    assert selectors.case_page_plan(case=Case.objects.get(pk=team.case.pk), user=other)["plan_section"][
        "consent_in_force"
    ]
    consent_withdraw(actor=team.coordinator, consent=consent)  # on the case page, by the case's coordinator
    assert not permissions.may_edit_plan(other, plan)
    # The case page says work has stopped (read from the case's consents, as the database's rule has it).
    section = selectors.case_page_plan(case=Case.objects.get(pk=team.case.pk), user=other)["plan_section"]
    assert not section["consent_in_force"] and not permissions.plan_consent_in_force(team.case.pk)
    with pytest.raises(ValidationError, match="samtykke"):
        add_goal(other, plan)
    with pytest.raises(ValidationError, match="samtykke"):
        services.goal_update(
            actor=other,
            goal=goal,
            version=1,
            wording="Ny",
            life_area="work",
            status="achieved",
            target_date=goal.target_date,
        )
    assert [n["recipient"] for n in notices("plan_consent_withdrawn")] == [other.pk]
    # The mentor read the plan because the consent covered the mentor; not any more.
    assert not permissions.may_read_plan(team.mentor, plan)
    # The coordinator still reads it, and is told why nothing can be done.
    assert selectors.plan_page(plan=plan).consent_in_force is False


# --- One active plan ----------------------------------------------------------------------


def test_one_active_plan_per_participant_by_the_service_and_by_the_database(team, as_runtime_role):
    plan = start_plan(team.coordinator, team.case)
    with pytest.raises(ValidationError, match="allerede en aktiv individuell plan"):
        start_plan(team.coordinator, team.case, consent=False)
    with pytest.raises(DatabaseError, match="one_active_plan_per_participant"):
        as_runtime_role(
            (
                "INSERT INTO individualplans_individualplan (case_id, participant_id, status, participant_words,"
                " services, first_evaluation_on, created_by_id, created_at, closing_note, version)"
                " VALUES (%s, %s, 'active', '', '{}', %s, %s, now(), '', 1)",
                [plan.case_id, plan.participant_id, timezone.localdate(), team.coordinator.pk],
            )
        )


def test_a_plan_without_a_coordinator_is_refused_at_commit(team, as_runtime_role):
    consent_to_plan(team.coordinator, team.case)
    with pytest.raises(DatabaseError, match="exactly one responsible coordinator"):
        as_runtime_role(
            (
                "INSERT INTO individualplans_individualplan (case_id, participant_id, status, participant_words,"
                " services, first_evaluation_on, created_by_id, created_at, closing_note, version)"
                " VALUES (%s, %s, 'active', '', '{}', %s, %s, now(), '', 1)",
                [team.case.pk, team.case.participant_id, timezone.localdate(), team.coordinator.pk],
            )
        )


# --- One coordinator at every moment --------------------------------------------------------


def test_a_handover_moves_the_rights_at_once_and_tells_both(team, make_user):
    successor = make_user(COORDINATOR)
    plan = start_plan(team.coordinator, team.case)
    assert permissions.may_edit_plan(team.coordinator, plan)
    assert not permissions.may_read_plan(successor, plan)

    services.plan_hand_over(actor=team.coordinator, plan=plan, to=successor, note="Hun kjenner familien.")
    checked_at_commit()

    # Fresh user objects: django-guardian caches rights on the object it asked for.
    old = type(team.coordinator).objects.get(pk=team.coordinator.pk)
    new = type(successor).objects.get(pk=successor.pk)
    assert permissions.may_edit_plan(new, plan) and not permissions.may_read_plan(old, plan)
    periods = list(CoordinatorPeriod.objects.filter(plan=plan).order_by("period"))
    assert [p.coordinator for p in periods] == [team.coordinator, successor]
    assert periods[0].period.upper == periods[1].period.lower and periods[1].period.upper is None
    actions = set(AuditEvent.objects.filter(object_pk=str(plan.pk)).values_list("action", flat=True))
    assert {"plan_coordinator_started", "plan_coordinator_ended"} <= actions
    assert [n["recipient"] for n in notices("plan_handed_to_you")] == [successor.pk]
    assert [n["recipient"] for n in notices("plan_handed_away")] == [team.coordinator.pk]


def test_a_handover_needs_a_note_and_a_coordinator(team, make_user):
    plan = start_plan(team.coordinator, team.case)
    with pytest.raises(ValidationError, match="overføringsnotat"):
        services.plan_hand_over(actor=team.coordinator, plan=plan, to=make_user(COORDINATOR), note=" ")
    with pytest.raises(ValidationError, match="kan ikke være"):
        services.plan_hand_over(actor=team.coordinator, plan=plan, to=make_user(COORDINATOR, STEERING_GROUP), note="x")
    with pytest.raises(ValidationError, match="allerede"):
        services.plan_hand_over(actor=team.coordinator, plan=plan, to=team.coordinator, note="x")
    with pytest.raises(PermissionDenied):
        services.plan_hand_over(actor=team.mentor, plan=plan, to=make_user(COORDINATOR), note="x")


def test_two_coordinators_at_once_are_refused_by_the_database(team, make_user, as_runtime_role):
    plan = start_plan(team.coordinator, team.case)
    intruder = make_user(COORDINATOR)
    with pytest.raises(DatabaseError, match="plan_coordinators_never_overlap"):
        as_runtime_role(
            (
                "INSERT INTO individualplans_coordinatorperiod (plan_id, coordinator_id, period, handover_note,"
                " started_by_id) VALUES (%s, %s, tstzrange(clock_timestamp(), NULL), '', %s)",
                [plan.pk, intruder.pk, intruder.pk],
            )
        )


def test_a_gap_between_coordinators_is_refused_by_the_database(team, make_user, as_runtime_role):
    plan = start_plan(team.coordinator, team.case)
    successor = make_user(COORDINATOR)
    period = CoordinatorPeriod.objects.get(plan=plan)
    with pytest.raises(DatabaseError, match="exactly one responsible coordinator"):
        as_runtime_role(
            (
                "UPDATE individualplans_coordinatorperiod SET period = tstzrange(lower(period), clock_timestamp()) WHERE id = %s",
                [period.pk],
            ),
            (
                "INSERT INTO individualplans_coordinatorperiod (plan_id, coordinator_id, period, handover_note,"
                " started_by_id) VALUES (%s, %s, tstzrange(clock_timestamp() + interval '1 hour', NULL), 'x', %s)",
                [plan.pk, successor.pk, successor.pk],
            ),
        )
    # Nor may a period be rewritten to someone else, or removed.
    with pytest.raises(DatabaseError, match="only ever ended"):
        as_runtime_role(
            (
                "UPDATE individualplans_coordinatorperiod SET coordinator_id = %s WHERE id = %s",
                [successor.pk, period.pk],
            )
        )
    with pytest.raises(DatabaseError, match="never removed"):
        as_runtime_role(("DELETE FROM individualplans_coordinatorperiod WHERE id = %s", [period.pk]))


# --- Content, and bad input -------------------------------------------------------------------


def test_goals_measures_and_evaluations(team):
    plan = start_plan(team.coordinator, team.case)
    goal = add_goal(team.coordinator, plan, life_area=LifeArea.WORK)
    add_measure(team.coordinator, goal, service=PartnerService.NAV)
    evaluate(team.coordinator, plan, changes="Nytt mål om arbeid.")
    page = selectors.plan_page(plan=plan)
    assert [area.area for area in page.areas] == ["work"]
    assert page.measure_count == 1
    assert page.evaluation_due_on == timezone.localdate() + datetime.timedelta(days=60)


def test_bad_input_gets_a_norwegian_answer(team, as_runtime_role):
    plan = start_plan(team.coordinator, team.case)
    goal = add_goal(team.coordinator, plan)
    with pytest.raises(ValidationError, match="slutte før det starter"):
        add_measure(
            team.coordinator, goal, starts_on=timezone.localdate(), ends_on=timezone.localdate() - datetime.timedelta(1)
        )
    with pytest.raises(ValidationError, match="livsområde|gyldig"):
        add_goal(team.coordinator, plan, life_area="astrology")
    with pytest.raises(ValidationError, match="etter i dag"):
        services.evaluation_record(
            actor=team.coordinator, plan=plan, summary="x", changes="", next_due_on=timezone.localdate()
        )
    with pytest.raises(ValidationError, match="Ikke dekket av deltakerens samtykke"):
        add_measure(team.coordinator, goal, service=PartnerService.POLICE)
    with pytest.raises(DatabaseError, match="goal_life_area_known"):
        as_runtime_role(
            ("UPDATE individualplans_plangoal SET life_area = 'astrology', version = 2 WHERE id = %s", [goal.pk])
        )


def test_two_editors_the_second_is_told_and_nothing_is_overwritten(team, as_runtime_role):
    plan = start_plan(team.coordinator, team.case)
    goal = add_goal(team.coordinator, plan)
    fields = {"life_area": goal.life_area, "status": goal.status, "target_date": goal.target_date}
    services.goal_update(actor=team.coordinator, goal=goal, version=1, wording="Først lagret", **fields)
    with pytest.raises(services.EditConflict) as conflict:
        services.goal_update(actor=team.coordinator, goal=goal, version=1, wording="Sist lagret", **fields)
    assert conflict.value.current.wording == "Først lagret"
    assert PlanGoal.objects.get(pk=goal.pk).wording == "Først lagret"
    services.plan_update(actor=team.coordinator, plan=plan, version=1, participant_words="Meg", services=["nav"])
    with pytest.raises(services.EditConflict):
        services.plan_update(actor=team.coordinator, plan=plan, version=1, participant_words="Deg", services=[])
    # A writer past the service must raise the version too.
    with pytest.raises(DatabaseError, match="changed by someone else"):
        as_runtime_role(("UPDATE individualplans_plangoal SET wording = 'Skjult' WHERE id = %s", [goal.pk]))


def test_a_closed_plan_is_read_only_and_a_new_one_may_start(team):
    plan = start_plan(team.coordinator, team.case)
    services.plan_close(actor=team.coordinator, plan=plan, version=1, note="Deltakeren ønsker ikke plan lenger.")
    plan.refresh_from_db()
    assert not plan.is_active and not permissions.may_edit_plan(team.coordinator, plan)
    with pytest.raises((ValidationError, PermissionDenied)):
        add_goal(team.coordinator, plan)
    assert start_plan(team.coordinator, team.case, consent=False).is_active


# --- Who sees it ---------------------------------------------------------------------------


def test_who_reads_the_plan(team, make_user):
    from mentorprogram.roles import ADMIN, PRIVACY_OFFICER, REFERRER

    plan = start_plan(team.coordinator, team.case)
    assert permissions.may_read_plan(team.slt, plan)  # SLT coordinators read every plan
    assert permissions.may_read_plan(team.mentor, plan)  # the consent covers the mentor
    assert not permissions.may_edit_plan(team.mentor, plan)
    assert not permissions.may_read_plan(team.outsider, plan)
    for role in (ADMIN, STEERING_GROUP, PRIVACY_OFFICER, REFERRER, COORDINATOR):
        assert not permissions.may_read_plan(make_user(role), plan), role


def test_the_mentor_reads_only_when_the_consent_covers_the_mentor(team):
    consent_to_plan(team.coordinator, team.case, services=[PartnerService.NAV])
    plan = start_plan(team.coordinator, team.case, consent=False)
    assert not permissions.may_read_plan(team.mentor, plan)
    rows, _next = selectors.plan_list_for_user(user=team.mentor)
    assert rows == []


def test_a_mentor_whose_assignment_ends_no_longer_reads(team):
    from cases.services import case_assignment_end

    plan = start_plan(team.coordinator, team.case)
    case_assignment_end(actor=team.slt, assignment=team.mentor_assignment)
    mentor = type(team.mentor).objects.get(pk=team.mentor.pk)
    assert not permissions.may_read_plan(mentor, plan)


# --- The working day -------------------------------------------------------------------------


def test_due_evaluations_and_goals_past_their_date_are_reminded(team):
    from notifications.reminders import reminders_run
    from tests.support.db import backdate

    plan = start_plan(team.coordinator, team.case, first_evaluation_on=timezone.localdate() + datetime.timedelta(3))
    goal = add_goal(team.coordinator, plan)
    backdate(PlanGoal, goal.pk, target_date=timezone.localdate() - datetime.timedelta(days=2))
    reminders_run()
    assert [n["params"]["plan"] for n in notices("plan_evaluation_due")] == [plan.pk]
    assert [n["params"]["plan"] for n in notices("plan_goal_overdue")] == [plan.pk]
    assert [p.pk for p in selectors.plans_needing_coordinator(user=team.coordinator)] == [plan.pk]


def test_the_case_page_and_the_timeline_show_the_plan(
    team, make_user, client, verified_login, django_assert_max_num_queries
):
    from cases.selectors import case_timeline

    closed = start_plan(team.coordinator, team.case)
    services.plan_close(actor=team.coordinator, plan=closed, version=1, note="Deltakeren ønsket en pause.")
    plan = start_plan(team.coordinator, team.case, consent=False)
    successor = make_user(COORDINATOR)
    evaluate(team.coordinator, plan)
    services.plan_hand_over(actor=team.coordinator, plan=plan, to=successor, note="Ferie.")
    whats = [event.what for event in case_timeline(case=team.case, reader=team.coordinator)]
    assert whats.count("Individuell plan startet") == 2 and "Individuell plan avsluttet" in whats
    assert "Individuell plan evaluert" in whats
    assert any(what.startswith("Individuell plan overført til") for what in whats)
    # The section shows the active plan (not the closed one) and who is responsible now.
    section = selectors.case_page_plan(case=team.case, user=team.mentor)["plan_section"]
    assert section["plan"] == plan and section["may_read"] and section["coordinator"] == successor
    # The section and the timeline read the plans, their periods and evaluations (and the case's assignments) once
    # between them; the reader's rights on the case and the plans come with the case and the plans, the
    # evaluations with the plans, the plan consents with the consents, the concern signals with the sessions, the
    # referrals with the status changes, the user's roles with the user: 15 queries (README «National scale»).
    verified_login(client, team.coordinator)
    client.get(f"/cases/{team.case.pk}/")  # warm the session
    with django_assert_max_num_queries(15):
        page = client.get(f"/cases/{team.case.pk}/").content.decode()
    assert "Individuell plan evaluert" in page and successor.get_full_name() in page


def test_the_plan_goes_with_its_case_under_the_retention_rules(team, settings):
    from cases.retention import retention_erase, retention_list
    from tests.cases.factories import walk_to
    from tests.support.db import backdate

    plan = start_plan(team.coordinator, team.case)
    add_measure(team.coordinator, add_goal(team.coordinator, plan))
    evaluate(team.coordinator, plan, summary="x", due_in_days=9)
    walk_to(team.case, Case.Status.CLOSED)
    backdate(Case, team.case.pk, closed_at=timezone.now() - datetime.timedelta(days=365 * 30))
    run = retention_list()
    retention_erase(run=run)
    checked_at_commit()
    assert not IndividualPlan.objects.exists() and not PlanMeasure.objects.exists()


def test_plan_status_lists_match_the_database_checks():
    from individualplans.models import PlanGoal as Goal
    from individualplans.models import PlanMeasure as Measure

    checks = {c.name: c for c in Goal._meta.constraints + Measure._meta.constraints}
    assert set(checks["goal_status_known"].condition.children[0][1]) == set(Goal.Status.values)
    assert set(checks["measure_status_known"].condition.children[0][1]) == set(Measure.Status.values)


def test_a_coordinator_of_the_case_starts_the_plan_not_the_mentor(team):
    consent_to_plan(team.coordinator, team.case)
    with pytest.raises(PermissionDenied):
        services.plan_start(
            actor=team.mentor,
            case=team.case,
            coordinator=team.mentor,
            first_evaluation_on=timezone.localdate() + datetime.timedelta(30),
        )
    case = CaseFactory(status=Case.Status.ACTIVE)
    case_assignment_start(actor=team.slt, case=case, user=team.coordinator, kind=CaseAssignment.Kind.COORDINATOR)
    with pytest.raises(ValidationError):
        start_plan(team.coordinator, case, coordinator=team.mentor)
