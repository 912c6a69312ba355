from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mentorprogram.roles import ADMIN, role_slugs_for


class AdminSite(admin.AdminSite):
    site_header = _("Mentor programme: administration")
    site_title = _("Administration")
    index_title = _("Users and roles")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_verified() and ADMIN in role_slugs_for(user))

    def login(self, request, extra_context=None):
        return redirect(f"{reverse('login')}?next={reverse('admin:index')}")
