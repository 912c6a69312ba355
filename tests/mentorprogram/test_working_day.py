"""The working day without dead ends: start pages that count what is due, one current menu item, and a decided
referral that joined someone else's case lands on a page that says so (never a 404)."""

import datetime

import pytest
from django.utils import timezone

from cases.models import CaseAssignment, EmergencyAccess
from cases.services import case_assignment_end, case_assignment_start, referral_decide, referral_participant_resolve
from mentorprogram.roles import COORDINATOR, PRIVACY_OFFICER, SLT_COORDINATOR
from tests.cases.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_accepting_into_a_case_someone_else_holds_lands_on_the_referral(client, make_user, verified_login):
    first_slt, second_slt = make_user(SLT_COORDINATOR), make_user(SLT_COORDINATOR)
    holder = make_user(COORDINATOR, first_name="Hanne", last_name="Holder")
    first = ReferralFactory()
    participant = referral_participant_resolve(actor=first_slt, referral=first)
    case = referral_decide(actor=first_slt, referral=first, decision="accepted", track="exit").case
    case_assignment_end(actor=first_slt, assignment=case.assignments.get(user=first_slt))
    case_assignment_start(actor=first_slt, case=case, user=holder, kind=CaseAssignment.Kind.COORDINATOR)
    second = ReferralFactory(first_name=first.first_name, last_name=first.last_name, date_of_birth=first.date_of_birth)
    referral_participant_resolve(actor=second_slt, referral=second, participant=participant)

    verified_login(client, second_slt)
    response = client.post(f"/cases/referrals/{second.pk}/decision/", {"decision": "accepted"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/cases/referrals/{second.pk}/"
    page = response.content.decode()
    assert "Hanne Holder" in page and f"/cases/{case.pk}/" not in page


def test_each_start_page_counts_what_is_due(client, make_user, verified_login, team):
    ReferralFactory(urgency="acute")
    ReferralFactory(received_on=timezone.localdate() - datetime.timedelta(days=30))
    verified_login(client, team.slt)
    page = client.get("/").content.decode()
    assert "akutte bekymringsmeldinger som venter på triage" in page
    assert "<strong>1</strong> akutte" in page and "<strong>2</strong> bekymringsmeldinger som venter på triage" in page

    officer = make_user(PRIVACY_OFFICER)
    EmergencyAccess.objects.create(
        case=team.case,
        user=team.slt,
        legal_basis="danger",
        reason="Akutt.",
        expires_at=timezone.now() + datetime.timedelta(hours=4),
    )
    verified_login(client, officer)
    page = client.get("/").content.decode()
    assert "<strong>1</strong> nødtilganger å gjennomgå" in page

    verified_login(client, team.coordinator)
    page = client.get("/").content.decode()
    assert "åpne bekymringssignaler i dine mentorløp" in page


def test_one_current_menu_item(client, team, verified_login):
    verified_login(client, team.slt)
    page = client.get("/cases/referrals/new/").content.decode()
    assert page.count('aria-current="page"') <= 1
