"""Referrals: the triage queue, one referral for triage, the referrer's own, and the duplicate search."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from audit.models import AccessEvent
from audit.services import records_read
from cases.models import Participant, Referral
from cases.selectors.access import _url_template
from mentorprogram.forms import strict_int
from mentorprogram.roles import may_reach_personal_data

# Duplicate search: how alike two names must be (pg_trgm similarity, 0–1) and
# how far apart two dates of birth may be, to count as a possible match.
DUPLICATE_NAME_SIMILARITY = 0.3
DUPLICATE_DOB_DAYS = 31
QUEUE_PAGE_SIZE = 50
QUEUE_SORTS = ("urgency", "waiting", "newest")
# The triage queue's filters when none are chosen, on its page and in the API. Acute first by default: an acute
# referral must never sit at the bottom of the queue.
QUEUE_FILTER_DEFAULTS = {"status": "open", "urgency": "", "source": "", "sort": "urgency"}


def referral_queue(
    *,
    user,
    status: str = "open",
    urgency: str = "",
    source: str = "",
    sort: str = "waiting",
    offset: int = 0,
    limit: int = QUEUE_PAGE_SIZE,
):
    """The SLT coordinators' triage queue, with days waiting and the overdue mark.

    ``status`` is a Referral.Status, «open» (received or in triage) or «all».
    One query, whatever the page size; each sort has an index behind it.
    """
    if not user.has_perm("cases.triage_referral") or not may_reach_personal_data(user):
        return []
    today = timezone.localdate()
    referrals = Referral.objects.all()
    if status == "open":
        referrals = referrals.filter(status__in=Referral.OPEN_STATUSES)
    elif status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    if urgency in Referral.Urgency.values:
        referrals = referrals.filter(urgency=urgency)
    if source in Referral.Source.values:
        referrals = referrals.filter(source=source)
    order = {
        "waiting": ("received_on", "pk"),
        "newest": ("-received_on", "-pk"),
        # The urgency codes sort alphabetically in urgency order: acute < high < normal.
        "urgency": ("urgency", "received_on", "pk"),
    }
    referrals = referrals.order_by(*order.get(sort, order["waiting"]))[offset : offset + limit]
    fields = (
        "pk",
        "source",
        "source_organisation",
        "received_on",
        "submitted_at",
        "decided_at",
        "urgency",
        "status",
        "first_name",
        "last_name",
        "date_of_birth",
    )
    rows = list(referrals.only(*fields))
    overdue_after = settings.REFERRAL_TRIAGE_DAYS
    detail_url = _url_template("cases:referral_detail")
    for referral in rows:
        referral.days_waiting = (today - referral.received_on).days
        referral.overdue = referral.is_open and referral.days_waiting > overdue_after
        referral.detail_url = detail_url.format(referral.pk)
    return rows


@records_read(AccessEvent.Kind.LIST, model=Referral, rows=lambda result: result[0])
def referral_queue_page(*, user, page: int, **filters) -> tuple[list[Referral], bool]:
    """One page of the triage queue and whether another follows; the page read is recorded."""
    rows = referral_queue(user=user, offset=(page - 1) * QUEUE_PAGE_SIZE, limit=QUEUE_PAGE_SIZE + 1, **filters)
    return rows[:QUEUE_PAGE_SIZE], len(rows) > QUEUE_PAGE_SIZE


@records_read(AccessEvent.Kind.VIEW)
def referral_get_for_triage(*, user, pk) -> Referral:
    if not user.has_perm("cases.triage_referral") or not may_reach_personal_data(user):
        raise Http404
    referral = (
        Referral.objects.select_related("participant", "decided_by", "submitted_by", "duplicate_of", "case")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def referral_for_referrer(*, user, pk) -> Referral:
    """One of the user's own referrals (status only); Http404 for any other, as for none."""
    referral = (
        Referral.objects.filter(submitted_by=user, pk=pk)
        .only("pk", "received_on", "status", "decided_at", "submitted_at")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def _own_referral(user, pk) -> Referral:
    referral = Referral.objects.filter(submitted_by=user, pk=pk).first()
    if referral is None:
        raise Http404
    return referral


@records_read(AccessEvent.Kind.VIEW)
def referral_receipt_for_sender(*, user, pk) -> Referral:
    """What the user sent in one of their own referrals, for their receipt; Http404 for anyone else's, as for none."""
    return _own_referral(user, pk)


@records_read(AccessEvent.Kind.EXPORT)
def referral_receipt_for_print(*, user, pk) -> Referral:
    """The same, printed as a PDF: an export in the trail."""
    return _own_referral(user, pk)


def referral_list_for_referrer(*, user, limit: int = 200):
    """The user's own referrals: status only, nothing of a case."""
    return list(
        Referral.objects.filter(submitted_by=user)
        .only("pk", "received_on", "status", "first_name", "last_name", "decided_at", "submitted_at")
        .order_by("-submitted_at", "-pk")[:limit]
    )


def referral_other_open(*, referral: Referral, limit: int = 20):
    """Other referrals about the same participant, for marking a duplicate."""
    if referral.participant_id is None:
        return []
    return list(
        Referral.objects.filter(participant_id=referral.participant_id)
        .exclude(pk=referral.pk)
        .order_by("-received_on")[:limit]
    )


@dataclass
class DuplicateMatch:
    participant: Participant
    matched: list[str]
    similarity: float


DOB_WINDOW = datetime.timedelta(days=DUPLICATE_DOB_DAYS)


@records_read(
    AccessEvent.Kind.SEARCH, model=Participant, rows=lambda matches: [m.participant for m in matches], skip_empty=True
)
def participant_duplicates(
    *, first_name: str, last_name: str, date_of_birth, national_id: str = "", limit: int = 10
) -> list[DuplicateMatch]:
    """Known participants who may be the same person, with the fields that matched.

    Same national identity number; or a similar name (pg_trgm trigram
    similarity, so «Mohammed/Muhammad» and «Kristiansen/Christiansen» match)
    with the same or a close date of birth (DUPLICATE_DOB_DAYS).
    """
    name = f"{first_name} {last_name}".lower().strip()
    # Clamped: a stored date near the calendar's ends (entered before dates had bounds) must not overflow.
    first, last = datetime.date.min + DOB_WINDOW, datetime.date.max - DOB_WINDOW
    near = min(max(date_of_birth, first), last)
    by_name = (
        Participant.objects.filter(date_of_birth__range=(near - DOB_WINDOW, near + DOB_WINDOW))
        .annotate(similarity=TrigramSimilarity("search_name", name))
        .filter(similarity__gte=DUPLICATE_NAME_SIMILARITY)
    )
    candidates = {p.pk: p for p in by_name.order_by("-similarity", "pk")[:limit]}
    if national_id:
        for p in Participant.objects.filter(national_id=national_id).annotate(
            similarity=TrigramSimilarity("search_name", name)
        ):
            candidates[p.pk] = p
    matches = []
    for p in candidates.values():
        matched = []
        if national_id and p.national_id == national_id:
            matched.append(gettext("same national identity number"))
        if p.similarity >= DUPLICATE_NAME_SIMILARITY:
            matched.append(gettext("similar name (%(score)d %%)") % {"score": round(p.similarity * 100)})
        if p.date_of_birth == date_of_birth:
            matched.append(gettext("same date of birth"))
        elif (days_apart := abs((p.date_of_birth - date_of_birth).days)) <= DUPLICATE_DOB_DAYS:
            matched.append(
                ngettext("date of birth %(days)d day apart", "date of birth %(days)d days apart", days_apart)
                % {"days": days_apart}
            )
        matches.append(DuplicateMatch(participant=p, matched=matched, similarity=p.similarity))
    matches.sort(
        key=lambda m: (not (national_id and m.participant.national_id == national_id), -m.similarity, m.participant.pk)
    )
    return matches[:limit]


def referral_participant_matches(*, referral: Referral) -> list[DuplicateMatch]:
    """The known participants a referral may be about (the duplicate search on its details)."""
    return participant_duplicates(
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
        national_id=referral.national_id,
    )


def referral_participant_offered(*, referral: Referral, participant_pk) -> Participant | None:
    """The participant with ``participant_pk`` if the duplicate search offers them for this referral, else None:
    a referral is linked only to someone its own details point to, never to any id."""
    return {m.participant.pk: m.participant for m in referral_participant_matches(referral=referral)}.get(
        strict_int(participant_pk)
    )
