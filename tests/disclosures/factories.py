"""A disclosure as the tests record it: through the service, with every required field filled in."""

import uuid

from django.utils import timezone

from disclosures.models import Disclosure
from disclosures.services import disclosure_record


def disclosure_fields(**overrides) -> dict:
    values = {
        "legal_basis": Disclosure.LegalBasis.DUTY_TO_AVERT,
        "recipient_kind": Disclosure.RecipientKind.POLICE,
        "recipient": "Politiet, forebyggende avsnitt",
        "shared": "Deltakeren har fortalt om planer om vold mot en navngitt person.",
        "justification": "Avvergingsplikt: en alvorlig voldshandling kunne skje.",
        "disclosed_on": timezone.localdate(),
        "decided_by": "Kari Koordinator, koordinator",
        "consulted": [Disclosure.Consulted.LEADER],
        "participant_informed": Disclosure.Informed.NO,
        "not_informed_reason": "Å fortelle det kunne hindre politiets arbeid.",
    }
    return {**values, **overrides}


def record_disclosure(actor, case, **overrides) -> Disclosure:
    return disclosure_record(actor=actor, case=case, submission_key=uuid.uuid4(), **disclosure_fields(**overrides))
