from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import AccessEvent
from audit.services import access_event_record
from cases.models import Case
from cases.selectors import case_active_assignments, case_get_for_user, case_list_for_user
from mentorprogram.access import requires_permission


@requires_permission("cases.list_assigned_cases")
@require_GET
def case_list(request):
    cases = list(case_list_for_user(user=request.user))
    access_event_record(request=request, kind=AccessEvent.Kind.LIST, model=Case, objects=cases)
    return render(request, "cases/case_list.html", {"cases": cases})


@requires_permission("cases.list_assigned_cases")
@require_GET
def case_detail(request, pk):
    case = case_get_for_user(user=request.user, pk=pk)
    access_event_record(request=request, kind=AccessEvent.Kind.VIEW, obj=case)
    return render(request, "cases/case_detail.html", {"case": case, "assignments": case_active_assignments(case=case)})
