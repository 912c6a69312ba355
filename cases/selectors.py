"""Reads of cases, always scoped to the user who reads."""

from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from cases.models import Case, CaseAssignment
from mentorprogram.roles import may_reach_personal_data


def case_list_for_user(*, user):
    """Cases the user holds «view» on through an assignment; never through a model-wide permission."""
    if not may_reach_personal_data(user):
        return Case.objects.none()
    return (
        get_objects_for_user(user, "cases.view_case", klass=Case, accept_global_perms=False, with_superuser=False)
        .select_related("participant")
        .order_by("-opened_at", "-pk")
    )


def case_get_for_user(*, user, pk) -> Case:
    """One case the user may see, or Http404 (so an id reveals nothing)."""
    case = case_list_for_user(user=user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def case_active_assignments(*, case):
    return (
        CaseAssignment.objects.filter(case=case, ended_at__isnull=True)
        .select_related("user")
        .order_by("kind", "started_at")
    )
