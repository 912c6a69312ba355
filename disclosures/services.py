"""Writes to the register of disclosures. A disclosure is recorded once and never changed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_event_record
from cases.models import Case, Consent
from cases.retention import delete_each
from cases.selectors import case_coordinators
from disclosures.models import Disclosure
from disclosures.permissions import may_record_disclosure
from mentorprogram.partners import PartnerService
from notifications.models import Notification
from notifications.services import notification_send

# What the user types; the service adds the case, the author and the time.
DISCLOSURE_FIELDS = (
    "legal_basis",
    "legal_basis_other",
    "recipient_kind",
    "recipient",
    "shared",
    "justification",
    "disclosed_on",
    "decided_by",
    "consulted",
    "participant_informed",
    "informed_on",
    "not_informed_reason",
    "correction_reason",
)


def _consent_problem(case: Case, recipient_kind: str | None, day) -> str:
    """Why the basis «consent» does not hold for this recipient on ``day`` ("" when it does): a consent of the
    case, valid that day and not withdrawn before it, must name the recipient's service."""
    if not recipient_kind or recipient_kind not in PartnerService.values:
        return _("With consent as the basis, choose the service the consent names as the kind of recipient.")
    covering = (
        Consent.objects.filter(case=case, services__contains=[recipient_kind], valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .filter(Q(withdrawal__isnull=True) | Q(withdrawal__withdrawn_at__date__gt=day))
    )
    if not covering.exists():
        return _(
            "No consent in force on that day lets the case share with %(service)s. Record the consent first, or "
            "choose the legal basis that applies."
        ) % {"service": PartnerService(recipient_kind).label}
    return ""


def _validate(fields: dict, *, case: Case, corrects: Disclosure | None) -> dict:
    errors: dict[str, str] = {}
    text = {name: (fields.get(name) or "").strip() for name in fields if isinstance(fields.get(name), str)}
    fields = {**fields, **text}
    today = timezone.localdate()
    if fields.get("legal_basis") == Disclosure.LegalBasis.OTHER and not fields.get("legal_basis_other"):
        errors["legal_basis_other"] = _("Name the legal basis for the disclosure.")
    if fields.get("legal_basis") != Disclosure.LegalBasis.OTHER:
        fields["legal_basis_other"] = ""
    disclosed_on = fields.get("disclosed_on")
    if disclosed_on and disclosed_on > today:
        errors["disclosed_on"] = _("The date cannot be in the future: record a disclosure once it has been made.")
    informed = fields.get("participant_informed")
    if informed == Disclosure.Informed.YES:
        informed_on = fields.get("informed_on")
        if not informed_on:
            errors["informed_on"] = _("Give the date the participant was told.")
        elif informed_on > today:
            errors["informed_on"] = _("The date cannot be in the future.")
        fields["not_informed_reason"] = ""
    elif informed in (Disclosure.Informed.NO, Disclosure.Informed.LATER):
        fields["informed_on"] = None
        if not fields.get("not_informed_reason"):
            errors["not_informed_reason"] = _("Say why the participant was not told, or when they will be.")
    if fields.get("legal_basis") == Disclosure.LegalBasis.CONSENT and not errors.get("disclosed_on"):
        problem = _consent_problem(case, fields.get("recipient_kind"), disclosed_on or today)
        if problem:
            errors["legal_basis"] = problem
    if corrects is not None:
        if corrects.case_id != case.pk:
            errors[None] = _("A correction belongs to the same case as the disclosure it corrects.")
        if not fields.get("correction_reason"):
            errors["correction_reason"] = _("Say what is corrected, and why.")
    else:
        fields["correction_reason"] = ""
    if errors:
        raise ValidationError({key or "__all__": message for key, message in errors.items()})
    return fields


@transaction.atomic
def disclosure_record(
    *, actor, case: Case, submission_key, corrects: Disclosure | None = None, request=None, **fields
) -> Disclosure:
    """Record a disclosure from ``case``; with ``corrects``, a correction of an earlier record.

    Callers: SLT coordinators, coordinators and mentors who hold the case.
    Side effects: the record, an audit event, a notification to the case's
    coordinators (other than the author). A second submit of the same form
    (same ``submission_key``) returns the first record.
    Raises PermissionDenied, or ValidationError with Norwegian messages.
    """
    if not may_record_disclosure(actor, case):
        raise PermissionDenied
    unknown = set(fields) - set(DISCLOSURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown disclosure fields {sorted(unknown)}")
    existing = Disclosure.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.recorded_by_id != actor.pk or existing.case_id != case.pk:
            raise PermissionDenied
        return existing
    if corrects is not None:
        corrects = Disclosure.objects.select_for_update().get(pk=corrects.pk)
        if Disclosure.objects.filter(corrects=corrects).exists():
            raise ValidationError(_("This disclosure has already been corrected: correct the newest version."))
    fields = _validate(fields, case=case, corrects=corrects)
    disclosure = Disclosure(case=case, corrects=corrects, recorded_by=actor, submission_key=submission_key, **fields)
    disclosure.full_clean(exclude=["case", "corrects", "recorded_by", "submission_key"])
    try:
        with transaction.atomic():
            disclosure.save()
    except IntegrityError as exc:
        raise ValidationError(_("This disclosure has already been corrected: correct the newest version.")) from exc
    audit_event_record(
        action=AuditEvent.Action.DISCLOSURE_RECORDED,
        actor=actor,
        obj=disclosure,
        data={"case": case.pk, "legal_basis": disclosure.legal_basis, "corrects": corrects.pk if corrects else None},
        request=request,
    )
    for coordinator in case_coordinators(case):
        if coordinator.pk != actor.pk:
            notification_send(
                recipient=coordinator,
                kind=Notification.Kind.DISCLOSURE_RECORDED,
                params={"case": case.pk},
                url=reverse("disclosures:detail", args=[disclosure.pk]),
                dedup_key=f"disclosure_recorded:{disclosure.pk}",
            )
    return disclosure


def case_page_actions(*, case, user) -> dict:
    """The case page's «record a disclosure» (registered with ``cases.registry``)."""
    return {"may_record_disclosure": may_record_disclosure(user, case)}


def erase_with_case(case) -> dict:
    """Erasure under the retention rules (registered with ``cases.registry``): the case's disclosures, newest first."""
    return {"disclosures": len(delete_each(Disclosure.objects.filter(case=case)))}
