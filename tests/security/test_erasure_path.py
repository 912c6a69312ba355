"""Erasure goes only through the database's privileged function; the runtime role cannot take it on its own."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import ErasedRow, Erasure
from cases.models import Case, Consent, ConsentWithdrawal, EmergencyAccess, LegalHold, RetentionRun
from cases.retention import retention_erase, retention_list
from cases.services import case_status_change, consent_record, consent_withdraw, emergency_access_open
from disclosures.models import Disclosure
from mentorsessions.models import ConcernSignal, MentorSession, SessionAddendum
from mentorsessions.services import session_addendum_add
from tests.disclosures.factories import record_disclosure
from tests.mentorprogram.factories import current_code
from tests.security.conftest import log_session, refused
from tests.support.db import backdate

pytestmark = pytest.mark.django_db

REFUSED = "is refused: records are voided or corrected, never removed"


@pytest.fixture
def records(team):
    """One of every kept record on the team's case."""
    session = log_session(team, concern_level="worry", concern_description="Uro.")
    addendum = session_addendum_add(actor=team.mentor, session=session, text="Tillegg.")
    consent = consent_record(
        actor=team.coordinator,
        case=team.case,
        services=["nav"],
        given_by="participant",
        valid_from=timezone.localdate(),
    )
    consent = consent_withdraw(actor=team.coordinator, consent=consent)
    grant = emergency_access_open(
        actor=team.slt, case=team.case, legal_basis="danger", reason="Akutt.", otp_token=current_code(team.slt)
    )
    return {
        MentorSession: session.pk,
        SessionAddendum: addendum.pk,
        ConcernSignal: ConcernSignal.objects.get(session=session).pk,
        Disclosure: record_disclosure(team.coordinator, team.case).pk,
        Consent: consent.pk,
        ConsentWithdrawal: consent.withdrawal.pk,
        EmergencyAccess: grant.pk,
    }


def test_the_old_setting_opens_nothing_for_the_runtime_role(runtime_sql, records):
    for model, pk in records.items():
        table = model._meta.db_table
        message = refused(
            runtime_sql,
            f"SET LOCAL mentorprogram.erasing = 'on'; DELETE FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        assert REFUSED in message and table in message, (table, message)
        assert model.objects.filter(pk=pk).exists()


def test_the_owner_cannot_delete_a_record_outside_an_erasure_either(records):
    with pytest.raises(Exception, match="never removed"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM mentorsessions_sessionaddendum WHERE id = %s", [records[SessionAddendum]])


def test_the_erasure_function_refuses_an_open_case(runtime_sql, team):
    run = RetentionRun.objects.create(case_pks=[team.case.pk], erase_after=timezone.now())
    message = refused(runtime_sql, "SELECT retention_erasure_open('case', %s, %s, NULL)", [team.case.pk, run.pk])
    assert f"case {team.case.pk} is not closed longer than the retention period" in message
    assert not Erasure.objects.exists()


def test_the_erasure_function_refuses_a_case_no_run_lists(runtime_sql, closed_long_ago):
    message = refused(runtime_sql, "SELECT retention_erasure_open('case', %s, 999999, NULL)", [closed_long_ago.pk])
    assert f"case {closed_long_ago.pk} is not on the pending retention run 999999" in message


def test_the_erasure_function_refuses_a_case_on_legal_hold(runtime_sql, closed_long_ago, team):
    LegalHold.objects.create(case=closed_long_ago, reason="Klagesak.", placed_by=team.slt)
    run = RetentionRun.objects.create(case_pks=[closed_long_ago.pk], erase_after=timezone.now())
    message = refused(runtime_sql, "SELECT retention_erasure_open('case', %s, %s, NULL)", [closed_long_ago.pk, run.pk])
    assert f"case {closed_long_ago.pk} is on legal hold" in message


def test_the_runtime_role_cannot_backdate_a_closing(runtime_sql, team):
    for status in ("closing", "closed"):
        case_status_change(actor=team.coordinator, case=team.case, to_status=status, outcome="completed")
    message = refused(
        runtime_sql,
        "UPDATE cases_case SET closed_at = now() - interval '10 years' WHERE id = %s",
        [team.case.pk],
    )
    assert "closing time and outcome are set by closing it, and never changed" in message


def test_the_runtime_role_cannot_insert_a_case_already_closed(runtime_sql, team):
    message = refused(
        runtime_sql,
        "INSERT INTO cases_case (participant_id, track, status, opened_at, closed_at, outcome) "
        "VALUES (%s, 'prevention', 'closed', now(), now() - interval '10 years', 'completed')",
        [team.case.participant_id],
    )
    assert "a case starts in assessment, open, with no outcome" in message


def test_the_runtime_role_cannot_write_erasure_records_or_the_period(runtime_sql, records):
    for sql, params in (
        (
            "INSERT INTO audit_erasure (kind, case_pk, retention_run_pk, txid, opened_at) "
            "VALUES ('case', %s, 1, txid_current(), now())",
            [1],
        ),
        ("INSERT INTO audit_erasedrow (erasure_id, \"table\", row_id, erased_at) VALUES (1, 'x', 1, now())", []),
        ("UPDATE audit_retentionpolicy SET months = 0", []),
        ("DELETE FROM audit_retentionpolicy", []),
    ):
        assert "permission denied" in refused(runtime_sql, sql, params), sql


def test_the_runtime_role_erases_a_due_case_through_the_function(as_runtime_role, closed_long_ago, team):
    run = retention_list()
    with as_runtime_role():
        assert retention_erase(run=run, actor=None) == [closed_long_ago.pk]
    assert not Case.objects.filter(pk=closed_long_ago.pk).exists()
    erasure = Erasure.objects.get()
    assert erasure.case_pk == closed_long_ago.pk and erasure.retention_run_pk == run.pk
    tables = set(ErasedRow.objects.filter(erasure=erasure).values_list("table", flat=True))
    assert {"mentorsessions_mentorsession", "disclosures_disclosure", "cases_consent"} <= tables


@pytest.fixture
def closed_long_ago(team, records):
    for status in ("closing", "closed"):
        case_status_change(actor=team.coordinator, case=team.case, to_status=status, outcome="completed")
    backdate(Case, team.case.pk, closed_at=timezone.now() - datetime.timedelta(days=6 * 365))
    return Case.objects.get(pk=team.case.pk)


def test_referrals_and_participants_go_only_with_an_erasure(runtime_sql, team):
    from tests.cases.factories import ReferralFactory

    referral = ReferralFactory(participant=team.case.participant)
    for sql, pk, table in (
        ("DELETE FROM cases_referral WHERE id = %s", referral.pk, "cases_referral"),
        ("DELETE FROM cases_participant WHERE id = %s", team.case.participant_id, "cases_participant"),
    ):
        message = refused(runtime_sql, sql, [pk])
        assert f"DELETE on {table} is refused: only an erasure under the retention rules removes it" in message


def test_an_erasure_notes_the_referral_and_the_participant_it_removes(as_runtime_role, closed_long_ago):
    participant_pk = closed_long_ago.participant_id
    run = retention_list()
    with as_runtime_role():
        retention_erase(run=run, actor=None)
    noted = set(ErasedRow.objects.values_list("table", "row_id"))
    assert ("cases_participant", participant_pk) in noted
    assert Erasure.objects.get().participant_pk == participant_pk
