"""The mentor's pages and the coordinator's: they work, keep what was typed, and show nobody else anything."""

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.services import case_assignment_end
from mentorsessions import services
from mentorsessions.models import ConcernSignal, MentorSession, MentorSessionDraft
from tests.mentorsessions.factories import MentorSessionFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": "45",
        "mode": "meeting",
        "topics": ["school_work", "leisure"],
        "notes": "Vi spilte fotball og snakket om skolen.",
        "progress": "some",
        "next_step": "Besøke ungdomsklubben.",
        "next_meeting_on": "",
        "concern_level": "",
        "concern_description": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def as_mentor(client, team, verified_login):
    verified_login(client, team.mentor)
    return client


def test_a_mentor_lands_on_their_home_with_log_a_session_one_tap_away(as_mentor, team):
    MentorSessionFactory(case=team.case, mentor=team.mentor, next_step="Kino på fredag")
    response = as_mentor.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("mentorsessions:home")
    body = response.content.decode()
    assert str(team.case.participant.first_name) in body
    assert "Kino på fredag" in body
    assert reverse("mentorsessions:create", args=[team.case.pk]) in body
    event = AccessEvent.objects.filter(actor=team.mentor, kind="list").latest("pk")
    assert event.object_pks == [str(team.case.pk)]


def test_the_home_marks_a_case_with_no_session_for_weeks(as_mentor, team, settings):
    settings.SESSION_QUIET_WEEKS = 3
    MentorSessionFactory(case=team.case, mentor=team.mentor, held_on=timezone.localdate() - datetime.timedelta(weeks=5))
    assert "Ingen samtale på 5 uker" in as_mentor.get(reverse("mentorsessions:home")).content.decode()


def test_the_home_costs_a_fixed_number_of_queries(as_mentor, team, django_assert_max_num_queries):
    MentorSessionFactory(case=team.case, mentor=team.mentor)
    with django_assert_max_num_queries(15):
        assert as_mentor.get(reverse("mentorsessions:home")).status_code == 200


def test_it_logs_a_session_and_shows_it(as_mentor, team, django_assert_max_num_queries):
    # The duration's range is said in words by the service, not asked of the database again by full_clean.
    with django_assert_max_num_queries(22):
        response = as_mentor.post(reverse("mentorsessions:create", args=[team.case.pk]), form_data())
    session = MentorSession.objects.get()
    assert response.status_code == 302 and response.url == reverse("mentorsessions:detail", args=[session.pk])
    assert session.topics == ["school_work", "leisure"]
    page = as_mentor.get(response.url).content.decode()
    assert "Vi spilte fotball" in page and "Samtalen er lagret." in page


def test_a_future_date_is_refused_in_norwegian_and_the_text_is_kept(as_mentor, team):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = as_mentor.post(
        reverse("mentorsessions:create", args=[team.case.pk]), form_data(held_on=tomorrow, duration_minutes="0")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Datoen kan ikke være fram i tid." in body
    assert "Vi spilte fotball og snakket om skolen." in body
    assert f'value="{tomorrow}"' in body
    assert MentorSession.objects.count() == 0


def test_a_duration_over_a_day_is_refused(as_mentor, team):
    response = as_mentor.post(reverse("mentorsessions:create", args=[team.case.pk]), form_data(duration_minutes="1441"))
    assert response.status_code == 400
    assert "En samtale kan ikke vare mer enn 24 timer" in response.content.decode()


def test_a_case_the_mentor_no_longer_holds_keeps_the_text_and_shows_nothing_of_the_case(as_mentor, team):
    case_assignment_end(actor=team.slt, assignment=team.mentor_assignment)
    response = as_mentor.post(reverse("mentorsessions:create", args=[team.case.pk]), form_data())
    assert response.status_code == 400
    body = response.content.decode()
    assert "Du er ikke lenger mentor i dette mentorløpet" in body
    assert "Vi spilte fotball og snakket om skolen." in body
    assert team.case.participant.last_name not in body
    assert MentorSession.objects.count() == 0


def test_the_draft_is_saved_as_the_mentor_types_and_comes_back(as_mentor, team):
    url = reverse("mentorsessions:draft", args=[team.case.pk])
    response = as_mentor.post(url, form_data(notes="Halvveis skrevet notat", topics=["family"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Utkast lagret kl." in response.content.decode()
    assert MentorSessionDraft.objects.get().data["notes"] == "Halvveis skrevet notat"
    page = as_mentor.get(reverse("mentorsessions:create", args=[team.case.pk])).content.decode()
    assert "Halvveis skrevet notat" in page
    assert 'value="family" id="id_topics_1" checked' in page or 'value="family"' in page


def test_an_acute_signal_warns_and_shows_what_to_do(as_mentor, team):
    response = as_mentor.post(
        reverse("mentorsessions:create", args=[team.case.pk]),
        form_data(concern_level="acute", concern_description="Han viste meg et våpen."),
        follow=True,
    )
    body = response.content.decode()
    assert "ring politiet på 112" in body
    assert "radikaliseringskontakt" in body
    assert ConcernSignal.objects.get().level == "acute"


def test_another_mentor_gets_404_everywhere(client, team, verified_login):
    session = MentorSessionFactory(case=team.case, mentor=team.mentor)
    verified_login(client, team.outsider)
    for url in (
        reverse("mentorsessions:create", args=[team.case.pk]),
        reverse("mentorsessions:case_sessions", args=[team.case.pk]),
        reverse("mentorsessions:detail", args=[session.pk]),
        reverse("mentorsessions:edit", args=[session.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("mentorsessions:draft", args=[team.case.pk]), form_data()).status_code == 404


def test_reading_a_session_is_an_access_event(as_mentor, team):
    session = MentorSessionFactory(case=team.case, mentor=team.mentor)
    assert as_mentor.get(reverse("mentorsessions:detail", args=[session.pk])).status_code == 200
    assert AccessEvent.objects.filter(
        actor=team.mentor,
        kind="view",
        content_type=ContentType.objects.get_for_model(MentorSession),
        object_pk=str(session.pk),
    ).exists()


def test_the_edit_page_closes_after_24_hours_and_points_to_addenda(as_mentor, team):
    session = MentorSessionFactory(
        case=team.case, mentor=team.mentor, recorded_at=timezone.now() - datetime.timedelta(hours=25)
    )
    response = as_mentor.get(reverse("mentorsessions:edit", args=[session.pk]), follow=True)
    assert "skriv et tillegg i stedet" in response.content.decode()
    response = as_mentor.post(reverse("mentorsessions:addendum_add", args=[session.pk]), {"text": "Han har fått jobb."})
    assert response.status_code == 302
    assert "Han har fått jobb." in as_mentor.get(response.url).content.decode()


def test_a_correction_within_the_window_saves(as_mentor, team):
    session = MentorSessionFactory(case=team.case, mentor=team.mentor)
    data = form_data(notes="Rettet notat.")
    del data["submission_key"], data["concern_level"], data["concern_description"]
    data["held_on"] = session.held_on.isoformat()
    response = as_mentor.post(reverse("mentorsessions:edit", args=[session.pk]), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.notes == "Rettet notat."


def test_voiding_needs_a_reason_and_keeps_what_was_typed(as_mentor, team):
    session = MentorSessionFactory(case=team.case, mentor=team.mentor)
    response = as_mentor.post(reverse("mentorsessions:void", args=[session.pk]), {"reason": ""})
    assert response.status_code == 400
    response = as_mentor.post(reverse("mentorsessions:void", args=[session.pk]), {"reason": "Feil deltaker."})
    assert response.status_code == 302
    assert "Annullert av" in as_mentor.get(response.url).content.decode()


def test_the_coordinator_reads_and_acknowledges_but_cannot_log(client, team, verified_login):
    session = services.mentor_session_log(
        actor=team.mentor,
        case=team.case,
        submission_key=uuid.uuid4(),
        held_on=timezone.localdate(),
        duration_minutes=30,
        mode="phone",
        progress="setback",
        concern_level="serious",
        concern_description="Har sluttet på skolen og er mye på nett.",
    )
    verified_login(client, team.coordinator)
    assert client.get(reverse("mentorsessions:create", args=[team.case.pk])).status_code == 403
    overview = client.get(reverse("mentorsessions:overview")).content.decode()
    assert "Åpne bekymringssignaler" in overview and "Alvorlig bekymring" in overview
    detail = client.get(reverse("mentorsessions:detail", args=[session.pk])).content.decode()
    assert "Kvitter for signalet" in detail
    url = reverse("mentorsessions:acknowledge", args=[session.concern.pk])
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "Ringte skolen."}).status_code == 302
    assert "Ingen åpne bekymringssignaler." in client.get(reverse("mentorsessions:overview")).content.decode()


def test_the_overview_lists_quiet_cases(client, team, verified_login, settings):
    settings.SESSION_QUIET_WEEKS = 3
    MentorSessionFactory(case=team.case, mentor=team.mentor, held_on=timezone.localdate() - datetime.timedelta(weeks=6))
    verified_login(client, team.coordinator)
    body = client.get(reverse("mentorsessions:overview")).content.decode()
    assert "for 6 uker siden" in body


def test_sessions_appear_in_the_case_timeline_for_its_readers(client, team, verified_login):
    MentorSessionFactory(case=team.case, mentor=team.mentor, mode="phone", duration_minutes=25)
    verified_login(client, team.coordinator)
    body = client.get(reverse("cases:detail", args=[team.case.pk])).content.decode()
    assert "Mentorsamtale" in body and "Telefonsamtale, 25 min" in body
