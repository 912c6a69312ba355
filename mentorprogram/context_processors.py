from django.urls import reverse

from mentorprogram.roles import navigation_for
from notifications.selectors import unread_count_for_user


def navigation(request):
    """The main menu: only what the verified user's roles may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"navigation": []}
    items = [{"label": item.label, "url": reverse(item.url_name)} for item in navigation_for(user)]
    for item in items:
        item["active"] = request.path.startswith(item["url"])
    return {
        "navigation": items,
        "unread_notifications": unread_count_for_user(user=user),
        "notifications_url": reverse("notifications:list"),
    }
