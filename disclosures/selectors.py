"""Reads of the register of disclosures."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.http import Http404

from audit.models import AccessEvent
from audit.services import records_read
from cases.models import Case
from cases.selectors import TimelineEvent
from disclosures.models import Disclosure
from disclosures.permissions import may_read_register
from mentorprogram.paging import page_of
from mentorprogram.roles import may_reach_personal_data

REGISTER_PAGE_SIZE = 50


def _with_correction(queryset):
    """Each record with ``corrected`` (a newer record corrects it) and the id of that correction."""
    return queryset.annotate(corrected=Exists(Disclosure.objects.filter(corrects=OuterRef("pk")))).select_related(
        "recorded_by", "correction"
    )


@records_read(AccessEvent.Kind.LIST, model=Disclosure)
def case_disclosures(*, case: Case) -> list[Disclosure]:
    return list(_with_correction(Disclosure.objects.filter(case=case)).order_by("-disclosed_on", "-recorded_at"))


@records_read(AccessEvent.Kind.VIEW)
def disclosure_get_for_user(*, user, pk) -> Disclosure:
    """One record: for the privacy officer, or a holder of its case; Http404 for anyone else."""
    disclosure = _with_correction(Disclosure.objects.select_related("case", "corrects")).filter(pk=pk).first()
    if disclosure is None or not (
        may_read_register(user) or (may_reach_personal_data(user) and user.has_perm("cases.view_case", disclosure.case))
    ):
        raise Http404
    return disclosure


@dataclass
class RegisterFilters:
    legal_basis: str = ""
    recipient_kind: str = ""
    case: int | None = None
    disclosed_from: datetime.date | None = None
    disclosed_to: datetime.date | None = None
    participant_told: str = ""
    current_only: bool = False


@records_read(AccessEvent.Kind.LIST, model=Disclosure, rows=lambda result: result[0])
def disclosure_register(*, user, filters: RegisterFilters, page: int = 1, per_page: int = REGISTER_PAGE_SIZE):
    """The register across all cases, newest first: (rows of the page, whether there is a next page)."""
    if not may_read_register(user):
        raise Http404
    records = _with_correction(Disclosure.objects.all())
    if filters.legal_basis:
        records = records.filter(legal_basis=filters.legal_basis)
    if filters.recipient_kind:
        records = records.filter(recipient_kind=filters.recipient_kind)
    if filters.case:
        records = records.filter(case_id=filters.case)
    if filters.disclosed_from:
        records = records.filter(disclosed_on__gte=filters.disclosed_from)
    if filters.disclosed_to:
        records = records.filter(disclosed_on__lte=filters.disclosed_to)
    if filters.participant_told:
        records = records.filter(participant_informed=filters.participant_told)
    if filters.current_only:
        records = records.filter(corrected=False)
    return page_of(records.order_by("-disclosed_on", "-recorded_at", "-pk"), page=page, per_page=per_page)


def case_timeline_entries(*, case, reader, name):
    """The case timeline's disclosures (registered with ``cases.registry``): basis and recipient kind only."""
    from django.utils.translation import gettext

    return [
        TimelineEvent(
            disclosure.recorded_at,
            gettext("Disclosure recorded: %(basis)s, to %(recipient)s")
            % {"basis": disclosure.get_legal_basis_display(), "recipient": disclosure.get_recipient_kind_display()},
            name(disclosure.recorded_by),
        )
        for disclosure in Disclosure.objects.filter(case=case).select_related("recorded_by")
    ]


@records_read(AccessEvent.Kind.VIEW)
def disclosure_to_correct(*, case, pk: int) -> Disclosure | None:
    """The record of ``case`` a correction is written against (read, and recorded as read); None when none has ``pk``."""
    return Disclosure.objects.filter(case=case, pk=pk).first()
