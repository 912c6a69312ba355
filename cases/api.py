"""Referrals in the API (``/api/v1/referrals/``): the intake form, the service, the selectors and the rights of the
pages, nothing of their own. A referrer sees the status of what they sent; an SLT coordinator sees the queue.

An id the caller may not see answers 404, exactly as an id that does not exist.
"""

from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.forms import ReferralForm
from cases.models import Case, Referral
from mentorprogram.access import api_error_body, requires_permission
from mentorprogram.api import PAGE_PARAMETER, object_pk, page_answer, page_param, page_serializer


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


ReferralPage = page_serializer("ReferralPage", ReferralTriageSerializer)


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
        return page_answer(results, page=page, has_next=has_next)

    @extend_schema(
        operation_id="referrals_create",
        summary="Send a referral",
        request=ReferralInputSerializer,
        responses={201: ReferralStatusSerializer},
    )
    def post(self, request):
        form = ReferralForm(_form_data(request.data))
        if not form.is_valid():
            return Response(
                api_error_body(_("The data are not valid."), form.errors), status=status.HTTP_400_BAD_REQUEST
            )
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
        pk = object_pk(pk)
        if request.user.has_perm("cases.triage_referral"):
            return Response(ReferralTriageSerializer(selectors.referral_get_for_triage(user=request.user, pk=pk)).data)
        return Response(ReferralStatusSerializer(selectors.referral_for_referrer(user=request.user, pk=pk)).data)


# --- Cases ----------------------------------------------------------------------------------


class PersonOnCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    name = serializers.SerializerMethodField()

    def get_name(self, assignment) -> str:
        return assignment.user.get_full_name() or assignment.user.username


class CaseSerializer(serializers.Serializer):
    """A case as the case list shows it to those who hold it."""

    id = serializers.IntegerField(source="pk")
    participant = serializers.CharField(source="participant.__str__")
    date_of_birth = serializers.DateField(source="participant.date_of_birth")
    track = serializers.ChoiceField(choices=Case.Track.choices)
    status = serializers.ChoiceField(choices=Case.Status.choices)
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    coordinators = PersonOnCaseSerializer(source="coordinator_assignments", many=True)
    mentors = PersonOnCaseSerializer(source="mentor_assignments", many=True)
    last_session_on = serializers.DateField(allow_null=True, required=False)
    next_due = serializers.DateField(allow_null=True, required=False)


CasePage = page_serializer("CasePage", CaseSerializer)


class CaseStatusInput(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Case.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    outcome = serializers.ChoiceField(choices=Case.Outcome.choices, required=False)


CASE_FILTERS = [
    OpenApiParameter("status", str, enum=[code for code, _label in selectors.CASE_LIST_STATUSES], required=False),
    OpenApiParameter("track", str, enum=Case.Track.values, required=False),
]


def _one_case_row(user, pk):
    """The case as a list row (mentors, coordinators, last session, next due), if ``user`` holds it; else 404."""
    case = selectors.case_get_for_user(user=user, pk=pk)
    rows, _has_next = selectors.case_rows_by_id(user=user, cases=[case])
    return rows[0]


@requires_permission("cases.list_assigned_cases")
class CaseListApi(APIView):
    @extend_schema(operation_id="cases_list", parameters=[PAGE_PARAMETER, *CASE_FILTERS], responses=CasePage)
    def get(self, request):
        page = page_param(request)
        errors = {}
        params = request.query_params
        status_filter, track = params.get("status", ""), params.get("track", "")
        # Present means chosen: an empty or unknown value is an error, not «all».
        if "status" in params and (
            status_filter not in dict(selectors.CASE_LIST_STATUSES) or len(params.getlist("status")) > 1
        ):
            errors["status"] = [_("Choose one of the statuses.")]
        if "track" in params and (track not in Case.Track.values or len(params.getlist("track")) > 1):
            errors["track"] = [_("Choose one of the tracks.")]
        if errors:
            return Response(api_error_body(_("The data are not valid."), errors), status=status.HTTP_400_BAD_REQUEST)
        filters = selectors.CaseListFilter(status=status_filter, track=track)
        rows, has_next = selectors.case_page_for_user(user=request.user, page=page, filters=filters)
        return page_answer(CaseSerializer(rows, many=True).data, page=page, has_next=has_next)


@requires_permission("cases.list_assigned_cases")
class CaseDetailApi(APIView):
    @extend_schema(operation_id="case_read", responses=CaseSerializer)
    def get(self, request, pk):
        return Response(CaseSerializer(_one_case_row(request.user, object_pk(pk))).data)


@requires_permission("cases.list_assigned_cases")
class CaseStatusApi(APIView):
    @extend_schema(
        operation_id="case_status_change",
        summary="Move the case one step in its workflow (its coordinator); only the allowed steps",
        request=CaseStatusInput,
        responses=CaseSerializer,
    )
    def post(self, request, pk):
        case = selectors.case_get_for_user(user=request.user, pk=object_pk(pk))
        data = CaseStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_status_change(actor=request.user, case=case, **data.validated_data)
        return Response(CaseSerializer(_one_case_row(request.user, pk)).data)
