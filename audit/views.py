from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import AuditEvent
from audit.selectors import access_event_list, audit_event_list
from mentorprogram.access import requires_permission


@requires_permission("audit.view_auditevent")
@require_GET
def event_list(request):
    action = request.GET.get("action", "")
    if action not in AuditEvent.Action.values:
        action = ""
    return render(
        request,
        "audit/event_list.html",
        {"events": audit_event_list(action=action), "actions": AuditEvent.Action.choices, "action": action},
    )


@requires_permission("audit.view_accessevent")
@require_GET
def access_list(request):
    return render(request, "audit/access_list.html", {"events": access_event_list()})
