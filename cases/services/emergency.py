"""Emergency access (break-the-glass): opened with a reason and the second factor, ended, reviewed."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_event_record
from cases.models import (
    Case,
    EmergencyAccess,
)
from cases.permissions import may_open_emergency_access
from cases.selectors import emergency_access_active, emergency_grants_forget
from mentorprogram.roles import (
    PRIVACY_OFFICER,
    may_reach_personal_data,
)
from notifications.models import Notification
from notifications.services import notification_send_to_role


def emergency_access_refuse(*, actor, otp_token: str) -> None:
    """A sent emergency-access form for a number that cannot be opened: always raises ValidationError.

    The code is checked first, so that learning «this number cannot be
    opened» costs a fresh code from the user's own authenticator.
    """
    from django_otp import match_token

    token = (otp_token or "").replace(" ", "")
    if not token or match_token(actor, token) is None:
        raise ValidationError({"otp_token": _("The code is wrong or has expired. Enter the code your app shows now.")})
    raise ValidationError(_("Emergency access cannot be opened to a case with this number: check the number."))


@transaction.atomic
def emergency_access_open(*, actor, case: Case, legal_basis: str, reason: str, otp_token: str, request=None):
    """Open read access to ``case`` for EMERGENCY_ACCESS_HOURS: a legal basis, a reason, the second factor again.

    Side effects: the grant, an EMERGENCY_ACCESS_GRANTED audit event, and a
    notification to every privacy officer at once (emailed by default).
    An active grant for the same user and case is returned as it is.
    Raises PermissionDenied, or ValidationError (Norwegian) for a missing
    reason, an unknown basis or a wrong code.
    """
    from django.conf import settings
    from django_otp import match_token

    if not may_open_emergency_access(actor, case):
        raise PermissionDenied
    active = emergency_access_active(user=actor, case_pk=case.pk)
    if active is not None:
        return active
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("No reason, no access: say why you must read this case now.")
    if legal_basis not in EmergencyAccess.LegalBasis.values:
        errors["legal_basis"] = _("Choose the legal basis.")
    token = (otp_token or "").replace(" ", "")
    if not token or match_token(actor, token) is None:
        errors["otp_token"] = _("The code is wrong or has expired. Enter the code your app shows now.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    grant = EmergencyAccess.objects.create(
        case=case,
        user=actor,
        legal_basis=legal_basis,
        reason=reason,
        granted_at=now,
        expires_at=now + datetime.timedelta(hours=settings.EMERGENCY_ACCESS_HOURS),
    )
    emergency_grants_forget(actor)
    audit_event_record(
        action=AuditEvent.Action.EMERGENCY_ACCESS_GRANTED,
        actor=actor,
        obj=grant,
        data={"case": case.pk, "legal_basis": legal_basis, "expires_at": grant.expires_at.isoformat()},
        request=request,
    )
    notification_send_to_role(
        PRIVACY_OFFICER,
        kind=Notification.Kind.EMERGENCY_ACCESS,
        params={"case": case.pk, "user": actor.username},
        url=reverse("audit:emergency"),
        dedup_key=f"emergency_access:{grant.pk}",
    )
    return grant


@transaction.atomic
def emergency_access_end(*, actor, grant: EmergencyAccess, request=None) -> EmergencyAccess:
    """The user closes their emergency access before it expires."""
    grant = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
    if grant.user_id != actor.pk:
        raise PermissionDenied
    if not grant.is_active():
        return grant
    grant.ended_at = timezone.now()
    grant.save(update_fields=["ended_at"])
    emergency_grants_forget(actor)
    audit_event_record(
        action=AuditEvent.Action.EMERGENCY_ACCESS_ENDED,
        actor=actor,
        obj=grant,
        data={"case": grant.case_id},
        request=request,
    )
    return grant


@transaction.atomic
def emergency_access_review(*, actor, grant: EmergencyAccess, review: str, note: str, request=None):
    """The privacy officer's review, once: justified or not, with a note."""
    if not may_reach_personal_data(actor) or not actor.has_perm("cases.review_emergencyaccess"):
        raise PermissionDenied
    grant = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
    if grant.reviewed_at is not None:
        raise ValidationError(_("This emergency access has already been reviewed."))
    errors = {}
    if review not in EmergencyAccess.Review.values:
        errors["review"] = _("Choose whether the access was justified.")
    if not (note or "").strip():
        errors["note"] = _("Write what you found, for the record.")
    if errors:
        raise ValidationError(errors)
    grant.reviewed_at, grant.reviewed_by, grant.review, grant.review_note = timezone.now(), actor, review, note.strip()
    grant.save(update_fields=["reviewed_at", "reviewed_by", "review", "review_note"])
    audit_event_record(
        action=AuditEvent.Action.EMERGENCY_ACCESS_REVIEWED,
        actor=actor,
        obj=grant,
        data={"case": grant.case_id, "review": review},
        request=request,
    )
    return grant
