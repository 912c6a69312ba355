from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    """The main menu for the logged-in user; empty for everyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = [{"label": _("Home"), "url": reverse("home")}]
    for item in items:
        item["active"] = request.path == item["url"]
    return {"navigation": items}
