"""Who the request's user is, read cheaply: every signed-in request asks these before its page starts.

- ``RolesAndPermissionsBackend``: Django's ModelBackend, reading the user with their roles and model permissions in
  one query compiled once (``user_with_roles_and_permissions``, ``mentorprogram.compiled``).
- ``OTPMiddleware``: django-otp's, reading the device that verified the session by SQL compiled once.
"""

from contextlib import suppress

from django.apps import apps
from django.contrib.auth.backends import ModelBackend
from django_otp.middleware import OTPMiddleware as LibraryOTPMiddleware
from django_otp.models import Device

from mentorprogram.compiled import CompiledQuery
from mentorprogram.roles import (
    roles_and_permissions_load,
    roles_and_permissions_remember,
    user_with_roles_and_permissions,
)

# The user with their roles and model permissions, one query (``user_with_roles_and_permissions``).
USER_BY_ID = CompiledQuery(user_with_roles_and_permissions, user_id=int)


class RolesAndPermissionsBackend(ModelBackend):
    """Django's ModelBackend, reading a user's model permissions together with their roles: with the user when a
    session names them (``get_user``), else in one query of their own (``roles_and_permissions_load``). One query a
    request instead of four."""

    def get_user(self, user_id):
        """As ModelBackend's: the user with this id who may authenticate, or None; with their roles and model
        permissions."""
        found = USER_BY_ID.instances(user_id=int(user_id))
        if not found or not self.user_can_authenticate(found[0]):
            return None
        user = found[0]
        roles_and_permissions_remember(user, user.__dict__.pop("read_roles"), user.__dict__.pop("read_permissions"))
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if user_obj.is_active and not user_obj.is_anonymous and obj is None and not hasattr(user_obj, "_perm_cache"):
            roles_and_permissions_load(user_obj)
        return super().get_all_permissions(user_obj, obj)


# One compiled read per kind of device (TOTP, the static backup codes), made when first asked.
_DEVICE_BY_ID: dict[type, CompiledQuery] = {}


def device_from_persistent_id(persistent_id: str):
    """As ``Device.from_persistent_id``: the device a session names («app.model/id»), or None."""
    with suppress(ValueError, LookupError):
        model_label, device_id = persistent_id.rsplit("/", 1)
        app_label, model_name = model_label.split(".")
        device_class = apps.get_model(app_label, model_name)
        if not issubclass(device_class, Device):
            return None
        query = _DEVICE_BY_ID.get(device_class)
        if query is None:
            query = CompiledQuery(lambda pk, model=device_class: model.objects.filter(pk=pk), pk=int)
            _DEVICE_BY_ID[device_class] = query
        found = query.instances(pk=int(device_id))
        return found[0] if found else None
    return None


class OTPMiddleware(LibraryOTPMiddleware):
    """django-otp's middleware (the device must be the user's and confirmed, checked by the library after this)."""

    def _device_from_persistent_id(self, persistent_id: str):
        return device_from_persistent_id(self._normalize_persistent_id(persistent_id))
