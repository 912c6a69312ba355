"""What a case gathers: the risk and needs assessment, the network map, consents and their withdrawal."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import (
    Assessment,
    Case,
    Consent,
    ConsentWithdrawal,
    NetworkMember,
)
from cases.permissions import may_change_case
from cases.registry import consent_withdrawal_contributions


@transaction.atomic
def assessment_record(*, actor, case: Case, **fields) -> Assessment:
    """Add a risk and needs assessment to the case (earlier ones are kept as history)."""
    if not may_change_case(actor, case):
        raise PermissionDenied
    assessment = Assessment(case=case, assessed_by=actor, **fields)
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def network_member_add(*, actor, case: Case, **fields) -> NetworkMember:
    if not may_change_case(actor, case):
        raise PermissionDenied
    member = NetworkMember(case=case, added_by=actor, **fields)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def consent_record(*, actor, case: Case, **fields) -> Consent:
    """Record a consent to share with the named services, from the participant or a guardian."""
    if not may_change_case(actor, case):
        raise PermissionDenied
    return consent_write(actor=actor, case=case, **fields)


def consent_write(*, actor, case: Case, **fields) -> Consent:
    """The consent record itself. Callers have checked that ``actor`` may record it (the case's or a plan's rules)."""
    consent = Consent(case=case, recorded_by=actor, **fields)
    if consent.given_by == Consent.GivenBy.GUARDIAN and not consent.guardian_name.strip():
        raise ValidationError({"guardian_name": _("Name the guardian who gave the consent.")})
    if consent.valid_to and consent.valid_from and consent.valid_to < consent.valid_from:
        raise ValidationError({"valid_to": _("The end cannot come before the start.")})
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent) -> Consent:
    """Withdraw a consent: a withdrawal record of its own (the consent is never changed).

    It stops counting the moment this commits. A second withdrawal is refused
    (and the one-to-one key refuses it in the database).
    """
    consent = Consent.objects.select_for_update().select_related("case").get(pk=consent.pk)
    if not may_change_case(actor, consent.case):
        raise PermissionDenied
    return consent_withdrawal_write(actor=actor, consent=consent)


def consent_withdrawal_write(*, actor, consent: Consent) -> Consent:
    """The withdrawal record, and what the other apps do when a consent goes (``cases.registry``).

    Callers hold the consent's row lock and have checked that ``actor`` may withdraw it.
    """
    if ConsentWithdrawal.objects.filter(consent=consent).exists():
        raise ValidationError(_("The consent is already withdrawn."))
    ConsentWithdrawal.objects.create(consent=consent, withdrawn_by=actor)
    consent = Consent.objects.select_related("case", "withdrawal__withdrawn_by").get(pk=consent.pk)
    for contribute in consent_withdrawal_contributions():
        contribute(consent=consent, actor=actor)
    return consent
