"""Cases, their participants and assignments in the API: the case list's selectors and the workflow service, the
same rights as the pages. A case the caller does not hold answers 404, exactly as a case that does not exist."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.models import Case, CaseAssignment
from mentorprogram.access import requires_permission
from mentorprogram.api import (
    PAGE_PARAMETER,
    NameField,
    choice_params,
    object_pk,
    page_answer,
    page_param,
    page_serializer,
    refuse_unknown,
)


class PersonOnCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    name = NameField(source="user")


class CaseSerializer(serializers.Serializer):
    """A case as the case list shows it to those who hold it."""

    id = serializers.IntegerField(source="pk")
    participant = NameField()
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
        chosen = choice_params(
            request.query_params,
            {"status": [code for code, _label in selectors.CASE_LIST_STATUSES], "track": Case.Track.values},
            messages={"status": _("Choose one of the statuses."), "track": _("Choose one of the tracks.")},
        )
        filters = selectors.CaseListFilter(status=chosen.get("status", ""), track=chosen.get("track", ""))
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
        refuse_unknown(request.data, CaseStatusInput)
        data = CaseStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_status_change(actor=request.user, case=case, **data.validated_data)
        return Response(CaseSerializer(_one_case_row(request.user, pk)).data)


# --- Participants ---------------------------------------------------------------------------


class ParticipantSerializer(serializers.Serializer):
    """A participant as the case pages show them: name and date of birth, and the caller's cases of theirs."""

    id = serializers.IntegerField(source="pk")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    cases = serializers.ListField(child=serializers.IntegerField(), source="case_ids")


ParticipantPage = page_serializer("ParticipantPage", ParticipantSerializer)


@requires_permission("cases.list_assigned_cases")
class ParticipantListApi(APIView):
    @extend_schema(
        operation_id="participants_list",
        summary="The participants of the cases the caller holds, by name",
        parameters=[PAGE_PARAMETER],
        responses=ParticipantPage,
    )
    def get(self, request):
        page = page_param(request)
        rows, has_next = selectors.participant_page_for_user(user=request.user, page=page)
        return page_answer(ParticipantSerializer(rows, many=True).data, page=page, has_next=has_next)


@requires_permission("cases.list_assigned_cases")
class ParticipantDetailApi(APIView):
    @extend_schema(operation_id="participant_read", responses=ParticipantSerializer)
    def get(self, request, pk):
        participant = selectors.participant_get_for_user(user=request.user, pk=object_pk(pk))
        return Response(ParticipantSerializer(participant).data)


# --- Assignments ----------------------------------------------------------------------------


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=CaseAssignment.Kind.choices)
    user = serializers.IntegerField(source="user_id")
    name = NameField(source="user")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class AssignmentEndInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        help_text="Why it ends; the person is told that it has.",
        # Blank or only spaces (trimmed): the page's own message.
        error_messages={"blank": gettext_lazy("Say why the assignment ends; the person is told that it has.")},
    )


@requires_permission("cases.list_assigned_cases")
class AssignmentEndApi(APIView):
    @extend_schema(
        operation_id="case_assignment_end",
        summary="End a mentor's or coordinator's assignment (SLT coordinators, the case's coordinator): the rights go at once",
        request=AssignmentEndInput,
        responses=AssignmentSerializer,
    )
    def post(self, request, pk, assignment_pk):
        case = selectors.case_get_for_user(user=request.user, pk=object_pk(pk))
        assignment = case.assignments.filter(pk=object_pk(assignment_pk), ended_at__isnull=True).first()
        if assignment is None:
            raise Http404
        refuse_unknown(request.data, AssignmentEndInput)
        data = AssignmentEndInput(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"]
        assignment = services.case_assignment_end(
            actor=request.user, assignment=assignment, reason=reason, request=request
        )
        return Response(AssignmentSerializer(assignment).data)
