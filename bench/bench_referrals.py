"""Referrals and cases at municipal scale: the triage queue, the case list and the duplicate search.

Targets (issue 5): with 50,000 referrals and 40,000 participants, triage queue
and case list p95 ≤ 100 ms through the whole stack; duplicate search ≤ 50 ms.
The data is generated straight into the throwaway benchmark database with
bulk inserts (this is a fixture, not a user's write: nothing here is audited).
"""

import datetime
import random
import uuid

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from faker import Faker

from bench.helpers import api_client, api_list, verified_client
from cases.models import Case, CaseAssignment, CaseUserObjectPermission, Participant, Referral
from cases.selectors import participant_duplicates
from mentorprogram.models import User
from mentorprogram.roles import COORDINATOR, SLT_COORDINATOR

N_PARTICIPANTS = 40_000
N_REFERRALS = 50_000
N_CASES_FOR_COORDINATOR = 200


def _fill(bench):
    rng = random.Random(2026)
    fake = Faker("no_NO")
    fake.seed_instance(2026)
    first_names = [fake.first_name() for _ in range(400)]
    last_names = [fake.last_name() for _ in range(400)]
    today = timezone.localdate()
    n_participants, n_referrals = bench.scaled(N_PARTICIPANTS), bench.scaled(N_REFERRALS)
    participants = Participant.objects.bulk_create(
        Participant(
            first_name=rng.choice(first_names),
            last_name=rng.choice(last_names),
            date_of_birth=today - datetime.timedelta(days=rng.randint(12 * 365, 30 * 365)),
        )
        for _ in range(n_participants)
    )
    submitter = User.objects.create(username="bench-referrer")
    statuses = ["accepted"] * 60 + ["forwarded"] * 15 + ["no_action"] * 15 + ["received"] * 6 + ["in_triage"] * 4
    decider = User.objects.create(username="bench-decider")
    referrals = []
    for i in range(n_referrals):
        p = participants[i % len(participants)]
        status = rng.choice(statuses)
        decided = status not in ("received", "in_triage")
        referrals.append(
            Referral(
                source=rng.choice(Referral.Source.values),
                referrer_name="Benk Melder",
                received_on=today - datetime.timedelta(days=rng.randint(0, 5 * 365)),
                concern="Generert bekymring for ytelsesmåling.",
                urgency=rng.choice(["normal"] * 8 + ["high", "acute"]),
                first_name=p.first_name,
                last_name=p.last_name,
                date_of_birth=p.date_of_birth,
                submitted_by=submitter,
                submission_key=uuid.uuid4(),
                status="no_action" if status == "accepted" else status,  # accepted needs a case: see below
                decided_by=decider if decided else None,
                decided_at=timezone.now() if decided else None,
                decision_reason="Generert" if decided else "",
                forwarded_to="NAV" if status == "forwarded" else "",
            )
        )
    Referral.objects.bulk_create(referrals, batch_size=5000)
    return participants


def triage_and_cases(bench):
    participants = _fill(bench)
    slt = User.objects.create(username="bench-slt", first_name="Benk", last_name="SLT")
    slt.groups.add(Group.objects.get(name=SLT_COORDINATOR))
    coordinator = User.objects.create(username="bench-coordinator", first_name="Benk", last_name="Koordinator")
    coordinator.groups.add(Group.objects.get(name=COORDINATOR))
    cases = Case.objects.bulk_create(
        Case(participant=p, track="prevention") for p in participants[:N_CASES_FOR_COORDINATOR]
    )
    for step in ("matching", "active"):  # the database takes a case in its first status only
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(status=step)  # audit: bench data, walked along
    for case in cases:
        case.status = "active"
    CaseAssignment.objects.bulk_create(
        CaseAssignment(case=c, user=coordinator, kind="coordinator", started_by=slt) for c in cases
    )
    view = Permission.objects.get(content_type=ContentType.objects.get_for_model(Case), codename="view_case")
    CaseUserObjectPermission.objects.bulk_create(
        CaseUserObjectPermission(user=coordinator, permission=view, content_object=c) for c in cases
    )

    size = f"{Referral.objects.count()} referrals, {Participant.objects.count()} participants"
    n = bench.repeats(200, 50)
    results = []

    slt_client = verified_client(slt)
    for label, url in [
        ("triage queue (open, longest waiting)", "/cases/referrals/"),
        ("triage queue (all, most urgent)", "/cases/referrals/?status=all&sort=urgency"),
    ]:

        def get(url=url):
            assert slt_client.get(url).status_code == 200

        results.append(bench.measure(label, bench.time(get, n=n), data_size=size))

    coordinator_client = verified_client(coordinator)

    def case_list():
        assert coordinator_client.get("/cases/").status_code == 200

    results.append(
        bench.measure("case list (200 assigned cases, 50 a page)", bench.time(case_list, n=n), data_size=size)
    )

    slt_api, coordinator_api = api_client(slt), api_client(coordinator)
    results += [
        api_list(bench, "referrals list (triage queue)", slt_api, "/api/v1/referrals/", n=n, data_size=size),
        api_list(bench, "cases list (200 assigned)", coordinator_api, "/api/v1/cases/", n=n, data_size=size),
        api_list(bench, "participants list (200)", coordinator_api, "/api/v1/participants/", n=n, data_size=size),
    ]

    rng = random.Random(7)
    probes = rng.sample(participants, 50)

    def duplicate_search(state={"i": 0}):  # noqa: B006  (a counter across calls)
        p = probes[state["i"] % len(probes)]
        state["i"] += 1
        # A spelling variant: the search must still find the person.
        matches = participant_duplicates(
            first_name=p.first_name[:-1] + "e", last_name=p.last_name, date_of_birth=p.date_of_birth
        )
        assert matches is not None

    results.append(
        bench.measure("duplicate search (pg_trgm + date of birth)", bench.time(duplicate_search, n=n), data_size=size)
    )
    return results


BENCHMARKS = [triage_and_cases]
