"""The REST API under /api/v1/: the same access rules, selectors and services as the pages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from mentorprogram.access import api_error_body, requires_role
from mentorprogram.accounts.services import second_factor_enrolled
from mentorprogram.forms import MAX_PAGE, strict_int
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


class NameField(serializers.CharField):
    """An object's name as ``str()`` gives it, read-only, from the object ``source`` names (``source="participant"``,
    or ``"*"`` for the row itself). A source naming the bound method instead («participant.__str__») made DRF ask
    ``inspect.signature`` of it for every row: a tenth of a 50-row list's time (``make bench``)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return str(value)


class ErrorSerializer(serializers.Serializer):
    """Every error the API answers: what went wrong, and the fields it concerns (empty when none)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


def _field_errors(data) -> dict:
    if isinstance(data, dict):
        return {k: (v if isinstance(v, list) else [v]) for k, v in data.items() if k != "detail"}
    return {"non_field_errors": data if isinstance(data, list) else [data]}


def exception_handler(exc, context):
    """One JSON shape for every error (``ErrorSerializer``), in the language asked for; a service's Norwegian
    ValidationError is a 400 with its fields, never a 500."""
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(api_error_body(_("The data are not valid."), errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = api_error_body(_("The data are not valid."), _field_errors(response.data))
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = api_error_body(detail or _("The request could not be answered."))
    return response


ERROR_RESPONSES = {
    "400": "The request's data are not valid: `errors` names the fields.",
    "401": "No credentials, or a token that is wrong, expired or revoked.",
    "403": "The caller may not do this (or a read token tried to write).",
    "404": "No such object, or one the caller may not see: the two answer alike.",
    "405": "The method is not offered here.",
    "429": "Too many requests: wait and try again.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing: every operation documents the errors every operation may answer, in the
    one shape (``Error``)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
        "required": ["detail", "errors"],
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result


PAGE_PARAMETER = OpenApiParameter(
    "page",
    {"type": "integer", "minimum": 1, "maximum": 100_000},
    description="The page, from 1; 50 rows a page. Each list says whether another page follows (`has_next`).",
    required=False,
)


def page_param(request) -> int:
    """``?page=`` as a page number from 1 (1 when absent); anything else is a 400 naming the field."""
    values = request.query_params.getlist("page")
    if not values:
        return 1
    page = strict_int(values[-1], maximum=MAX_PAGE) if len(values) == 1 else None
    if not page:
        raise exceptions.ValidationError(
            {"page": [_("A page is a whole number from 1 to %(max)s.") % {"max": MAX_PAGE}]}
        )
    return page


def choice_params(params, allowed: dict, *, messages: dict | None = None) -> dict[str, str]:
    """The query's filters among ``allowed`` (name → its values) that are present. Present means chosen: an empty,
    unknown or repeated value is a 400 naming the filter (with ``messages[name]`` when given), never «all»."""
    chosen, errors = {}, {}
    for name, values in allowed.items():
        if name not in params:
            continue
        given = params.getlist(name)
        if len(given) == 1 and given[0] in values:
            chosen[name] = given[0]
        else:
            errors[name] = [
                (messages or {}).get(name) or _("Choose one of: %(values)s.") % {"values": ", ".join(values)}
            ]
    if errors:
        raise exceptions.ValidationError(errors)
    return chosen


def object_pk(pk) -> int:
    """An id from the address: one past bigint names nothing, so it answers 404 like any id the caller cannot see."""
    if strict_int(pk) is None:
        raise Http404
    return pk


def page_serializer(name: str, item) -> type[serializers.Serializer]:
    """A page of ``item`` rows, as every list answers: ``results``, ``page`` and ``has_next``."""
    return type(
        name,
        (serializers.Serializer,),
        {"results": item(many=True), "page": serializers.IntegerField(), "has_next": serializers.BooleanField()},
    )


def page_answer(results, *, page: int, has_next: bool) -> Response:
    return Response({"results": results, "page": page, "has_next": has_next})


def refuse_unknown(data, known: type[serializers.Serializer]) -> None:
    """A field the operation does not take is a 400 naming it (a typo never passes silently as «left out»)."""
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    unknown = sorted(set(data) - set(known().fields))
    if unknown:
        raise exceptions.ValidationError({name[:100]: [_("Unknown field.")] for name in unknown[:20]})


def form_data(data, known: type[serializers.Serializer], *, joined=()) -> QueryDict:
    """A JSON body as the pages' forms read a POST: lists as repeated keys (those in ``joined`` as «a, b»),
    null as absent. Only an object with the fields of ``known`` (the operation's documented body) passes."""
    refuse_unknown(data, known)
    out = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list) and key in joined:
            out[key] = ", ".join(str(item) for item in value)
        elif isinstance(value, list):
            out.setlist(key, [str(item) for item in value])
        elif isinstance(value, bool):
            out[key] = "on" if value else ""
        elif value is not None and not isinstance(value, dict):
            out[key] = str(value)
    return out


def form_cleaned(form) -> dict:
    """The form's cleaned data, or a 400 with its Norwegian (or English) field errors: the pages' own checks."""
    if not form.is_valid():
        raise exceptions.ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data
