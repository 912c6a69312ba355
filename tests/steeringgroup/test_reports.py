"""Steering reports end to end: built in the background, suppressed, read back from the PDF and the CSV, published
once, read by the steering group, and never a person in them."""

import datetime
import io
import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessEvent
from mentorprogram.roles import STEERING_GROUP
from mentorsessions.services import mentor_session_log
from steeringgroup import services
from steeringgroup.models import ReportCell, SteeringReport
from tests.cases.factories import ReferralFactory
from tests.disclosures.factories import record_disclosure
from tests.individualplans.factories import add_goal, start_plan

pytestmark = pytest.mark.django_db


def last_month() -> tuple[datetime.date, datetime.date]:
    end = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()), len(reader.pages)


@pytest.fixture
def activity(team):
    """A month of activity with unique markers in every free text, names and identity numbers."""
    start, end = last_month()
    markers = {f"Kanarifugl{uuid.uuid4().hex[:10]}" for _ in range(6)}
    marker = iter(sorted(markers))
    for day in range(7):
        ReferralFactory(received_on=start + datetime.timedelta(days=day), first_name=next(iter(markers)))
    participant = team.case.participant
    participant.first_name, participant.national_id = next(marker), "17050912345"
    participant.save()
    # The team's case is opened 60 days ago: on the last day of a month, late in the evening, that is after the
    # first of last month (a session then would be before the case). Opened before the month, whatever the hour.
    opened = timezone.make_aware(datetime.datetime.combine(start - datetime.timedelta(days=1), datetime.time(12)))
    team.case.opened_at = min(team.case.opened_at, opened)
    team.case.save(update_fields=["opened_at"])
    for day in range(6):
        mentor_session_log(
            actor=team.mentor,
            case=team.case,
            submission_key=uuid.uuid4(),
            held_on=start + datetime.timedelta(days=day),
            duration_minutes=60,
            mode="meeting",
            progress="some",
            notes=next(marker, "notat"),
        )
    plan = start_plan(team.coordinator, team.case, participant_words=sorted(markers)[-1])
    add_goal(team.coordinator, plan, wording=sorted(markers)[-2])
    record_disclosure(team.coordinator, team.case)
    return {"start": start, "end": end, "markers": markers}


def build(actor, start, end) -> SteeringReport:
    report = services.steering_report_request(actor=actor, start=start, end=end)
    services.steering_report_build(report.pk)
    report.refresh_from_db()
    return report


def test_a_report_is_built_suppressed_published_and_read_by_the_steering_group(
    client, team, activity, make_user, verified_login
):
    report = build(team.slt, activity["start"], activity["end"])
    assert report.status == SteeringReport.Status.READY and report.progress == 100
    text, pages = pdf_text(bytes(report.pdf))
    for section in (
        "Styringsrapport",
        "Innhold",
        "Oppsummering",
        "Bekymringsmeldinger etter kilde og måned",
        "Utfall av triage",
        "Åpne mentorløp ved periodens slutt",
        "Mentorsamtaler og timer",
        "Bekymringssignaler",
        "Mål i planer etter livsområde og status",
        "Avsluttede mentorløp",
        "Mentorbanken ved periodens slutt",
        "Unntak fra taushetsplikt etter rettslig grunnlag",
        "Definisjoner",
        f"Side 2 av {pages}",
    ):
        assert section in text, section
    assert "<5" in text  # one case: its counts are small
    # No small count is shown as a number anywhere.
    for cell in ReportCell.objects.filter(report=report):
        assert cell.status != "shown" or not 0 < cell.value < 5
    # Nobody in it: names, identity numbers, free text.
    csv_text = services.report_csv(report)
    for marker in (*activity["markers"], "17050912345", team.case.participant.last_name):
        assert marker not in text and marker not in csv_text, marker

    # The steering group sees nothing before it is published.
    member = make_user(STEERING_GROUP)
    verified_login(client, member)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.get(f"/reports/{report.pk}/report.pdf").status_code == 404
    services.steering_report_publish(actor=team.slt, report=report)

    assert client.get("/").url == "/reports/"  # the steering group lands on the reports
    page = client.get("/reports/").content.decode()
    assert f"/reports/{report.pk}/" in page
    download = client.get(f"/reports/{report.pk}/report.pdf")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert client.get(f"/reports/{report.pk}/report.csv").content.decode("utf-8-sig").startswith("Tabell;Rad")
    assert AccessEvent.objects.filter(actor=member, kind=AccessEvent.Kind.EXPORT).count() == 2
    # Nothing else of the system: the case, the plans, the register.
    for url in (f"/cases/{team.case.pk}/", "/plans/", "/disclosures/", "/cases/"):
        assert client.get(url).status_code in (403, 404), url


def test_a_published_report_never_changes(team, activity):
    report = build(team.slt, activity["start"], activity["end"])
    services.steering_report_publish(actor=team.slt, report=report)
    for statement in (
        "UPDATE steeringgroup_steeringreport SET figures = '{}' WHERE id = %s",
        "DELETE FROM steeringgroup_steeringreport WHERE id = %s",
        "UPDATE steeringgroup_reportcell SET value = value + 1 WHERE report_id = %s",
        "DELETE FROM steeringgroup_reportcell WHERE report_id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [report.pk])


def test_a_report_checked_against_a_stale_history_is_not_published(team, activity):
    one = build(team.slt, activity["start"], activity["end"])
    two = build(team.slt, activity["start"], activity["end"])
    services.steering_report_publish(actor=team.slt, report=one)
    with pytest.raises(Exception, match="publisert etter at denne ble laget"):
        services.steering_report_publish(actor=team.slt, report=two)


def test_a_period_with_no_data_says_so():
    from mentorprogram.roles import SLT_COORDINATOR
    from tests.mentorprogram.factories import UserFactory

    slt = UserFactory(roles=[SLT_COORDINATOR])
    report = build(slt, datetime.date(2020, 1, 1), datetime.date(2020, 3, 31))
    assert report.status == SteeringReport.Status.READY
    assert "Ingen aktivitet er registrert i perioden." in pdf_text(bytes(report.pdf))[0]


@pytest.mark.parametrize(
    "start,end,message",
    [
        ("2026-06", "2026-03", "Perioden kan ikke slutte før den starter."),
        ("2019-01", "2025-12", "En rapport dekker høyst fem år."),
        (None, None, "Perioden må være over"),
        ("2026-13", "2026-14", "Skriv en måned som ÅÅÅÅ-MM."),
    ],
)
def test_bad_periods_get_a_clear_answer(client, team, verified_login, start, end, message):
    this_month = timezone.localdate().strftime("%Y-%m")
    verified_login(client, team.slt)
    response = client.post("/reports/new/", {"period_start": start or this_month, "period_end": end or this_month})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SteeringReport.objects.exists()


def test_a_failing_build_is_retried_then_shown_with_its_reason(team, monkeypatch, client, verified_login):
    start, end = last_month()
    report = services.steering_report_request(actor=team.slt, start=start, end=end)

    def broken(*args, **kwargs):
        raise RuntimeError("Kanarifugl i en feilmelding")

    monkeypatch.setattr(services.figures_module, "figures_compute", broken)
    for attempt in range(1, services.MAX_ATTEMPTS):
        with pytest.raises(services.BuildFailed):
            services.steering_report_build(report.pk)
        report.refresh_from_db()
        assert report.status == SteeringReport.Status.QUEUED and report.attempts == attempt
        assert "prøves igjen" in report.failure_reason
    assert services.steering_report_build(report.pk) is None
    report.refresh_from_db()
    assert report.status == SteeringReport.Status.FAILED
    verified_login(client, team.slt)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "kunne ikke lages (RuntimeError) etter 3 forsøk" in page
    assert "Kanarifugl" not in page and "Kanarifugl" not in report.failure_reason


def test_a_stalled_report_goes_back_to_a_worker_and_beat_asks_for_last_quarter(team):
    from notifications.models import OutboxItem

    start, end = last_month()
    report = services.steering_report_request(actor=team.slt, start=start, end=end)
    SteeringReport.objects.filter(pk=report.pk).update(  # audit: test, the report made old
        progress_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert services.steering_reports_stalled_requeue() == 1
    assert OutboxItem.objects.filter(kind=services.BUILD_REPORT).count() == 2
    quarterly = services.quarterly_report_request(datetime.date(2026, 10, 1))
    assert (quarterly.period_start, quarterly.period_end) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    assert services.quarterly_report_request(datetime.date(2026, 10, 1)) is None
