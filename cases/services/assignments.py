"""Assignments to a case: the only source of object rights on it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_event_record
from cases.models import (
    Case,
    CaseAssignment,
)
from cases.permissions import may_assign
from cases.services.workflow import case_mentor_assigned_advance
from mentorprogram.rights import object_rights_sync
from mentorprogram.roles import (
    COORDINATOR,
    MENTOR,
    SLT_COORDINATOR,
    may_reach_personal_data,
    role_slugs_for,
)
from notifications.models import Notification
from notifications.services import notification_send

# The object rights each kind of assignment gives on its case. Ending the
# assignment takes back whatever no other active assignment still gives.
ASSIGNMENT_GRANTS: dict[str, tuple[str, ...]] = {
    CaseAssignment.Kind.MENTOR: ("view_case", "log_session", "view_sessions"),
    CaseAssignment.Kind.COORDINATOR: ("view_case", "change_case", "assign_case", "view_sessions"),
}
# Which roles may hold which kind of assignment.
ASSIGNABLE_ROLES: dict[str, set[str]] = {
    CaseAssignment.Kind.MENTOR: {MENTOR},
    CaseAssignment.Kind.COORDINATOR: {COORDINATOR, SLT_COORDINATOR},
}
_MANAGED = {perm for grants in ASSIGNMENT_GRANTS.values() for perm in grants}


def _sync_rights(*, user, case: Case) -> None:
    """Make the user's object rights on the case exactly what their active assignments give."""
    wanted: set[str] = set()
    for kind in CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True).values_list(
        "kind", flat=True
    ):
        wanted.update(ASSIGNMENT_GRANTS[kind])
    object_rights_sync(user=user, obj=case, wanted=wanted, managed=_MANAGED)


@transaction.atomic
def case_assignment_start(*, actor, case: Case, user, kind: str, reason: str = "", request=None) -> CaseAssignment:
    """Assign a mentor or coordinator to a case and grant the rights that come with it.

    Callers: SLT coordinators (any case), coordinators (their own cases).
    Side effects: the assignment row, object rights for ``user``, an audit event.
    Raises ValidationError (Norwegian text) when a rule refuses it.
    """
    if not may_assign(actor, case):
        raise PermissionDenied
    if kind not in ASSIGNMENT_GRANTS:
        raise ValidationError(_("Unknown kind of assignment."))
    if not user.is_active or not (set(role_slugs_for(user)) & ASSIGNABLE_ROLES[kind]):
        raise ValidationError(_("This person does not have a role that can be assigned this way."))
    if not may_reach_personal_data(user):
        raise ValidationError(_("This person holds a role that may not see case content."))
    Case.objects.select_for_update().get(pk=case.pk)  # serialise assignments on one case
    if (
        kind == CaseAssignment.Kind.COORDINATOR
        and CaseAssignment.objects.filter(case=case, kind=kind, ended_at__isnull=True).exists()
    ):
        raise ValidationError(_("The case already has a responsible coordinator. End that assignment first."))
    if CaseAssignment.objects.filter(case=case, user=user, kind=kind, ended_at__isnull=True).exists():
        raise ValidationError(_("This person is already assigned to the case."))
    assignment = CaseAssignment(case=case, user=user, kind=kind, started_by=actor, reason=reason)
    assignment.full_clean()
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        # The constraint is the law; a concurrent assignment won the race.
        raise ValidationError(
            _("The case was assigned by someone else at the same time. Reload and try again.")
        ) from None
    _sync_rights(user=user, case=case)
    if kind == CaseAssignment.Kind.MENTOR:
        case_mentor_assigned_advance(actor=actor, case=case)
    audit_event_record(
        action=AuditEvent.Action.ASSIGNMENT_STARTED,
        actor=actor,
        subject_user=user,
        obj=case,
        data={"assignment": assignment.pk, "kind": kind, "granted": list(ASSIGNMENT_GRANTS[kind])},
        request=request,
    )
    notification_send(
        recipient=user,
        kind=Notification.Kind.ASSIGNED_TO_CASE,
        params={"case": case.pk, "as": kind},
        url=reverse("cases:detail", args=[case.pk]),
        dedup_key=f"assignment:{assignment.pk}:started",
    )
    return assignment


@transaction.atomic
def case_assignment_end(*, actor, assignment: CaseAssignment, reason: str = "", request=None) -> CaseAssignment:
    """End an assignment and take back, in the same transaction, every right it gave.

    The next request of the person who was assigned answers 404 for the case.
    """
    assignment = CaseAssignment.objects.select_for_update().select_related("case", "user").get(pk=assignment.pk)
    if not may_assign(actor, assignment.case):
        raise PermissionDenied
    if assignment.ended_at is not None:
        raise ValidationError(_("The assignment has already ended."))
    assignment.ended_at = timezone.now()
    assignment.ended_by = actor
    if reason:
        assignment.reason = f"{assignment.reason}\n{reason}".strip()
    assignment.save(update_fields=["ended_at", "ended_by", "reason"])
    _sync_rights(user=assignment.user, case=assignment.case)
    audit_event_record(
        action=AuditEvent.Action.ASSIGNMENT_ENDED,
        actor=actor,
        subject_user=assignment.user,
        obj=assignment.case,
        data={"assignment": assignment.pk, "kind": assignment.kind},
        request=request,
    )
    # No link: the case is out of their reach now.
    notification_send(
        recipient=assignment.user,
        kind=Notification.Kind.ASSIGNMENT_ENDED,
        params={"case": assignment.case_id},
        dedup_key=f"assignment:{assignment.pk}:ended",
    )
    return assignment
