"""What an access request holds from the register of disclosures (registered in ``DisclosuresConfig.ready()``)."""

from django.utils.translation import gettext as _

from audit.subject_access import record_of, value_text
from disclosures.models import Disclosure


def disclosures(case, title):
    """The case's disclosures; those the participant was not told of are flagged for the officer's review."""
    records = []
    for disclosure in Disclosure.objects.filter(case=case).select_related("recorded_by").order_by("recorded_at"):
        flag = ""
        if disclosure.participant_informed != Disclosure.Informed.YES:
            flag = _("The participant was not told of this disclosure: review before handing it out.")
        records.append(record_of(disclosure, f"{title}: {value_text(disclosure.disclosed_on)}", flag=flag))
    return records
