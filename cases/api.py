"""Referrals in the API (``/api/v1/referrals/``): the intake form, the service, the selectors and the rights of the
pages, nothing of their own. A referrer sees the status of what they sent; an SLT coordinator sees the queue.

An id the caller may not see answers 404, exactly as an id that does not exist.
"""

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.forms import ReferralForm
from cases.models import Referral
from mentorprogram.access import requires_permission
from mentorprogram.api import PAGE_PARAMETER, error_body, page_param
from mentorprogram.forms import strict_int


class ReferralStatusSerializer(serializers.Serializer):
    """What the one who sent a referral learns of it: its status, nothing of a case."""

    id = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    received_on = serializers.DateField()
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class ReferralTriageSerializer(ReferralStatusSerializer):
    """What an SLT coordinator reads to triage it. The fields past the status are there for SLT coordinators only:
    the one who sent it gets the status fields alone."""

    urgency = serializers.ChoiceField(choices=Referral.Urgency.choices, required=False)
    source = serializers.ChoiceField(choices=Referral.Source.choices, required=False)
    first_name = serializers.CharField(required=False)
    last_name = serializers.CharField(required=False)
    date_of_birth = serializers.DateField(required=False)
    concern = serializers.CharField(required=False)
    criteria = serializers.ListField(child=serializers.CharField(), required=False)


class ReferralInputSerializer(serializers.Serializer):
    """The intake form's fields (the form checks them, with its Norwegian messages)."""

    submission_key = serializers.UUIDField(help_text="Any new UUID; sending the same one again returns the first.")
    source = serializers.ChoiceField(choices=Referral.Source.choices)
    source_organisation = serializers.CharField(required=False, allow_blank=True)
    referrer_name = serializers.CharField()
    referrer_phone = serializers.CharField(required=False, allow_blank=True)
    referrer_email = serializers.EmailField(required=False, allow_blank=True)
    received_on = serializers.DateField()
    urgency = serializers.ChoiceField(choices=Referral.Urgency.choices)
    concern = serializers.CharField()
    criteria = serializers.ListField(child=serializers.ChoiceField(choices=Referral.Criterion.choices), required=False)
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    national_id = serializers.CharField(required=False, allow_blank=True)
    gender = serializers.CharField(required=False, help_text="«unknown» when left out.")
    languages = serializers.ListField(child=serializers.CharField(), required=False)
    district = serializers.CharField(required=False, allow_blank=True)
    guardians = serializers.CharField(required=False, allow_blank=True)


def _form_data(data) -> QueryDict:
    """The JSON body as the intake form reads it: lists as repeated keys, languages as «a, b»."""
    form_data = QueryDict(mutable=True)
    if not isinstance(data, dict):
        return form_data
    for key, value in data.items():
        if key == "languages" and isinstance(value, list):
            form_data[key] = ", ".join(str(item) for item in value)
        elif isinstance(value, list):
            form_data.setlist(key, [str(item) for item in value])
        elif value is not None and not isinstance(value, dict):
            form_data[key] = str(value)
    form_data.setdefault("gender", "unknown")  # as the form's own default
    return form_data


class ReferralPage(serializers.Serializer):
    results = ReferralTriageSerializer(many=True)
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()


@requires_permission("cases.submit_referral")
class ReferralListApi(APIView):
    @extend_schema(
        operation_id="referrals_list",
        summary="Referrals: the triage queue (SLT coordinators) or one's own (referrers)",
        parameters=[PAGE_PARAMETER],
        responses=ReferralPage,
    )
    def get(self, request):
        page = page_param(request)
        if request.user.has_perm("cases.triage_referral"):
            rows, has_next = selectors.referral_queue_page(user=request.user, page=page)
            results = ReferralTriageSerializer(rows, many=True).data
        else:
            rows = selectors.referral_list_for_referrer(user=request.user)
            start = (page - 1) * 50
            results, has_next = (
                ReferralStatusSerializer(rows[start : start + 50], many=True).data,
                len(rows) > start + 50,
            )
        return Response({"results": results, "page": page, "has_next": has_next})

    @extend_schema(
        operation_id="referrals_create",
        summary="Send a referral",
        request=ReferralInputSerializer,
        responses={201: ReferralStatusSerializer},
    )
    def post(self, request):
        form = ReferralForm(_form_data(request.data))
        if not form.is_valid():
            return Response(error_body(_("The data are not valid."), form.errors), status=status.HTTP_400_BAD_REQUEST)
        fields = {k: v for k, v in form.cleaned_data.items() if k != "submission_key"}
        referral = services.referral_submit(
            actor=request.user, submission_key=form.cleaned_data["submission_key"], **fields
        )
        return Response(ReferralStatusSerializer(referral).data, status=status.HTTP_201_CREATED)


@requires_permission("cases.submit_referral")
class ReferralDetailApi(APIView):
    @extend_schema(
        operation_id="referral_read",
        summary="One referral: its status (the sender), or all of it (SLT coordinators)",
        responses=ReferralTriageSerializer,
    )
    def get(self, request, pk):
        if strict_int(pk) is None:  # past bigint: no referral has it
            raise Http404
        if request.user.has_perm("cases.triage_referral"):
            return Response(ReferralTriageSerializer(selectors.referral_get_for_triage(user=request.user, pk=pk)).data)
        return Response(ReferralStatusSerializer(selectors.referral_for_referrer(user=request.user, pk=pk)).data)
