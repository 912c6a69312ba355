"""What the start page shows of referrals and cases: counts and links (registered in ``CasesConfig.ready()``)."""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseAssignment, Consent, Referral
from mentorprogram.roles import SLT_COORDINATOR, may_reach_personal_data, role_slugs_for


def _due_list(code: str) -> str:
    """The case list filtered to what is due (the cases the reader holds)."""
    return f"{reverse('cases:list')}?due={code}"


def slt_panel(user) -> dict | None:
    """The SLT coordinator's day: referrals to triage (acute and overdue first) and cases waiting for a mentor."""
    if not (may_reach_personal_data(user) and SLT_COORDINATOR in role_slugs_for(user)):
        return None
    overdue = timezone.localdate() - datetime.timedelta(days=settings.REFERRAL_TRIAGE_DAYS)
    counts = Referral.objects.filter(status__in=Referral.OPEN_STATUSES).aggregate(
        open=Count("pk"),
        acute=Count("pk", filter=Q(urgency=Referral.Urgency.ACUTE)),
        overdue=Count("pk", filter=Q(received_on__lt=overdue)),
    )
    waiting = Case.objects.waiting_for_mentor_count()
    triage = reverse("cases:triage")
    return {
        "template": "includes/start_counts.html",
        "key": "triage",
        "title": _("Referrals and cases"),
        "lines": [
            {"label": _("acute referrals waiting for triage"), "count": counts["acute"], "url": triage, "urgent": True},
            {
                "label": _("referrals waiting longer than agreed"),
                "count": counts["overdue"],
                "url": triage,
                "urgent": True,
            },
            {"label": _("referrals waiting for triage in all"), "count": counts["open"], "url": triage},
            {"label": _("cases waiting for a mentor"), "count": waiting, "url": _due_list("needs_mentor")},
        ],
    }


def coordinator_panel(user) -> dict | None:
    """The coordinator's cases: consents about to run out."""
    if not may_reach_personal_data(user) or not user.has_perm("cases.list_assigned_cases"):
        return None
    coordinated = CaseAssignment.objects.filter(user=user, kind="coordinator", ended_at__isnull=True).values("case")
    if not coordinated.exists():
        return None
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.REMINDER_CONSENT_EXPIRING_DAYS)
    expiring = Consent.objects.in_force(today).filter(case__in=coordinated, valid_to__lte=horizon).count()
    return {
        "template": "includes/start_counts.html",
        "key": "consents",
        "title": _("Your cases"),
        "lines": [
            {
                "label": _("consents that run out within two weeks"),
                "count": expiring,
                "url": _due_list("consent_expiring"),
            }
        ],
    }
