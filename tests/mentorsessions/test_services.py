"""Logging, correcting, adding to and voiding sessions; raising, acknowledging and escalating concern signals."""

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from audit.models import AuditEvent, ModelChange
from cases.services import case_assignment_end
from mentorsessions import permissions, services
from mentorsessions.models import ConcernSignal, MentorSession, MentorSessionDraft, SessionAddendum
from mentorsessions.selectors import timeline_sessions
from notifications.models import Notification, OutboxItem
from notifications.reminders import reminders_run
from tests.cases.factories import CaseFactory
from tests.mentorsessions.factories import MentorSessionFactory

pytestmark = pytest.mark.django_db


def fields(**overrides):
    values = {
        "held_on": timezone.localdate(),
        "duration_minutes": 45,
        "mode": MentorSession.Mode.PHONE,
        "topics": [MentorSession.Topic.FAMILY],
        "notes": "Snakket om forholdet til faren.",
        "progress": MentorSession.Progress.SOME,
        "next_step": "Møtes på biblioteket.",
        "next_meeting_on": None,
    }
    values.update(overrides)
    return values


def log(team, actor=None, **overrides):
    concern = {k: overrides.pop(k) for k in ("concern_level", "concern_description") if k in overrides}
    return services.mentor_session_log(
        actor=actor or team.mentor, case=team.case, submission_key=uuid.uuid4(), **concern, **fields(**overrides)
    )


def notified(kind):
    return sorted(
        item.payload["recipient"]
        for item in OutboxItem.objects.filter(kind="notification.deliver")
        if item.payload["kind"] == kind
    )


def test_it_logs_a_session_and_the_trail_says_which_fields_without_the_text(team):
    session = log(team)
    assert session.case == team.case and session.mentor == team.mentor
    change = ModelChange.objects.get(
        content_type=ContentType.objects.get_for_model(MentorSession), object_pk=str(session.pk)
    )
    assert change.actor_id is None or change.actor_id == team.mentor.pk
    assert "Snakket om" not in str(change.changes)
    assert change.changes["notes"] == ["***", "***"]


def test_the_same_form_twice_logs_one_session(team):
    key = uuid.uuid4()
    first = services.mentor_session_log(actor=team.mentor, case=team.case, submission_key=key, **fields())
    second = services.mentor_session_log(actor=team.mentor, case=team.case, submission_key=key, **fields())
    assert first.pk == second.pk
    assert MentorSession.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"held_on": timezone.localdate() + datetime.timedelta(days=1)}, "held_on", "fram i tid"),
        ({"duration_minutes": 0}, "duration_minutes", "minst ett minutt"),
        ({"duration_minutes": 24 * 60 + 1}, "duration_minutes", "24 timer"),
        ({"held_on": timezone.localdate() - datetime.timedelta(days=90)}, "held_on", "før mentorløpet ble opprettet"),
        (
            {"next_meeting_on": timezone.localdate() - datetime.timedelta(days=3)},
            "next_meeting_on",
            "før denne samtalen",
        ),
        ({"concern_level": "serious", "concern_description": " "}, "concern_description", "Beskriv"),
    ],
)
def test_it_refuses_bad_input_with_a_norwegian_message_at_the_field(team, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        log(team, **overrides)
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    assert MentorSession.objects.count() == 0


def test_it_refuses_a_case_the_mentor_no_longer_holds(team):
    case_assignment_end(actor=team.slt, assignment=team.mentor_assignment)
    with pytest.raises(ValidationError) as caught:
        log(team)
    assert caught.value.code == "not_assigned"


def test_another_mentor_cannot_log_on_the_case(team):
    with pytest.raises(ValidationError):
        log(team, actor=team.outsider)


def test_ending_the_assignment_takes_back_the_session_rights(team):
    assert team.mentor.has_perm("cases.log_session", team.case)
    assert team.mentor.has_perm("cases.view_sessions", team.case)
    assert team.coordinator.has_perm("cases.view_sessions", team.case)
    assert not team.coordinator.has_perm("cases.log_session", team.case)
    case_assignment_end(actor=team.slt, assignment=team.mentor_assignment)
    assert not team.mentor.has_perm("cases.log_session", team.case)
    assert not team.mentor.has_perm("cases.view_sessions", team.case)


def test_the_author_corrects_a_session_within_24_hours_and_the_trail_names_the_fields(team):
    session = log(team)
    services.mentor_session_update(actor=team.mentor, session=session, **fields(duration_minutes=90, notes="Rettet."))
    session.refresh_from_db()
    assert session.duration_minutes == 90 and session.updated_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_CORRECTED)
    assert event.data == {"case": team.case.pk, "fields": ["duration_minutes", "notes"]}


def test_only_the_author_corrects(team):
    session = log(team)
    with pytest.raises(PermissionDenied):
        services.mentor_session_update(actor=team.coordinator, session=session, **fields())


def test_after_24_hours_the_session_takes_addenda_only(team):
    session = MentorSessionFactory(
        case=team.case, mentor=team.mentor, recorded_at=timezone.now() - datetime.timedelta(hours=24, minutes=1)
    )
    assert not permissions.may_edit_session(team.mentor, session)
    with pytest.raises(ValidationError) as caught:
        services.mentor_session_update(actor=team.mentor, session=session, **fields(notes="For sent."))
    assert caught.value.code == "edit_window"
    addendum = services.session_addendum_add(actor=team.mentor, session=session, text="Glemte: han har fått jobb.")
    assert addendum.written_by == team.mentor and addendum.written_at is not None
    session.refresh_from_db()
    assert session.notes == "Vi gikk en tur og snakket om skolen."


def test_an_addendum_needs_text_and_a_holder_of_the_case(team):
    session = MentorSessionFactory(case=team.case, mentor=team.mentor)
    with pytest.raises(ValidationError):
        services.session_addendum_add(actor=team.mentor, session=session, text="  ")
    with pytest.raises(ValidationError):
        services.session_addendum_add(actor=team.outsider, session=session, text="Ikke min sak.")
    assert SessionAddendum.objects.count() == 0


def _sql(statement, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_the_database_refuses_a_late_edit_a_delete_and_a_changed_addendum(team):
    old = MentorSessionFactory(
        case=team.case, mentor=team.mentor, recorded_at=timezone.now() - datetime.timedelta(hours=25)
    )
    fresh = MentorSessionFactory(case=team.case, mentor=team.mentor)
    addendum = services.session_addendum_add(actor=team.mentor, session=old, text="Tillegg.")
    with pytest.raises(DatabaseError, match="edit window"):
        _sql("UPDATE mentorsessions_mentorsession SET notes = 'x' WHERE id = %s", [old.pk])
    _sql("UPDATE mentorsessions_mentorsession SET notes = 'x' WHERE id = %s", [fresh.pk])  # within 24 hours
    with pytest.raises(DatabaseError, match="never removed"):
        _sql("DELETE FROM mentorsessions_mentorsession WHERE id = %s", [fresh.pk])
    with pytest.raises(DatabaseError, match="never removed"):
        _sql("UPDATE mentorsessions_sessionaddendum SET text = 'x' WHERE id = %s", [addendum.pk])
    with pytest.raises(DatabaseError, match="never removed"):
        _sql("DELETE FROM mentorsessions_sessionaddendum")
    with pytest.raises(DatabaseError, match="never removed"), transaction.atomic():
        MentorSession.objects.filter(pk=fresh.pk).delete()
    assert MentorSession.objects.count() == 2


def test_a_session_is_voided_with_a_reason_and_stays(team):
    session = log(team)
    with pytest.raises(ValidationError):
        services.mentor_session_void(actor=team.mentor, session=session, reason="")
    services.mentor_session_void(actor=team.mentor, session=session, reason="Feil deltaker.")
    session.refresh_from_db()
    assert session.is_voided and session.voided_by == team.mentor and session.void_reason == "Feil deltaker."
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SESSION_VOIDED, object_pk=str(session.pk)).exists()
    with pytest.raises(ValidationError):
        services.mentor_session_void(actor=team.mentor, session=session, reason="Igjen.")
    with pytest.raises(ValidationError):
        services.mentor_session_update(actor=team.mentor, session=session, **fields())
    with pytest.raises(ValidationError):
        services.session_addendum_add(actor=team.mentor, session=session, text="Etter annullering.")
    with pytest.raises(DatabaseError, match="voided"):
        _sql(
            "UPDATE mentorsessions_mentorsession SET voided_at = NULL, voided_by_id = NULL, void_reason = '' "
            "WHERE id = %s",
            [session.pk],
        )


def test_only_the_author_voids(team):
    session = log(team)
    with pytest.raises(PermissionDenied):
        services.mentor_session_void(actor=team.coordinator, session=session, reason="Nei.")


def test_a_concern_signal_notifies_the_coordinator_at_once(team):
    session = log(team, concern_level="worry", concern_description="Han snakker om hevn.")
    signal = session.concern
    assert signal.level == "worry" and signal.is_open and signal.raised_by == team.mentor
    assert notified(Notification.Kind.CONCERN_SIGNAL) == [team.coordinator.pk]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONCERN_RAISED)
    assert event.data == {"case": team.case.pk, "session": session.pk, "level": "worry"}


def test_an_acute_signal_reaches_the_slt_coordinators_too(team):
    log(team, concern_level="acute", concern_description="Viser frem et våpen.")
    assert notified(Notification.Kind.CONCERN_SIGNAL) == sorted([team.coordinator.pk, team.slt.pk])


def test_a_correction_may_raise_a_signal_but_not_change_one(team):
    session = log(team)
    services.mentor_session_update(
        actor=team.mentor, session=session, concern_level="serious", concern_description="Ny info.", **fields()
    )
    assert ConcernSignal.objects.get(session=session).level == "serious"
    services.mentor_session_update(
        actor=team.mentor, session=session, concern_level="worry", concern_description="Nedgradert.", **fields()
    )
    assert ConcernSignal.objects.get(session=session).level == "serious"
    with pytest.raises(DatabaseError, match="never changes"):
        _sql("UPDATE mentorsessions_concernsignal SET level = 'worry'")


def test_the_coordinator_acknowledges_with_a_note_and_the_mentor_is_told(team):
    signal = log(team, concern_level="serious", concern_description="Bekymret.").concern
    with pytest.raises(PermissionDenied):
        services.concern_signal_acknowledge(actor=team.mentor, signal=signal, note="Sett.")
    with pytest.raises(ValidationError):
        services.concern_signal_acknowledge(actor=team.coordinator, signal=signal, note="")
    services.concern_signal_acknowledge(actor=team.coordinator, signal=signal, note="Ringte skolen.")
    signal.refresh_from_db()
    assert signal.acknowledged_by == team.coordinator and signal.acknowledgement == "Ringte skolen."
    assert notified(Notification.Kind.CONCERN_ACKNOWLEDGED) == [team.mentor.pk]
    with pytest.raises(ValidationError) as caught:
        services.concern_signal_acknowledge(actor=team.coordinator, signal=signal, note="Igjen.")
    assert "Kari Koordinator" in caught.value.messages[0]


def test_an_unanswered_signal_escalates_once_after_its_level_limit(team, settings):
    settings.CONCERN_ESCALATION_HOURS = {"worry": 72, "serious": 8, "acute": 1}
    acute = log(team, concern_level="acute", concern_description="Akutt.").concern
    worry = MentorSessionFactory(case=team.case, mentor=team.mentor)
    ConcernSignal.objects.create(
        session=worry, case=team.case, level="worry", description="Litt bekymret.", raised_by=team.mentor
    )
    now = timezone.now() + datetime.timedelta(hours=1, minutes=1)
    assert services.concern_signals_escalate(now=now) == 1
    assert services.concern_signals_escalate(now=now) == 0
    acute.refresh_from_db()
    assert acute.escalated_at == now
    assert notified(Notification.Kind.CONCERN_ESCALATED) == sorted([team.coordinator.pk, team.slt.pk])
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONCERN_ESCALATED).count() == 1


def test_an_acknowledged_signal_does_not_escalate(team):
    signal = log(team, concern_level="acute", concern_description="Akutt.").concern
    services.concern_signal_acknowledge(actor=team.coordinator, signal=signal, note="Politiet varslet.")
    assert services.concern_signals_escalate(now=timezone.now() + datetime.timedelta(days=5)) == 0


def test_a_quiet_case_is_reminded_to_its_coordinator_and_mentor_once_a_week(team, settings):
    settings.SESSION_QUIET_WEEKS = 3
    MentorSessionFactory(case=team.case, mentor=team.mentor, held_on=timezone.localdate() - datetime.timedelta(weeks=4))
    today = timezone.localdate()
    reminders_run(today=today)
    assert notified(Notification.Kind.CASE_WITHOUT_SESSION) == sorted([team.coordinator.pk, team.mentor.pk])
    # Another day of the same ISO week: the same dedup key, so nobody is told twice.
    same_week = today - datetime.timedelta(days=1) if today.weekday() > 0 else today + datetime.timedelta(days=1)
    reminders_run(today=same_week)
    keys = {
        item.payload["dedup_key"]
        for item in OutboxItem.objects.filter(kind="notification.deliver")
        if item.payload["kind"] == Notification.Kind.CASE_WITHOUT_SESSION
    }
    assert len(keys) == 1


def test_a_recent_session_keeps_the_case_off_the_reminder(team):
    MentorSessionFactory(case=team.case, mentor=team.mentor)
    reminders_run()
    assert notified(Notification.Kind.CASE_WITHOUT_SESSION) == []


def test_a_voided_session_does_not_count_as_a_session(team, settings):
    settings.SESSION_QUIET_WEEKS = 3
    session = log(team)
    services.mentor_session_void(actor=team.mentor, session=session, reason="Feil.")
    team.mentor_assignment.started_at = timezone.now() - datetime.timedelta(weeks=5)
    type(team.mentor_assignment).objects.filter(pk=team.mentor_assignment.pk).update(
        started_at=team.mentor_assignment.started_at
    )
    reminders_run()
    assert team.mentor.pk in notified(Notification.Kind.CASE_WITHOUT_SESSION)


def test_a_draft_is_kept_and_dropped_when_the_session_is_saved(team):
    services.session_draft_save(actor=team.mentor, case=team.case, data={"notes": "Halvveis skrevet", "x": "ignored"})
    services.session_draft_save(actor=team.mentor, case=team.case, data={"notes": "Nesten ferdig"})
    draft = MentorSessionDraft.objects.get()
    assert draft.data == {"notes": "Nesten ferdig"}
    with pytest.raises(ValidationError):
        services.session_draft_save(actor=team.outsider, case=team.case, data={"notes": "Ikke min."})
    log(team)
    assert MentorSessionDraft.objects.count() == 0


def test_the_mentor_pool_counts_the_hours_in_use_from_the_last_four_weeks(team):
    from mentors.selectors import session_hours_per_week

    today = timezone.localdate()
    MentorSessionFactory(case=team.case, mentor=team.mentor, duration_minutes=120, held_on=today)
    MentorSessionFactory(
        case=team.case, mentor=team.mentor, duration_minutes=120, held_on=today - datetime.timedelta(weeks=3)
    )
    MentorSessionFactory(
        case=team.case, mentor=team.mentor, duration_minutes=600, held_on=today - datetime.timedelta(weeks=5)
    )
    voided = log(team, duration_minutes=600)
    services.mentor_session_void(actor=team.mentor, session=voided, reason="Feil.")
    assert session_hours_per_week(today=today, mentor_user_ids=[team.mentor.pk]) == {team.mentor.pk: 1.0}
    assert session_hours_per_week(today=today, mentor_user_ids=[team.outsider.pk]) == {}  # only those asked for


def test_a_concern_signals_case_is_its_sessions_in_the_database(team):
    """The case page reads a case's signals through its sessions: a signal naming another case than its session's
    is refused by the database, whatever writes it."""
    session = MentorSessionFactory(case=team.case, mentor=team.mentor)
    with pytest.raises(IntegrityError, match="concern_case_is_its_sessions"), transaction.atomic():
        ConcernSignal.objects.create(
            session=session, case=CaseFactory(), level="worry", description="Feil sak.", raised_by=team.mentor
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as COMMIT would
    signal = ConcernSignal.objects.create(
        session=session, case=team.case, level="worry", description="Riktig sak.", raised_by=team.mentor
    )
    assert timeline_sessions(case=team.case) == ([session], [signal])
