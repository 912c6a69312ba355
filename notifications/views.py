from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorprogram.access import verified_only
from mentorprogram.forms import strict_int
from notifications.forms import PreferenceForm
from notifications.selectors import notification_list_for_user
from notifications.services import notification_mark_read, notification_preference_update, wants_email
from notifications.texts import notification_text


@verified_only
@require_http_methods(["GET", "POST"])
def notification_list(request):
    """The notification centre: the user's own notifications; POST marks them read."""
    if request.method == "POST":
        ids = [strict_int(i) for i in request.POST.getlist("id") if strict_int(i) is not None] or None
        notification_mark_read(user=request.user, ids=ids)
        return redirect("notifications:list")
    notifications = [(n, notification_text(n)) for n in notification_list_for_user(user=request.user)]
    return render(request, "notifications/notification_list.html", {"notifications": notifications})


@verified_only
@require_http_methods(["GET", "POST"])
def preferences(request):
    initial = {
        "email_kinds": [
            kind
            for kind, _label in PreferenceForm.base_fields["email_kinds"].choices
            if wants_email(request.user, kind)
        ]
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notification_preference_update(user=request.user, email_kinds=form.cleaned_data["email_kinds"])
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
