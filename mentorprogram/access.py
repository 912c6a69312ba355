"""Deny by default: every view states who may reach it, or nobody can.

A view is reachable only if it carries one of these declarations:

- ``@public``: no login (login, password reset, health, language switch);
- ``@unverified_allowed``: logged in with a password, before the second
  factor (the two-factor enrolment and verification pages, logout);
- ``@requires_permission(perm, ...)`` or ``@requires_role()``: logged in,
  second factor verified, and the permission (or any role).

``AccessPolicyMiddleware`` enforces this for every route, the API and the
admin included; a route without a declaration answers 403 to everyone.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from mentorprogram.roles import ADMIN, may_reach_personal_data, role_slugs_for

ACCESS_ATTR = "mentorprogram_access"
PUBLIC = "public"
UNVERIFIED = "unverified"
PROTECTED = "protected"


def _mark(view, kind, check=None):
    setattr(view, ACCESS_ATTR, (kind, check))
    return view


def public(view):
    """Reachable without login. Keep this list short."""
    return _mark(login_not_required(view), PUBLIC)


def unverified_allowed(view):
    """Logged in with a password, second factor not yet verified."""
    return _mark(view, UNVERIFIED)


def requires_permission(*perms: str, personal_data: bool = True):
    """Verified users holding every model permission in ``perms``.

    ``personal_data=True`` (the default) also refuses users who hold the
    admin or steering-group role, whatever permissions they have collected.
    """

    def check(user):
        if personal_data and not may_reach_personal_data(user):
            return False
        return user.has_perms(perms)

    def decorator(view):
        return _mark(view, PROTECTED, check)

    return decorator


def verified_only(view):
    """Any verified user, role or not (their own account pages)."""
    return _mark(view, PROTECTED, None)


def requires_role(*roles: str):
    """Verified users holding any of ``roles`` (any role at all when none is named)."""

    def check(user):
        held = set(role_slugs_for(user))
        return bool(held & set(roles)) if roles else bool(held)

    def decorator(view):
        return _mark(view, PROTECTED, check)

    return decorator


def declared_access(view_func):
    """The declaration on a view function, a DRF view class, or None."""
    access = getattr(view_func, ACCESS_ATTR, None)
    if access is None and hasattr(view_func, "cls"):
        access = getattr(view_func.cls, ACCESS_ATTR, None)
    if access is None and hasattr(view_func, "view_class"):
        access = getattr(view_func.view_class, ACCESS_ATTR, None)
    return access


def api_error_body(detail, errors: dict | None = None) -> dict:
    """The API's one error shape: what went wrong, and the fields it concerns (empty when none)."""
    return {"detail": str(detail), "errors": {str(k): [str(m) for m in v] for k, v in (errors or {}).items()}}


def api_error(detail, *, status: int, errors: dict | None = None) -> JsonResponse:
    """An API error answered before (or outside) a DRF view: the access policy, the token check, 404 and 400."""
    return JsonResponse(api_error_body(detail, errors), status=status)


def _is_api(request):
    return request.path.startswith("/api/")


def _is_verified(user):
    return bool(getattr(user, "is_verified", lambda: False)())


class AccessPolicyMiddleware:
    """Runs after authentication and django-otp's middleware; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.namespace == "admin":
            return self._admin(request)
        access = declared_access(view_func)
        if access is None:
            # Static files under DEBUG are served by a view of Django's own.
            if settings.DEBUG and request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
                return None
            return self._deny(request)
        kind, check = access
        if kind == PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            return self._to_login(request)
        if kind == UNVERIFIED:
            return None
        if not _is_verified(user):
            return self._to_second_factor(request)
        if check is not None and not check(user):
            return self._deny(request)
        return None

    def _admin(self, request):
        user = request.user
        if not user.is_authenticated:
            return self._to_login(request)
        if not _is_verified(user):
            return self._to_second_factor(request)
        if not (user.is_active and user.is_staff and ADMIN in role_slugs_for(user)):
            return self._deny(request)
        return None

    def _deny(self, request):
        if _is_api(request):
            return api_error(_("You do not have permission to perform this action."), status=403)
        raise PermissionDenied

    def _to_login(self, request):
        if _is_api(request):
            return api_error(_("Authentication credentials were not provided."), status=401)
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))

    def _to_second_factor(self, request):
        if _is_api(request):
            return api_error(_("Two-factor verification is required."), status=403)
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': request.get_full_path()})}")
