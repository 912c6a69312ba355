"""A case's assessment, network map and consents: written by its coordinator, read by those assigned."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases.models import CaseAssignment, Consent
from cases.services import (
    assessment_record,
    case_assignment_start,
    consent_record,
    consent_withdraw,
    network_member_add,
    referral_decide,
    referral_participant_resolve,
)
from mentorprogram.roles import MENTOR, SLT_COORDINATOR
from notifications.models import Notification, OutboxItem
from notifications.reminders import reminders_run
from tests.cases.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def slt(make_user):
    return make_user(SLT_COORDINATOR)


@pytest.fixture
def case(slt):
    referral = ReferralFactory()
    referral_participant_resolve(actor=slt, referral=referral)
    return referral_decide(actor=slt, referral=referral, decision="accepted", track="exit").case


@pytest.fixture
def mentor(make_user, slt, case):
    mentor = make_user(MENTOR)
    case_assignment_start(actor=slt, case=case, user=mentor, kind=CaseAssignment.Kind.MENTOR)
    return mentor


def test_the_coordinator_records_an_assessment_and_the_mentor_reads_it(client, case, slt, mentor, verified_login):
    verified_login(client, slt)
    client.post(
        f"/cases/{case.pk}/assessments/",
        {
            "assessment-risk_factors": "Søker tilhørighet i miljøet",
            "assessment-protective_factors": "Nær bestemor",
            "assessment-push_factors": "Utestengt fra fotballaget",
            "assessment-pull_factors": "Fellesskap",
            "assessment-summary": "Moderat risiko",
        },
    )
    assert case.assessments.get().summary == "Moderat risiko"
    verified_login(client, mentor)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Moderat risiko" in page and "Nær bestemor" in page
    assert f'action="/cases/{case.pk}/assessments/"' not in page  # read only for the mentor


def test_a_mentor_cannot_write_the_case(case, mentor):
    with pytest.raises(PermissionDenied):
        assessment_record(actor=mentor, case=case, risk_factors="x", protective_factors="y", summary="z")
    with pytest.raises(PermissionDenied):
        consent_record(
            actor=mentor, case=case, services=["nav"], given_by="participant", valid_from=timezone.localdate()
        )


def test_a_missing_field_keeps_what_was_typed(client, case, slt, verified_login):
    verified_login(client, slt)
    response = client.post(
        f"/cases/{case.pk}/assessments/", {"assessment-risk_factors": "Noe skrevet", "assessment-summary": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Noe skrevet" in html and "Dette feltet er påkrevd" in html


def test_the_network_map_holds_people_and_services_and_whether_they_support(case, slt):
    network_member_add(
        actor=slt, case=case, kind="person", name="Onkel Arne", relation="onkel", stance="supportive", contact=""
    )
    network_member_add(
        actor=slt, case=case, kind="service", name="NAV Sentrum", relation="veileder", stance="neutral", contact=""
    )
    assert [(m.name, m.stance) for m in case.network.all()] == [
        ("Onkel Arne", "supportive"),
        ("NAV Sentrum", "neutral"),
    ]


def test_a_consent_from_a_guardian_names_them_and_withdrawal_takes_effect_at_once(client, case, slt, verified_login):
    verified_login(client, slt)
    today = timezone.localdate()
    response = client.post(
        f"/cases/{case.pk}/consents/",
        {
            "consent-services": ["nav", "school"],
            "consent-given_by": "guardian",
            "consent-guardian_name": "",
            "consent-valid_from": today.isoformat(),
        },
    )
    assert response.status_code == 400 and "Oppgi foresatt som ga samtykket" in response.content.decode()
    client.post(
        f"/cases/{case.pk}/consents/",
        {
            "consent-services": ["nav", "school"],
            "consent-given_by": "guardian",
            "consent-guardian_name": "Mor",
            "consent-valid_from": today.isoformat(),
        },
    )
    consent = Consent.objects.get()
    assert consent.is_active() and consent.services == ["nav", "school"]
    client.post(f"/cases/{case.pk}/consents/{consent.pk}/withdraw/")
    consent.refresh_from_db()
    assert not consent.is_active() and consent.withdrawn_by == slt


def test_a_consent_cannot_end_before_it_starts(case, slt):
    from django.core.exceptions import ValidationError

    today = timezone.localdate()
    with pytest.raises(ValidationError, match="slutten kan ikke komme før starten|Slutten kan ikke komme før starten"):
        consent_record(
            actor=slt,
            case=case,
            services=["nav"],
            given_by="participant",
            valid_from=today,
            valid_to=today - datetime.timedelta(days=1),
        )


def test_withdrawing_twice_is_refused(case, slt):
    from django.core.exceptions import ValidationError

    consent = consent_record(
        actor=slt, case=case, services=["nav"], given_by="participant", valid_from=timezone.localdate()
    )
    consent_withdraw(actor=slt, consent=consent)
    with pytest.raises(ValidationError):
        consent_withdraw(actor=slt, consent=consent)


def test_a_consent_about_to_expire_reminds_the_coordinator_once(case, slt, settings):
    today = timezone.localdate()
    consent_record(
        actor=slt,
        case=case,
        services=["nav"],
        given_by="participant",
        valid_from=today,
        valid_to=today + datetime.timedelta(days=3),
    )
    reminders_run(today=today)
    reminders_run(today=today + datetime.timedelta(days=1))
    items = OutboxItem.objects.filter(payload__kind=Notification.Kind.CONSENT_EXPIRING)
    assert {i.payload["dedup_key"] for i in items} == {
        f"consent_expiring:{Consent.objects.get().pk}:{(today + datetime.timedelta(days=3)).isoformat()}"
    }
    assert all(i.payload["recipient"] == slt.pk for i in items)


def test_the_timeline_has_assessment_network_and_consent(case, slt):
    from cases.selectors import case_timeline

    assessment_record(actor=slt, case=case, risk_factors="r", protective_factors="p", summary="s")
    network_member_add(
        actor=slt, case=case, kind="person", name="Onkel Arne", relation="", stance="supportive", contact=""
    )
    consent = consent_record(
        actor=slt, case=case, services=["nav"], given_by="participant", valid_from=timezone.localdate()
    )
    consent_withdraw(actor=slt, consent=consent)
    texts = [e.what for e in case_timeline(case=case)]
    assert "Risiko- og behovskartlegging registrert" in texts
    assert "Lagt til i nettverkskartet: Onkel Arne" in texts
    assert texts[-2:] == ["Samtykke registrert (NAV)", "Samtykke trukket (NAV)"]
