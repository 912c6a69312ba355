from django.urls import reverse

from mentorprogram.roles import navigation_for
from notifications.selectors import unread_count_for_user


def navigation(request):
    """The main menu: only what the verified user's roles may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"navigation": []}
    items = [{"label": item.label, "url": reverse(item.url_name)} for item in navigation_for(user)]
    # One current item: the longest address the path lies under («/cases/referrals/» over «/cases/»).
    current = max((item["url"] for item in items if request.path.startswith(item["url"])), key=len, default=None)
    for item in items:
        item["active"] = item["url"] == current
    return {
        "navigation": items,
        "unread_notifications": unread_count_for_user(user=user),
        "notifications_url": reverse("notifications:list"),
    }
