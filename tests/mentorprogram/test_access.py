"""Deny by default: the URL walk and the role × URL matrix.

Every route of the project (the API and the admin included) must have a row
in ``MATRIX``; a new route without one fails ``test_every_route_has_a_row``.
Each cell is the status a verified user holding only that role gets for GET.
Objects a user may not see answer 404, so ids reveal nothing.
"""

import re
import uuid
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cases.models import CaseAssignment
from cases.services import case_assignment_start
from mentorprogram import roles
from mentorsessions.services import mentor_session_log
from tests.cases.factories import CaseFactory, ReferralFactory
from tests.disclosures.factories import record_disclosure
from tests.individualplans.factories import add_goal, add_measure, start_plan
from tests.steeringgroup.factories import published_report

pytestmark = pytest.mark.django_db

R, S, C, M, G, P, A = (
    roles.REFERRER,
    roles.SLT_COORDINATOR,
    roles.COORDINATOR,
    roles.MENTOR,
    roles.STEERING_GROUP,
    roles.PRIVACY_OFFICER,
    roles.ADMIN,
)
ALL_ROLES = (R, S, C, M, G, P, A)


def everyone(status):
    return dict.fromkeys(ALL_ROLES, status)


def only(allowed: dict, otherwise=403):
    return {role: allowed.get(role, otherwise) for role in ALL_ROLES}


# Routes anyone may reach, logged in or not.
PUBLIC = {
    "login",
    "oidc_start",
    "oidc_callback",
    "health",
    "set_language",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
}
# Routes a user reaches with a password before the second factor.
UNVERIFIED = {"logout", "accounts:two_factor_setup", "accounts:two_factor_verify"}

# route name → {role: status for a GET by a verified user holding only that role}
MATRIX = {
    "home": {**everyone(200), M: 302, G: 302},  # a mentor and the steering group go on to their own start page
    "login": everyone(302),  # a verified user is sent on to the start page
    "logout": everyone(405),  # POST only
    # Sign-in through an identity provider: the sample's provider «x» is not configured.
    "oidc_start": everyone(404),
    "oidc_callback": everyone(404),
    "accounts:two_factor_verify": everyone(302),  # already verified: on to the start page
    "health": everyone({200, 503}),
    "set_language": everyone(302),
    "accounts:two_factor_setup": everyone(302),  # already verified: on to the start page
    "accounts:overview": everyone(200),
    "accounts:backup_codes": everyone(200),
    "accounts:api_tokens": everyone(200),  # one's own tokens
    "accounts:api_token_revoke": everyone(405),  # POST only, and only one's own (404 otherwise)
    "accounts:password_change": everyone(200),
    "accounts:password_reset": everyone(200),
    "accounts:password_reset_done": everyone(200),
    "accounts:password_reset_confirm": everyone(200),  # an invalid link says so
    "accounts:password_reset_complete": everyone(200),
    "cases:list": only({S: 200, C: 200, M: 200}),
    # The case is assigned to the coordinator and the mentor of the fixture.
    "cases:detail": only({S: 404, C: 200, M: 200}),
    "cases:status": only({S: 405, C: 405, M: 405}),  # POST only
    "cases:assessment_add": only({S: 405, C: 405, M: 405}),
    "cases:network_add": only({S: 405, C: 405, M: 405}),
    "cases:consent_add": only({S: 405, C: 405, M: 405}),
    "cases:consent_withdraw": only({S: 405, C: 405, M: 405}),
    "cases:assignment_end": only({S: 405, C: 405, M: 405}),  # POST only
    # Emergency access: the SLT coordinator does not hold the fixture's case; its coordinator does.
    "cases:emergency_access": only({S: 200, C: 302}),
    "cases:emergency_access_end": only({S: 405, C: 405}),  # POST only
    "cases:referral_create": only({R: 200, S: 200, C: 200}),
    "cases:referral_mine": only({R: 200, S: 200, C: 200}),
    # The receipt: the referrer sent the fixture's referral; others who may send one did not: as if none.
    "cases:referral_receipt": only({R: 200, S: 404, C: 404}),
    "cases:referral_receipt_pdf": only({R: 200, S: 404, C: 404}),
    "cases:triage": only({S: 200}),
    "cases:referral_duplicates": only({S: 405}),  # POST only: names never in a URL
    "cases:referral_detail": only({S: 200}),
    "cases:referral_participant": only({S: 405}),  # POST only
    "cases:referral_decide": only({S: 405}),  # POST only
    "mentors:pool": only({S: 200}),
    "mentors:weights": only({S: 200}),
    "mentors:create": only({S: 200}),
    "mentors:me": only({M: 200}),
    # The fixture has no mentor profile with the case's id.
    "mentors:detail": only({S: 404}),
    "mentors:edit": only({S: 404}),
    "mentors:qualification_add": only({S: 405}),
    "mentors:attendance_add": only({S: 405}),
    "mentors:declare_tie": only({M: 405}),
    # Matching the fixture's case: SLT coordinators, and its coordinator.
    "mentors:matching": only({S: 200, C: 200, M: 404}),
    "mentors:wishes": only({S: 405, C: 405, M: 405}),
    "mentors:assign": only({S: 405, C: 405, M: 405}),
    "mentors:tie": only({S: 405, C: 405, M: 405}),
    # Sessions: the fixture's mentor wrote the session (with a concern signal) on the fixture's case.
    "mentorsessions:home": only({M: 200}),
    "mentorsessions:overview": only({S: 200, C: 200}),
    "mentorsessions:case_sessions": only({S: 404, C: 200, M: 200}),
    "mentorsessions:create": only({M: 200}),
    "mentorsessions:draft": only({M: 405}),  # POST only
    "mentorsessions:detail": only({S: 404, C: 200, M: 200}),
    "mentorsessions:edit": only({M: 200}),  # its author, within 24 hours
    "mentorsessions:addendum_add": only({M: 405}),
    "mentorsessions:void": only({M: 405}),
    "mentorsessions:acknowledge": only({S: 405, C: 405}),
    "audit:events": only({P: 200}),
    "audit:access": only({P: 200}),
    "audit:access_csv": only({P: 302}),  # without a search it sends the officer to the search
    "audit:emergency": only({P: 200}),
    "audit:emergency_review": only({P: 405}),  # POST only
    "audit:retention": only({P: 200}),
    "audit:subject_access": only({P: 200}),
    "audit:subject_access_pdf": only({P: 200}),  # the fixture case's participant
    "audit:subject_access_json": only({P: 200}),
    "audit:retention_erase": only({P: 405}),  # POST only
    "audit:legal_hold_place": only({P: 405}),
    "accounts:role_requests": only({P: 200, A: 200}),
    "accounts:role_request_decide": only({P: 405, A: 405}),
    "audit:legal_hold_lift": only({P: 405}),
    # The fixture's coordinator recorded a disclosure in the fixture's case.
    "disclosures:register": only({P: 200}),
    "disclosures:detail": only({S: 404, C: 200, M: 200, P: 200}),
    "disclosures:case": only({S: 404, C: 200, M: 200}),
    "disclosures:create": only({S: 404, C: 200, M: 200}),
    # The fixture's coordinator coordinates the fixture case's plan; its consent covers the mentor.
    "plans:list": only({S: 200, C: 200, M: 200}),
    "plans:start": only({S: 404, C: 200, M: 403}),  # the case's coordinator starts a plan
    "plans:detail": only({S: 200, C: 200, M: 200}),  # SLT coordinators read every plan
    "plans:pdf": only({S: 200, C: 200, M: 200}),
    "plans:edit": only({S: 403, C: 200, M: 403}),
    "plans:consent": only({S: 403, C: 200, M: 403}),
    "plans:consent_withdraw": only({S: 405, C: 405, M: 405}),  # POST only
    "plans:goal_add": only({S: 403, C: 200, M: 403}),
    "plans:goal_edit": only({S: 403, C: 200, M: 403}),
    "plans:measure_add": only({S: 403, C: 200, M: 403}),
    "plans:measure_edit": only({S: 403, C: 200, M: 403}),
    "plans:evaluation_add": only({S: 403, C: 200, M: 403}),
    "plans:handover": only({S: 200, C: 200, M: 403}),  # an SLT coordinator hands over for an absent coordinator
    "plans:close": only({S: 403, C: 200, M: 403}),
    # Steering reports: the fixture's report is published; the steering group reads it, SLT coordinators make them.
    "steering:list": only({S: 200, G: 200}),
    "steering:create": only({S: 405}),  # POST only
    "steering:detail": only({S: 200, G: 200}),
    "steering:publish": only({S: 405}),  # POST only
    "steering:pdf": only({S: 200, G: 200}),
    "steering:csv": only({S: 200, G: 200}),
    "notifications:list": everyone(200),
    "notifications:preferences": everyone(200),
    "api_docs": everyone(200),  # the schema in words: no personal data
    "api:me": everyone(200),
    "api:schema": everyone(200),
    # Referrals in the API: the queue for SLT coordinators, one's own for whoever sends them.
    "api:referrals": only({R: 200, S: 200, C: 200}),
    "api:referral": only({R: 200, S: 200, C: 404}),
    "api:referral_matches": only({S: 200}),
    "api:referral_participant": only({S: 405}),  # POST only
    "api:referral_decision": only({S: 405}),  # POST only
    "api:participants": only({S: 200, C: 200, M: 200}),  # those of the cases one holds
    "api:participant": only({S: 404, C: 200, M: 200}),
    # Cases in the API: those one holds, as on the pages; another's case answers 404.
    "api:cases": only({S: 200, C: 200, M: 200}),
    "api:case": only({S: 404, C: 200, M: 200}),
    "api:case_status": only({S: 405, C: 405, M: 405}),  # POST only
    "api:case_assignments": only({S: 404, C: 200, M: 200}),  # POST (assign a mentor): those who may match
    "api:case_assignment_end": only({S: 405, C: 405, M: 405}),  # POST only
    "api:case_matching": only({S: 200, C: 200, M: 404}),
    "api:case_sessions": only({S: 404, C: 200, M: 200}),  # POST (log): the case's mentor
    "api:case_disclosures": only({S: 404, C: 200, M: 200}),
    "api:mentors": only({S: 200}),
    "api:mentor": only({S: 404}),  # no mentor profile with the fixture's id
    "api:session": only({S: 404, C: 200, M: 200}),
    "api:session_correction": only({M: 405}),  # POST only, its author
    "api:session_addenda": only({M: 405}),
    "api:session_void": only({M: 405}),
    "api:concern_signals": only({S: 200, C: 200}),  # those on the cases one coordinates
    "api:concern_acknowledge": only({S: 405, C: 405}),
    "api:plans": only({S: 200, C: 200, M: 200}),
    "api:plan": only({S: 200, C: 200, M: 200}),
    "api:plan_goals": only({S: 405, C: 405, M: 405}),  # POST only: its coordinator
    "api:plan_evaluations": only({S: 405, C: 405, M: 405}),
    "api:goal_measures": only({S: 405, C: 405, M: 405}),
    "api:goal": only({S: 405, C: 405, M: 405}),  # POST only: change with the version read
    "api:measure": only({S: 405, C: 405, M: 405}),
    "api:notifications": everyone(200),
    "api:notifications_read": everyone(405),  # POST only
    "api:reports": only({S: 200, G: 200}),
    "api:report": only({S: 200, G: 200}),
    "api:report_pdf": only({S: 200, G: 200}),  # the referrer sent it; a coordinator did not: as if none
    # Every admin route: the administrator only (200, or a redirect within the admin).
    "admin:*": only({A: {200, 302, 404, 405}}),
    # ... except what nobody may do there: users are never deleted, roles live in code.
    "admin:mentorprogram_user_delete": everyone(403),
    # ... nor set another person's password: a link is sent instead.
    "admin:auth_user_password_change": everyone(403),
    "admin:auth_group_add": everyone(403),
    "admin:auth_group_delete": everyone(403),
    "admin:autocomplete": everyone(403),  # no autocomplete fields are configured
    "admin:notifications_outboxitem_add": everyone(403),  # background work is made by services only
    "admin:notifications_outboxitem_delete": everyone(403),
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield (
                f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {prefix}{pattern.pattern}>",
                prefix + str(pattern.pattern),
            )


def all_routes():
    return list(_walk(get_resolver().url_patterns))


def sample_url(route: str, objects) -> str:
    """A concrete URL for a route pattern: ids of the fixture's objects, placeholders elsewhere."""
    if route.startswith(("cases/referrals/", "api/v1/referrals/")):
        pk = objects.referral.pk
    elif route.startswith("api/v1/participants/<int:"):
        pk = objects.case.participant_id
    elif route.startswith(("sessions/concerns/", "api/v1/concern-signals/<int:")):
        pk = objects.session.concern.pk
    elif route.startswith(("sessions/<int:", "api/v1/sessions/<int:")):
        pk = objects.session.pk
    elif route.startswith("audit/subject-access/<int:"):
        pk = objects.case.participant_id
    elif route.startswith("disclosures/<int:"):
        pk = objects.disclosure.pk
    elif route.startswith(("plans/goals/", "api/v1/plan-goals/")):
        pk = objects.goal.pk
    elif route.startswith(("plans/measures/", "api/v1/plan-measures/")):
        pk = objects.measure.pk
    elif route.startswith(("plans/<int:", "api/v1/plans/<int:")):
        pk = objects.plan.pk
    elif route.startswith(("reports/<int:", "api/v1/reports/<int:")):
        pk = objects.report.pk
    else:
        pk = objects.case.pk
    url = re.sub(r"<int:\w+>", str(pk), route)
    url = re.sub(r"<(?:str|slug|path|uuid):(\w+)>", "x", url)
    url = re.sub(r"\(\?P<\w+>([^)]*)\)", lambda m: m.group(1).split("|")[0] if "|" in m.group(1) else "x", url)
    url = url.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + url


def row_for(name: str):
    if name in MATRIX:
        return MATRIX[name]
    if name.startswith("admin:"):
        return MATRIX["admin:*"]
    return None


@pytest.fixture
def role_users(make_user):
    return {role: make_user(role) for role in ALL_ROLES}


@pytest.fixture
def assigned_case(role_users):
    return make_assigned_case(role_users)


def make_assigned_case(role_users):
    """A case assigned to the coordinator and the mentor, a session with a concern, and a referral in the queue."""
    case = CaseFactory(status="active")
    actor = role_users[S]
    case_assignment_start(actor=actor, case=case, user=role_users[C], kind=CaseAssignment.Kind.COORDINATOR)
    case_assignment_start(actor=actor, case=case, user=role_users[M], kind=CaseAssignment.Kind.MENTOR)
    session = mentor_session_log(
        actor=role_users[M],
        case=case,
        submission_key=uuid.uuid4(),
        held_on=timezone.localdate(),
        duration_minutes=30,
        mode="phone",
        progress="some",
        concern_level="worry",
        concern_description="Uro.",
    )
    disclosure = record_disclosure(role_users[C], case)
    plan = start_plan(role_users[C], case)
    goal = add_goal(role_users[C], plan)
    return SimpleNamespace(
        case=case,
        session=session,
        disclosure=disclosure,
        referral=ReferralFactory(submitted_by=role_users[R]),
        plan=plan,
        goal=goal,
        measure=add_measure(role_users[C], goal),
        report=published_report(role_users[S]),
    )


def test_every_route_has_a_row():
    missing = [name for name, _route in all_routes() if row_for(name) is None]
    assert missing == [], f"routes without a row in the role × URL matrix: {missing}"


def test_the_matrix_has_no_stale_rows():
    names = {name for name, _route in all_routes()}
    stale = [name for name in MATRIX if name != "admin:*" and name not in names]
    assert stale == []


def assert_no_content(client, case_pk, *, skip, redirect_to, why):
    for name, route in all_routes():
        if name in skip:
            continue
        response = client.get(sample_url(route, case_pk))
        # The API answers 401 to a request with no credentials (JSON, never a login page).
        allowed = (302, 401, 403, 405) if route.startswith("api/") else (302, 403, 405)
        assert response.status_code in allowed, f"{name} answered {response.status_code} {why}"
        if response.status_code == 302:
            assert response.url.startswith(redirect_to), f"{name} redirected {why} to {response.url}"


def test_anonymous_requests_get_no_content(client, assigned_case):
    assert_no_content(client, assigned_case, skip=PUBLIC, redirect_to="/login/", why="to an anonymous request")


def test_requests_with_a_password_alone_get_no_content(client, make_user, assigned_case):
    # A coordinator who has not enrolled a second factor: logged in, not verified.
    client.force_login(make_user(C, otp=False))
    assert_no_content(
        client,
        assigned_case,
        skip=PUBLIC | UNVERIFIED,
        redirect_to="/account/two-factor/setup/",
        why="without a second factor",
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_role_url_matrix(client, role, role_users, assigned_case, verified_login):
    verified_login(client, role_users[role])
    failures = []
    for name, route in all_routes():
        expected = row_for(name)[role]
        expected = expected if isinstance(expected, set) else {expected}
        status = client.get(sample_url(route, assigned_case)).status_code
        if status not in expected:
            failures.append(f"{name}: {status}, expected {sorted(expected)}")
    assert not failures, "\n".join(failures)


def test_a_route_without_an_access_declaration_answers_403(client, user, verified_login, settings):
    from django.urls import path

    def undeclared(request):
        raise AssertionError("must not run")

    from mentorprogram.urls import urlpatterns

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("undeclared/", undeclared), *urlpatterns]})
    verified_login(client, user)
    assert client.get("/undeclared/").status_code == 403


def test_the_api_answers_json_403_without_a_second_factor(client, make_user):
    client.force_login(make_user(C, otp=False))
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Innlogging med tofaktor kreves.", "errors": {}}


def test_the_api_answers_who_is_logged_in(client, user, verified_login):
    verified_login(client, user)
    body = client.get("/api/v1/me/").json()
    assert body == {"username": user.username, "name": user.get_full_name(), "roles": [C], "two_factor": True}
