"""Counts for the steering report: numbers only, never a person (the steering group may import this, not selectors)."""

import datetime

from django.db.models import Count, Exists, OuterRef

from disclosures.models import Disclosure


def disclosure_counts_by_basis(*, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """For the steering report: disclosures made in [start, end] by legal basis, counts only.

    A corrected record counts once, in its newest version.
    """
    current = Disclosure.objects.filter(disclosed_on__gte=start, disclosed_on__lte=end).exclude(
        Exists(Disclosure.objects.filter(corrects=OuterRef("pk")))
    )
    counts = dict.fromkeys(Disclosure.LegalBasis.values, 0)
    for row in current.values("legal_basis").annotate(n=Count("pk")).order_by():
        counts[row["legal_basis"]] = row["n"]
    return counts
