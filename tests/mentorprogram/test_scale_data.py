"""The national-scale data generator (``manage.py generate_scale_data``), at a tiny size: what it makes holds
together (workflow, rights, chain), and it refuses a database it must not fill."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit import chain
from audit.models import AccessEvent, ModelChange
from cases.models import Assessment, Case, CaseAssignment, Participant, Referral
from individualplans.models import IndividualPlan, PlanEvaluation, PlanGoal, PlanMeasure
from mentorprogram.models import User
from mentors.models import Mentor
from mentorsessions.models import MentorSession
from tests.mentorprogram.factories import verified_login

pytestmark = pytest.mark.django_db

TINY = [
    "--participants=60",
    "--referrals=80",
    "--mentors=6",
    "--sessions=400",
    "--plans=12",
    "--trail=3000",
    "--cases-per-coordinator=20",
]


def test_it_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_scale_data", *TINY)


def test_it_refuses_a_database_with_people_in_it(settings):
    from tests.cases.factories import ParticipantFactory

    ParticipantFactory()
    settings.DEBUG = True
    with pytest.raises(CommandError, match="already"):
        call_command("generate_scale_data", *TINY)


def test_what_it_makes_holds_together_and_the_chain_verifies(settings, client):
    settings.DEBUG = True
    call_command("generate_scale_data", *TINY, "--json", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Participant.objects.count() == Case.objects.count() == 60
    assert Referral.objects.count() == 80 and Mentor.objects.count() == 6
    assert MentorSession.objects.count() == 400 and IndividualPlan.objects.count() == 12
    assert PlanGoal.objects.count() == 48 and PlanMeasure.objects.count() == 96
    # Assessments by the case's coordinator on the cases past their assessment; evaluations on some plans, none
    # dated in the future, so some plans are due and some are not.
    assert not Case.objects.exclude(status="assessment").filter(assessments__isnull=True).exists()
    assert not Assessment.objects.exclude(
        assessed_by_id__in=CaseAssignment.objects.filter(kind="coordinator").values("user_id")
    ).exists()
    evaluated = IndividualPlan.objects.filter(evaluations__isnull=False).distinct().count()
    assert 0 < evaluated <= 3  # every fourth of the 12
    assert not PlanEvaluation.objects.filter(evaluated_at__gt=timezone.now()).exists()
    assert ModelChange.objects.count() + AccessEvent.objects.count() == 3000

    # The workflow as the database allows it: every accepted referral opened a case, each case has one
    # coordinator, the statuses spread from assessment to closed.
    assert Referral.objects.filter(status="accepted", case__isnull=False).count() == 60
    assert set(Case.objects.values_list("status", flat=True)) >= {"assessment", "matching", "active", "closed"}
    assert all(
        CaseAssignment.objects.filter(case=case, kind="coordinator", ended_at__isnull=True).count() == 1
        for case in Case.objects.all()
    )
    # Rights follow the assignments: a mentor sees the cases they hold and no other.
    assignment = CaseAssignment.objects.filter(kind="mentor", ended_at__isnull=True).select_related("user").first()
    mentor = assignment.user
    held = set(CaseAssignment.objects.filter(user=mentor, ended_at__isnull=True).values_list("case_id", flat=True))
    for case in Case.objects.all():
        assert mentor.has_perm("cases.view_case", case) == (case.pk in held)
    # Every session is by the mentor assigned to its case.
    assert not MentorSession.objects.exclude(
        mentor_id__in=CaseAssignment.objects.filter(kind="mentor").values("user_id")
    ).exists()

    result = chain.chain_verify()
    assert result.ok, [str(finding) for finding in result.findings[:5]]
    assert result.links >= 3000 + 400

    # The pages work on it: a generated coordinator's case list shows their cases.
    coordinator = User.objects.filter(username__startswith="skala-coordinator-").first()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=coordinator, name="authenticator", confirmed=True)
    verified_login(client, coordinator)
    response = client.get("/cases/")
    assert response.status_code == 200
    assert response.text.count("/cases/") > 20


class _Undo(Exception):
    """Raised to roll one generated size back before the next is generated."""


def _queries_per_page(size: list[str]) -> dict[str, int]:
    """Generate ``size`` (in a savepoint, rolled back after), sign in as a generated user of each role and count the
    queries of each key page (the second request of each: the first warms what a process keeps)."""
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp.plugins.otp_totp.models import TOTPDevice

    counts = {}
    try:
        with transaction.atomic():
            call_command("generate_scale_data", *size, "--json", stdout=open("/dev/null", "w"))  # noqa: SIM115
            active = CaseAssignment.objects.filter(kind="coordinator", ended_at__isnull=True, case__status="active")
            coordinator_assignment = active.order_by("pk").first()
            plan = IndividualPlan.objects.order_by("pk").first()
            mentor_assignment = (
                CaseAssignment.objects.filter(kind="mentor", ended_at__isnull=True, case__status="active")
                .order_by("pk")
                .first()
            )
            pages = [
                (
                    coordinator_assignment.user,
                    [
                        "/",
                        "/cases/",
                        f"/cases/{coordinator_assignment.case_id}/",
                        "/sessions/overview/",
                        f"/mentors/cases/{coordinator_assignment.case_id}/",
                        "/api/v1/cases/",
                    ],
                ),
                (plan.created_by, [f"/plans/{plan.pk}/"]),
                (mentor_assignment.user, ["/sessions/", f"/sessions/cases/{mentor_assignment.case_id}/new/"]),
                (
                    User.objects.filter(username__startswith="skala-slt-").order_by("pk").first(),
                    [
                        "/",
                        "/cases/referrals/",
                        "/mentors/",
                    ],
                ),
            ]
            for user, paths in pages:
                TOTPDevice.objects.get_or_create(user=user, name="authenticator", confirmed=True)
                client = verified_login(Client(), user)
                for path in paths:
                    assert client.get(path).status_code == 200, path
                    with CaptureQueriesContext(connection) as queries:
                        assert client.get(path).status_code == 200, path
                    counts[f"{user.username.split('-')[1]} {path.split('/')[1] or 'start'} {path.count('/')}"] = len(
                        queries.captured_queries
                    )
            raise _Undo
    except _Undo:
        pass
    return counts


def test_the_key_pages_make_as_many_queries_at_a_larger_size(settings):
    """Queries per request stay flat as the data grows (issue 20): the same pages at two generated sizes, the
    second three times the first, make the same number of queries."""
    settings.DEBUG = True
    larger = [f"{option.split('=')[0]}={int(option.split('=')[1]) * 3}" for option in TINY[:-1]] + [TINY[-1]]
    small, large = _queries_per_page(TINY), _queries_per_page(larger)
    # A start page's panels ask only when they have something to show (which differs with the data drawn): bounded.
    start = {page for page in small if " start " in page}
    assert all(small[page] <= START_PAGE_QUERIES and large[page] <= START_PAGE_QUERIES for page in start), (
        small,
        large,
    )
    assert {p: n for p, n in small.items() if p not in start} == {p: n for p, n in large.items() if p not in start}


# Every panel of a coordinator's start page with something to show (tests/mentorprogram/test_pages.py pins 13 for
# a user without cases).
START_PAGE_QUERIES = 20
