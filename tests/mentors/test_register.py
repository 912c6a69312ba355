"""The mentor register: SLT coordinators keep profiles and qualifications; mentors declare their own background."""

import datetime

import pytest

from cases.models import CaseAssignment
from cases.services import case_assignment_start
from mentorprogram.roles import MENTOR, SLT_COORDINATOR
from mentors.models import Attendance, Mentor, PersonalTie, Qualification
from tests.cases.factories import CaseFactory
from tests.mentors.factories import MentorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def slt(make_user):
    return make_user(SLT_COORDINATOR)


def test_an_slt_coordinator_registers_a_mentor(client, slt, make_user, verified_login):
    user = make_user(MENTOR)
    verified_login(client, slt)
    assert user.get_full_name() in client.get("/mentors/new/").content.decode()
    response = client.post(
        "/mentors/new/",
        {
            "user": user.pk,
            "is_active": "on",
            "employment": "bank",
            "birth_year": 1985,
            "gender": "female",
            "languages": "norsk, polsk",
            "interests": "klatring",
            "district": "Nord",
            "tracks": ["exit"],
            "max_participants": 2,
            "hours_per_week": 4,
        },
    )
    mentor = Mentor.objects.get(user=user)
    assert response.status_code == 302 and mentor.languages == ["norsk", "polsk"] and mentor.tracks == ["exit"]


def test_qualifications_are_recorded_with_their_state_and_bad_dates_refused(client, slt, verified_login):
    mentor = MentorFactory(qualified=False)
    verified_login(client, slt)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        f"/mentors/{mentor.pk}/qualifications/",
        {"qualification-kind": "police_certificate", "qualification-completed_on": tomorrow},
    )
    assert response.status_code == 400 and "Datoen kan ikke være fram i tid" in response.content.decode()
    today = datetime.date.today()
    client.post(
        f"/mentors/{mentor.pk}/qualifications/",
        {
            "qualification-kind": "police_certificate",
            "qualification-completed_on": today.isoformat(),
            "qualification-valid_until": (today + datetime.timedelta(days=20)).isoformat(),
        },
    )
    assert Qualification.objects.filter(mentor=mentor).count() == 1
    assert "Politiattest: <strong>utløper snart</strong>" in client.get(f"/mentors/{mentor.pk}/").content.decode()


def test_supervision_is_recorded(client, slt, verified_login):
    mentor = MentorFactory()
    verified_login(client, slt)
    client.post(
        f"/mentors/{mentor.pk}/attendance/",
        {"attendance-kind": "supervision", "attendance-date": datetime.date.today().isoformat()},
    )
    assert Attendance.objects.filter(mentor=mentor, kind="supervision").exists()


def test_a_mentor_declares_their_own_background_and_nobody_elses(client, verified_login):
    mentor, other = MentorFactory(), MentorFactory()
    verified_login(client, mentor.user)
    client.post(
        "/mentors/me/",
        {"languages": "norsk, somali", "interests": "", "ethnic_background": "somalisk", "religious_background": ""},
    )
    mentor.refresh_from_db()
    assert (mentor.ethnic_background, mentor.languages) == ("somalisk", ["norsk", "somali"])
    assert client.get(f"/mentors/{other.pk}/").status_code == 403


def test_an_assigned_mentor_declares_a_personal_tie(client, slt, verified_login):
    mentor = MentorFactory()
    case = CaseFactory()
    case_assignment_start(actor=slt, case=case, user=mentor.user, kind=CaseAssignment.Kind.MENTOR)
    verified_login(client, mentor.user)
    assert "Jeg kjenner deltakeren personlig" in client.get(f"/cases/{case.pk}/").content.decode()
    client.post(f"/mentors/cases/{case.pk}/i-know/")
    assert PersonalTie.objects.filter(mentor=mentor, participant=case.participant).exists()
    assert client.post(f"/mentors/cases/{CaseFactory().pk}/i-know/").status_code == 404


def test_an_expiring_police_certificate_reminds_the_mentor_and_slt_once(slt):
    from notifications.models import OutboxItem
    from notifications.reminders import reminders_run

    today = datetime.date.today()
    mentor = MentorFactory(qualified=False)
    Qualification.objects.create(
        mentor=mentor,
        kind="police_certificate",
        completed_on=today - datetime.timedelta(days=700),
        valid_until=today + datetime.timedelta(days=20),
        recorded_by=slt,
    )
    reminders_run(today=today)
    reminders_run(today=today + datetime.timedelta(days=1))
    from notifications.models import Notification
    from notifications.services import outbox_item_run

    for item in OutboxItem.objects.filter(payload__kind="qualification_expiring"):
        outbox_item_run(item_id=item.pk)
    notifications = Notification.objects.filter(kind="qualification_expiring")
    assert sorted(n.recipient_id for n in notifications) == sorted([mentor.user.pk, slt.pk])  # once each, over two days


def test_the_pool_comes_in_pages_and_records_only_the_mentors_shown(client, slt, verified_login, monkeypatch):
    from audit.models import AccessEvent
    from mentors import selectors

    monkeypatch.setattr(selectors, "POOL_PAGE_SIZE", 3)
    mentors = MentorFactory.create_batch(4) + [MentorFactory(qualified=False)]
    mentors[0].is_active = False
    mentors[0].save()
    long_ago = datetime.date.today() - datetime.timedelta(days=800)
    Qualification.objects.create(
        mentor=mentors[4],
        kind=Qualification.Kind.POLICE_CERTIFICATE,
        completed_on=long_ago,
        valid_until=long_ago + datetime.timedelta(days=365),
        recorded_by=slt,
    )
    verified_login(client, slt)
    first = client.get("/mentors/").content.decode()
    second = client.get("/mentors/?page=2").content.decode()
    names = [m.user.get_full_name() for m in mentors]
    assert sum(name in first for name in names) == 3 and sum(name in second for name in names) == 2
    assert 'rel="next"' in first and 'rel="next"' not in second and 'rel="prev"' in second
    shown = AccessEvent.objects.filter(kind=AccessEvent.Kind.LIST, actor=slt).order_by("pk").last()
    assert len(shown.object_pks) == 2  # the second page's mentors, not the pool
    # The filters choose before the page is cut: the one with an expired certificate is the only «expiring» one.
    expiring = client.get("/mentors/?only=expiring").content.decode()
    assert names[4] in expiring and not any(name in expiring for name in names[:4])
    capacity = client.get("/mentors/?only=capacity&page=2").content.decode()
    assert sum(name in capacity for name in names) == 1 and names[0] not in capacity  # four have room; one inactive


def test_the_pool_page_costs_the_same_queries_for_a_larger_pool(client, slt, verified_login, django_assert_num_queries):
    MentorFactory.create_batch(2)
    verified_login(client, slt)
    client.get("/mentors/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get("/mentors/").status_code == 200
    MentorFactory.create_batch(8)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get("/mentors/").status_code == 200
