"""The daily schedule: the right people are told, and a second run sends nothing twice."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case, CaseAssignment
from cases.services import case_assignment_start
from mentorprogram.roles import MENTOR, SLT_COORDINATOR
from notifications.models import Notification, OutboxItem
from notifications.reminders import reminders_run
from notifications.services import outbox_item_run
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def deliver_all():
    for item in OutboxItem.objects.filter(status="pending"):
        outbox_item_run(item_id=item.pk)


@pytest.fixture
def waiting_case(settings):
    days = settings.REMINDER_CASE_WAITING_FOR_MENTOR_DAYS
    return CaseFactory(status=Case.Status.MATCHING, opened_at=timezone.now() - datetime.timedelta(days=days + 1))


def test_a_case_waiting_too_long_for_a_mentor_reminds_every_slt_coordinator(make_user, waiting_case):
    slts = [make_user(SLT_COORDINATOR), make_user(SLT_COORDINATOR)]
    make_user(MENTOR)
    CaseFactory(status=Case.Status.MATCHING)  # opened today: not yet
    assert reminders_run() == 2
    deliver_all()
    notifications = Notification.objects.filter(kind=Notification.Kind.CASE_WAITING_FOR_MENTOR)
    assert sorted(n.recipient_id for n in notifications) == sorted(u.pk for u in slts)
    assert {n.params["case"] for n in notifications} == {waiting_case.pk}


def test_a_case_with_a_mentor_is_not_reminded(make_user, waiting_case):
    slt = make_user(SLT_COORDINATOR)
    case_assignment_start(actor=slt, case=waiting_case, user=make_user(MENTOR), kind=CaseAssignment.Kind.MENTOR)
    assert reminders_run() == 0


def test_running_the_daily_schedule_twice_sends_nothing_twice(make_user, waiting_case):
    make_user(SLT_COORDINATOR)
    assert reminders_run() == 1
    assert reminders_run() == 0
    deliver_all()
    assert Notification.objects.filter(kind=Notification.Kind.CASE_WAITING_FOR_MENTOR).count() == 1


def test_the_next_day_reminds_again(make_user, waiting_case):
    make_user(SLT_COORDINATOR)
    today = timezone.localdate()
    reminders_run(today=today)
    reminders_run(today=today + datetime.timedelta(days=1))
    deliver_all()
    assert Notification.objects.filter(kind=Notification.Kind.CASE_WAITING_FOR_MENTOR).count() == 2


def test_the_schedule_runs_in_oslo_time(settings):
    from mentorprogram.celery import app

    assert app.conf.timezone == "Europe/Oslo"
    assert settings.CELERY_BEAT_SCHEDULE["daily-reminders"]["task"] == "notifications.tasks.reminders_run_task"
