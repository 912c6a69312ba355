"""Emergency access as an authentication backend: ``user.has_perm("cases.view_case", case)`` sees it.

The rights last exactly as long as the grant is active, checked at each
call, so an expired grant needs nobody to revoke it.
"""

from cases.models import Case

# What an active emergency access gives on its one case: reading, nothing else.
EMERGENCY_ACCESS_GRANTS = ("view_case", "view_sessions")


class EmergencyAccessBackend:
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if not isinstance(obj, Case) or not user_obj.is_active:
            return False
        app_label, _dot, codename = perm.partition(".")
        if app_label != "cases" or codename not in EMERGENCY_ACCESS_GRANTS:
            return False
        # Imported here: Django loads authentication backends while cases.selectors is still importing.
        from cases.selectors import emergency_access_active

        return emergency_access_active(user=user_obj, case_pk=obj.pk) is not None
