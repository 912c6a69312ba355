"""A disclosure on the basis «consent» needs a consent in force that names the recipient's service."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Consent
from cases.services import consent_record, consent_withdraw
from disclosures.models import Disclosure
from tests.disclosures.factories import record_disclosure

pytestmark = pytest.mark.django_db

CONSENT = {"legal_basis": Disclosure.LegalBasis.CONSENT, "recipient_kind": Disclosure.RecipientKind.NAV}


def test_consent_as_the_basis_needs_a_consent_for_that_service(team):
    with pytest.raises(ValidationError, match="Ingen gyldig samtykke"):
        record_disclosure(team.coordinator, team.case, **CONSENT)
    consent = consent_record(
        actor=team.coordinator,
        case=team.case,
        services=["nav"],
        given_by=Consent.GivenBy.PARTICIPANT,
        valid_from=timezone.localdate() - datetime.timedelta(days=10),
    )
    assert record_disclosure(team.coordinator, team.case, **CONSENT).legal_basis == "consent"
    # Not for another service, nor for «other».
    with pytest.raises(ValidationError, match="Ingen gyldig samtykke"):
        record_disclosure(team.coordinator, team.case, **{**CONSENT, "recipient_kind": "police"})
    with pytest.raises(ValidationError, match="velg tjenesten samtykket nevner"):
        record_disclosure(team.coordinator, team.case, **{**CONSENT, "recipient_kind": "other"})
    # Withdrawn today: nothing shared from today on; what was shared before stays lawful.
    consent_withdraw(actor=team.coordinator, consent=consent)
    with pytest.raises(ValidationError, match="Ingen gyldig samtykke"):
        record_disclosure(team.coordinator, team.case, **CONSENT)
    earlier = timezone.localdate() - datetime.timedelta(days=2)
    assert record_disclosure(team.coordinator, team.case, **CONSENT, disclosed_on=earlier).disclosed_on == earlier
