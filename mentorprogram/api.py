"""The REST API under /api/v1/: the same access rules, selectors and services as the pages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from mentorprogram.access import requires_role
from mentorprogram.accounts.services import second_factor_enrolled
from mentorprogram.roles import role_slugs_for


@requires_role()
class MeApi(APIView):
    """The logged-in user and their roles."""

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        name = serializers.CharField()
        roles = serializers.ListField(child=serializers.CharField())
        two_factor = serializers.BooleanField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        user = request.user
        data = {
            "username": user.username,
            "name": user.get_full_name(),
            "roles": role_slugs_for(user),
            "two_factor": second_factor_enrolled(user),
        }
        return Response(self.OutputSerializer(data).data)


class ErrorSerializer(serializers.Serializer):
    """Every error the API answers: what went wrong, and the fields it concerns (empty when none)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


def error_body(detail: str, errors: dict | None = None) -> dict:
    return {"detail": str(detail), "errors": {str(k): [str(m) for m in v] for k, v in (errors or {}).items()}}


def _field_errors(data) -> dict:
    if isinstance(data, dict):
        return {k: (v if isinstance(v, list) else [v]) for k, v in data.items() if k != "detail"}
    return {"non_field_errors": data if isinstance(data, list) else [data]}


def exception_handler(exc, context):
    """One JSON shape for every error (``ErrorSerializer``), in the language asked for; a service's Norwegian
    ValidationError is a 400 with its fields, never a 500."""
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body(_("The data are not valid."), errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(_("The data are not valid."), _field_errors(response.data))
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = error_body(detail or _("The request could not be answered."))
    return response
