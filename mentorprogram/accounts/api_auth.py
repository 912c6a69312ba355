"""Signing in to the API with a token: the middleware, and what DRF is told.

``ApiTokenMiddleware`` runs before the access policy (``mentorprogram.access``): a request to ``/api/`` with
``Authorization: Bearer mp_…`` is the token's user, second factor counted as passed (the token was made after
one), with ``request.api_token`` set, so the trail names the token on every read. A token that is wrong,
expired or revoked answers 401 at once, whatever the path; no session is ever made from a token.
"""

from django.core.cache import caches
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import SimpleRateThrottle

from mentorprogram.access import api_error
from mentorprogram.accounts.tokens import api_token_authenticate
from mentorprogram.models import ApiToken


def _bearer(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


class ApiTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            raw = _bearer(request)
            if raw is not None:
                token = api_token_authenticate(raw[:200], request=request)
                if token is None:
                    response = api_error(_("The token is not valid: it is wrong, expired or revoked."), status=401)
                    response["WWW-Authenticate"] = 'Bearer realm="api"'
                    return response
                user = token.user
                user.is_verified = lambda: True  # the token was made after a two-factor login
                request.user = user
                request.api_token = token
                request._dont_enforce_csrf_checks = True  # no cookie is involved: nothing to forge
        return self.get_response(request)


class ApiTokenAuthentication(BaseAuthentication):
    """The user the middleware found for the token; DRF then knows the request came with one."""

    def authenticate(self, request):
        token = getattr(request._request, "api_token", None)
        return (token.user, token) if token is not None else None

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenScope(BasePermission):
    """A read token reads; writing needs a «read and write» token. Session users are not limited here."""

    message = _("This token may only read.")

    def has_permission(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return token is None or request.method in SAFE_METHODS or token.scope == ApiToken.Scope.WRITE


class _FailOpenThrottle(SimpleRateThrottle):
    """A throttle that lets the request through when its cache cannot be reached (Redis down must not take the
    API down with it); the refusal of the rest of the rate still holds while the cache answers."""

    cache = caches["throttle"]

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001  (a cache error is not the caller's)
            return True


class UserRateThrottle(_FailOpenThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenRateThrottle(_FailOpenThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's word for a token: HTTP bearer, «mp_…», made at /account/tokens/."""

    target_class = ApiTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token («mp_…»), made at /account/tokens/ after a two-factor login.",
        }
