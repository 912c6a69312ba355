"""Disclosures in the API: a case's register entries and recording one (or a correction), through the same
form checks and the one service as the page. A case the caller does not hold answers 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import case_get_for_user
from disclosures import permissions, selectors, services
from disclosures.forms import DisclosureForm
from disclosures.models import Disclosure
from mentorprogram.access import requires_permission
from mentorprogram.api import form_cleaned, form_data, object_pk
from mentorprogram.forms import strict_int


class DisclosureSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case = serializers.IntegerField(source="case_id")
    legal_basis = serializers.ChoiceField(choices=Disclosure.LegalBasis.choices)
    legal_basis_other = serializers.CharField()
    recipient_kind = serializers.ChoiceField(choices=Disclosure.RecipientKind.choices)
    recipient = serializers.CharField()
    shared = serializers.CharField()
    justification = serializers.CharField()
    disclosed_on = serializers.DateField()
    decided_by = serializers.CharField()
    consulted = serializers.ListField(child=serializers.CharField())
    participant_informed = serializers.ChoiceField(choices=Disclosure.Informed.choices)
    informed_on = serializers.DateField(allow_null=True)
    not_informed_reason = serializers.CharField()
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True)
    correction_reason = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class DisclosureInput(serializers.Serializer):
    """The disclosure form's fields; the form and the service check them (consent, legal basis, dates)."""

    submission_key = serializers.UUIDField(help_text="Any new UUID; sending the same one again returns the first.")
    corrects = serializers.IntegerField(required=False, help_text="The id of this case's record being corrected.")
    legal_basis = serializers.ChoiceField(choices=Disclosure.LegalBasis.choices)
    legal_basis_other = serializers.CharField(required=False, allow_blank=True)
    recipient_kind = serializers.ChoiceField(choices=Disclosure.RecipientKind.choices)
    recipient = serializers.CharField()
    shared = serializers.CharField()
    justification = serializers.CharField()
    disclosed_on = serializers.DateField()
    decided_by = serializers.CharField()
    consulted = serializers.ListField(child=serializers.CharField(), required=False)
    participant_informed = serializers.ChoiceField(choices=Disclosure.Informed.choices)
    informed_on = serializers.DateField(required=False, allow_null=True)
    not_informed_reason = serializers.CharField(required=False, allow_blank=True)
    correction_reason = serializers.CharField(required=False, allow_blank=True)


def _correcting(case, data):
    """The record ``corrects`` names, within the case; None without one; 400 for what is not an id, 404 for an id
    of no record of this case (as for one that does not exist)."""
    value = data.get("corrects") if isinstance(data, dict) else None
    if value in (None, ""):
        return None
    pk = strict_int(str(value)) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
    if pk is None:
        raise exceptions.ValidationError({"corrects": [_("Give the id of a record in this case.")]})
    disclosure = selectors.disclosure_to_correct(case=case, pk=pk)
    if disclosure is None:
        raise Http404
    return disclosure


@requires_permission("disclosures.add_disclosure")
class CaseDisclosuresApi(APIView):
    @extend_schema(
        operation_id="case_disclosures_list",
        summary="What has been shared from the case, with whom and on what legal basis",
        responses=DisclosureSerializer(many=True),
    )
    def get(self, request, pk):
        case = case_get_for_user(user=request.user, pk=object_pk(pk))
        return Response(DisclosureSerializer(selectors.case_disclosures(case=case), many=True).data)

    @extend_schema(
        operation_id="case_disclosure_record",
        summary="Record a disclosure from the case (or a correction of one); its coordinators are told",
        request=DisclosureInput,
        responses={201: DisclosureSerializer},
    )
    def post(self, request, pk):
        case = case_get_for_user(user=request.user, pk=object_pk(pk))
        if not permissions.may_record_disclosure(request.user, case):
            raise PermissionDenied
        correcting = _correcting(case, request.data)
        form = DisclosureForm(form_data(request.data, DisclosureInput), correcting=correcting)
        fields = form_cleaned(form)
        disclosure = services.disclosure_record(
            actor=request.user,
            case=case,
            submission_key=fields["submission_key"],
            corrects=correcting,
            request=request,
            **form.service_fields(),
        )
        return Response(DisclosureSerializer(disclosure).data, status=status.HTTP_201_CREATED)
