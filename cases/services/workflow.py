"""A case's status along the workflow (the database trigger holds the same table)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    Case,
    CaseStatusChange,
)
from cases.permissions import may_change_case


@transaction.atomic
def case_status_change(*, actor, case: Case, to_status: str, reason: str = "", outcome: str = "") -> Case:
    """Move a case one step in its workflow; only the allowed steps (the database refuses the rest)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not may_change_case(actor, case):
        raise PermissionDenied
    if to_status not in Case.TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            {
                "to_status": _("A case cannot go from «%(from)s» to «%(to)s».")
                % {
                    "from": case.get_status_display(),
                    "to": Case.Status(to_status).label if to_status in Case.Status.values else to_status,
                }
            }
        )
    if to_status == Case.Status.CLOSED:
        if outcome not in Case.Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome when closing a case.")})
        case.closed_at, case.outcome = timezone.now(), outcome
    _step(case=case, to_status=to_status, actor=actor, reason=reason)
    return case


def _step(*, case: Case, to_status: str, actor, reason: str) -> None:
    from_status = case.status
    case.status = to_status
    case.save(update_fields=["status", "closed_at", "outcome"])
    CaseStatusChange.objects.create(
        case=case, from_status=from_status, to_status=to_status, changed_by=actor, reason=reason
    )


def case_mentor_assigned_advance(*, actor, case: Case) -> Case:
    """The case moves on because it has its mentor: no status is changed by hand for it.

    Called by ``case_assignment_start`` in the assignment's transaction, so whoever may assign (an SLT
    coordinator included) moves the case this one way, and only this way.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    for to_status in Case.MENTOR_ASSIGNED_PATH.get(case.status, ()):
        _step(case=case, to_status=to_status, actor=actor, reason=_("A mentor is assigned."))
    return case
