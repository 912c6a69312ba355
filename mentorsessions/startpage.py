"""What the start page shows of sessions: open concern signals and quiet cases, counts and links."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from mentorprogram.roles import SLT_COORDINATOR, may_reach_personal_data, role_slugs_for
from mentorsessions.models import ConcernSignal
from mentorsessions.selectors import cases_without_recent_session, coordinated_case_ids


def sessions_panel(user) -> dict | None:
    """SLT coordinators: every open concern signal. Coordinators: the signals and quiet cases of their cases."""
    if not (may_reach_personal_data(user) and user.has_perm("mentorsessions.follow_sessions")):
        return None
    overview = reverse("mentorsessions:overview")
    if SLT_COORDINATOR in role_slugs_for(user):
        signals = ConcernSignal.objects.filter(acknowledged_at__isnull=True)
        lines = [
            {
                "label": _("concern signals nobody has acknowledged"),
                "count": signals.count(),
                "url": overview,
                "urgent": True,
            }
        ]
    else:
        case_ids = coordinated_case_ids(user=user)
        if not case_ids:
            return None
        signals = ConcernSignal.objects.filter(case_id__in=case_ids, acknowledged_at__isnull=True)
        quiet = cases_without_recent_session(cases=Case.objects.filter(pk__in=case_ids), today=timezone.localdate())
        lines = [
            {
                "label": _("open concern signals in your cases"),
                "count": signals.count(),
                "url": overview,
                "urgent": True,
            },
            {"label": _("of your cases have had no session for weeks"), "count": quiet.count(), "url": overview},
        ]
    return {"template": "includes/start_counts.html", "key": "sessions", "title": _("Sessions"), "lines": lines}
