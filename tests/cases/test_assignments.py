"""Object rights follow assignments: granted with one, revoked the moment it ends."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from guardian.shortcuts import assign_perm, get_perms

from audit.models import AuditEvent
from cases.models import CaseAssignment
from cases.selectors import case_list_for_user
from cases.services import case_assignment_end, case_assignment_start
from mentorprogram.roles import ADMIN, COORDINATOR, MENTOR, SLT_COORDINATOR, STEERING_GROUP
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def slt(make_user):
    return make_user(SLT_COORDINATOR)


@pytest.fixture
def mentor(make_user):
    return make_user(MENTOR)


@pytest.fixture
def case():
    return CaseFactory()


def test_it_grants_and_revokes_the_mentors_rights(client, slt, mentor, case, verified_login):
    verified_login(client, mentor)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assignment = case_assignment_start(actor=slt, case=case, user=mentor, kind=CaseAssignment.Kind.MENTOR)
    assert sorted(get_perms(mentor, case)) == ["log_session", "view_case", "view_sessions"]
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    case_assignment_end(actor=slt, assignment=assignment)
    assert get_perms(mentor, case) == []
    assert client.get(f"/cases/{case.pk}/").status_code == 404  # the very next request
    assert list(case_list_for_user(user=mentor)) == []
    actions = list(AuditEvent.objects.filter(subject_user=mentor, category="domain").values_list("action", flat=True))
    assert sorted(actions) == [AuditEvent.Action.ASSIGNMENT_ENDED, AuditEvent.Action.ASSIGNMENT_STARTED]


def test_ending_one_assignment_keeps_what_another_still_gives(make_user, slt, case):
    person = make_user(COORDINATOR, MENTOR)
    coordinating = case_assignment_start(actor=slt, case=case, user=person, kind=CaseAssignment.Kind.COORDINATOR)
    case_assignment_start(actor=slt, case=case, user=person, kind=CaseAssignment.Kind.MENTOR)
    case_assignment_end(actor=slt, assignment=coordinating)
    assert sorted(get_perms(person, case)) == ["log_session", "view_case", "view_sessions"]


def test_a_case_has_one_responsible_coordinator_at_a_time(make_user, slt, case):
    first, second = make_user(COORDINATOR), make_user(COORDINATOR)
    case_assignment_start(actor=slt, case=case, user=first, kind=CaseAssignment.Kind.COORDINATOR)
    with pytest.raises(ValidationError, match="allerede en ansvarlig koordinator"):
        case_assignment_start(actor=slt, case=case, user=second, kind=CaseAssignment.Kind.COORDINATOR)


def test_the_database_refuses_a_second_active_coordinator(make_user, slt, case):
    first, second = make_user(COORDINATOR), make_user(COORDINATOR)
    case_assignment_start(actor=slt, case=case, user=first, kind=CaseAssignment.Kind.COORDINATOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseAssignment.objects.create(case=case, user=second, kind=CaseAssignment.Kind.COORDINATOR, started_by=slt)


def test_a_coordinator_assigns_on_their_own_case_only(make_user, slt, mentor, case):
    coordinator = make_user(COORDINATOR)
    case_assignment_start(actor=slt, case=case, user=coordinator, kind=CaseAssignment.Kind.COORDINATOR)
    case_assignment_start(actor=coordinator, case=case, user=mentor, kind=CaseAssignment.Kind.MENTOR)
    with pytest.raises(PermissionDenied):
        case_assignment_start(actor=coordinator, case=CaseFactory(), user=mentor, kind=CaseAssignment.Kind.MENTOR)


def test_it_refuses_to_assign_someone_without_the_role(make_user, slt, case):
    with pytest.raises(ValidationError, match="ikke en rolle"):
        case_assignment_start(actor=slt, case=case, user=make_user(COORDINATOR), kind=CaseAssignment.Kind.MENTOR)


def test_it_refuses_to_assign_someone_who_also_holds_a_role_without_personal_data(make_user, slt, case):
    with pytest.raises(ValidationError, match="ikke får se innhold"):
        case_assignment_start(
            actor=slt, case=case, user=make_user(MENTOR, STEERING_GROUP), kind=CaseAssignment.Kind.MENTOR
        )


def test_a_model_wide_permission_never_widens_the_list(make_user, case):
    snooper = make_user(COORDINATOR)
    assign_perm("cases.view_case", snooper)  # model-wide, e.g. granted by mistake in the admin
    assert list(case_list_for_user(user=snooper)) == []


def test_a_groups_object_right_opens_nothing(make_user, case):
    from django.contrib.auth.models import Group

    member = make_user(COORDINATOR)
    # Written straight into the rights tables (the application grants object rights to users only).
    assign_perm("cases.view_case", Group.objects.get(name=COORDINATOR), case)
    assign_perm("cases.change_case", Group.objects.get(name=COORDINATOR), case)
    assert list(case_list_for_user(user=member)) == []
    assert not member.has_perm("cases.change_case", case)  # outside a request that reads: a checker per question


def test_an_admin_with_object_rights_still_sees_nothing(client, make_user, slt, case, verified_login):
    admin_user = make_user(ADMIN, COORDINATOR)
    assign_perm("cases.view_case", admin_user, case)
    assign_perm("cases.list_assigned_cases", admin_user)
    verified_login(client, admin_user)
    assert client.get(f"/cases/{case.pk}/").status_code == 403
    assert list(case_list_for_user(user=admin_user)) == []
