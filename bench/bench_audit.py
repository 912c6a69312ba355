"""The audit trail's cost and scale.

Target (issue 8): an audited, hash-chained save costs at most 1.5× an
unaudited save of the same model, measured side by side in one run. The model
is a risk and needs assessment (five free-text fields, all masked in the
trail), saved through the service the case page calls (``assessment_record``:
the right, validation, the row), each save committed on its own as a
request's would be. The bare ``Model.save()`` is measured the same way, to
show the audit's fixed cost on its own: one more row through the ORM costs
about as much again as the first, so that ratio is near 2.5, not 1.5. The audited side
pays for django-auditlog's row (masked diff, actor copied by a trigger) and
for sealing that row into the hash chain; the sealer runs in blocks as beat
runs it, so its time is divided over the rows it sealed. The two sides run
in alternating blocks so that the machine's noise falls on both.

Also: sealing and verifying a large generated trail (``verify_audit`` must
pass on it), in rows a second.
"""

import statistics
import time

from auditlog.context import disable_auditlog, set_actor
from django.contrib.auth.models import Group
from django.db import connection, transaction
from guardian.shortcuts import assign_perm

from audit import chain
from cases.models import Assessment, Case, Participant
from cases.services import assessment_record
from mentorprogram.models import User
from mentorprogram.roles import COORDINATOR

BLOCK = 50
ASSESSMENT_TEXT = ("risk_factors", "protective_factors", "push_factors", "pull_factors", "summary")
ROUNDS = 20
LARGE_TRAIL = 200_000


def _assessment(case, user):
    return Assessment(
        case=case,
        assessed_by=user,
        risk_factors="Sosial isolasjon, ekstreme nettverk på nett.",
        protective_factors="Trener fotball, god kontakt med søster.",
        push_factors="Utenforskap på skolen.",
        pull_factors="Fellesskap i gruppen.",
        summary="Moderat risiko; mentor anbefales.",
    )


def _side_by_side(bench, save, *, rounds):
    """Per-save milliseconds of ``save`` without and with the audit, in alternating blocks; the chain sealed
    after each audited block and its time shared out over the block's saves."""
    old_delay = chain.SEAL_DELAY_SECONDS
    chain.SEAL_DELAY_SECONDS = -1  # seal what was just written (beat waits two seconds for stragglers)
    chain.chain_seal(limit=1_000_000)
    unaudited, audited = [], []
    try:
        for _ in range(rounds):
            start = time.perf_counter()
            with disable_auditlog():
                for _ in range(BLOCK):
                    save()
            unaudited.append((time.perf_counter() - start) * 1000 / BLOCK)
            start = time.perf_counter()
            for _ in range(BLOCK):
                save()
            sealed = chain.chain_seal()
            audited.append((time.perf_counter() - start) * 1000 / BLOCK)
            assert sealed >= BLOCK, sealed
    finally:
        chain.SEAL_DELAY_SECONDS = old_delay
    return unaudited, audited, statistics.median(audited) / statistics.median(unaudited)


def audited_versus_unaudited_save(bench):
    """The target: the service that records an assessment, as the case page calls it, with and without the audit.

    The bare ``Model.save()`` is measured the same way too, for the audit's
    fixed cost without the rest of the service around it.
    """
    coordinator = User.objects.create(username="bench-audit-coordinator", first_name="Benk", last_name="Koordinator")
    coordinator.groups.add(Group.objects.get(name=COORDINATOR))
    participant = Participant.objects.create(first_name="Benk", last_name="Deltaker", date_of_birth="2008-01-01")
    case = Case.objects.create(participant=participant, track="prevention")
    assign_perm("cases.change_case", coordinator, case)
    rounds = bench.repeats(ROUNDS, 4)
    fields = {name: getattr(_assessment(case, coordinator), name) for name in ASSESSMENT_TEXT}

    def service_save():
        with set_actor(coordinator):
            assessment_record(actor=coordinator, case=case, **fields)

    def bare_save():
        with set_actor(coordinator), transaction.atomic():
            _assessment(case, coordinator).save()

    results = []
    for label, save in (("assessment_record()", service_save), ("Assessment.save()", bare_save)):
        unaudited, audited, ratio = _side_by_side(bench, save, rounds=rounds)
        size = f"{rounds} alternating blocks of {BLOCK} saves, each committed; per-save ms per block"
        results += [
            bench.measure(f"save unaudited: {label}", unaudited, data_size=size),
            bench.measure(f"save audited + chained: {label}", audited, data_size=size, ratio=ratio),
        ]
    return results


def seal_and_verify_a_large_trail(bench):
    """verify_audit over a large generated trail: it must pass, and how fast it walks."""
    n = bench.scaled(LARGE_TRAIL // 30) * 30 if bench.quick else LARGE_TRAIL
    user = User.objects.create(username="bench-audit-reader")
    with connection.cursor() as cursor:
        # A fixture, not a user's reads: generated straight into the benchmark database.
        cursor.execute(
            """
            INSERT INTO audit_accessevent (actor_id, actor_username, actor_name, roles, kind, content_type_id,
                   object_pk, object_pks, case_pks, participant_pks, outside_assignment, path, timestamp)
            SELECT %s, '', '', 'mentor', 'view', (SELECT id FROM django_content_type WHERE model = 'case'),
                   (g %% 5000)::text, '[]', ARRAY[(g %% 5000)::bigint], ARRAY[(g %% 5000)::bigint], false,
                   '/cases/' || (g %% 5000) || '/', now() - interval '1 hour'
              FROM generate_series(1, %s) g
            """,
            [user.pk, n],
        )
    start = time.perf_counter()
    sealed = chain.chain_seal(limit=n + 10_000)
    seal_s = time.perf_counter() - start
    start = time.perf_counter()
    result = chain.chain_verify()
    verify_s = time.perf_counter() - start
    assert result.ok, [str(f) for f in result.findings[:5]]
    size = f"{result.links:,} links ({sealed:,} sealed in this run)"
    return [
        bench.measure("chain seal, ms per 1,000 rows", [seal_s * 1000 * 1000 / max(sealed, 1)], data_size=size),
        bench.measure("verify_audit, ms per 1,000 links", [verify_s * 1000 * 1000 / result.links], data_size=size),
    ]


BENCHMARKS = [audited_versus_unaudited_save, seal_and_verify_a_large_trail]
