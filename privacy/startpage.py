"""The privacy officer's start page: what waits for them, counts and links (registered in ``PrivacyConfig.ready()``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import EmergencyAccess, RetentionRun
from mentorprogram.roles import PRIVACY_OFFICER, role_slugs_for


def privacy_panel(user) -> dict | None:
    if PRIVACY_OFFICER not in role_slugs_for(user) or not user.has_perm("cases.review_emergencyaccess"):
        return None
    to_review = EmergencyAccess.objects.filter(reviewed_at__isnull=True).count()
    waiting = RetentionRun.objects.filter(erased_at__isnull=True).count()
    return {
        "template": "includes/start_counts.html",
        "key": "privacy",
        "title": _("Waiting for you"),
        "lines": [
            {
                "label": _("emergency accesses to review"),
                "count": to_review,
                "url": reverse("audit:emergency"),
                "urgent": True,
            },
            {"label": _("retention lists waiting for erasure"), "count": waiting, "url": reverse("audit:retention")},
        ],
    }
