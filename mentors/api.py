"""The mentor bank, the matching and the assignment of a mentor in the API: the matching page's ranking with its
reasons, and the one assignment service (hard rules, capacity under a lock, a reason below the first suggestions).
An SLT coordinator keeps the mentor bank; a case's coordinator matches their own case."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors as case_selectors
from cases.api_cases import AssignmentSerializer
from mentorprogram.access import requires_permission
from mentorprogram.api import (
    PAGE_PARAMETER,
    NameField,
    form_cleaned,
    form_data,
    object_pk,
    page_answer,
    page_param,
    page_serializer,
)
from mentors import selectors, services
from mentors.forms import AssignForm
from mentors.models import Qualification

PAGE_SIZE = 50


class MentorSerializer(serializers.Serializer):
    """A mentor as the mentor bank lists them."""

    id = serializers.IntegerField(source="mentor.pk")
    name = NameField(source="mentor")
    is_active = serializers.BooleanField(source="mentor.is_active")
    max_participants = serializers.IntegerField(source="mentor.max_participants")
    active_participants = serializers.IntegerField()
    hours_per_week = serializers.IntegerField(source="mentor.hours_per_week")
    hours_in_use = serializers.FloatField(help_text="Hours a week in sessions over the last four weeks.")
    qualifications = serializers.DictField(
        child=serializers.ChoiceField(choices=["missing", "expired", "expiring", "valid"]),
        help_text=f"State of each qualification: {', '.join(Qualification.Kind.values)}.",
    )
    last_supervision = serializers.DateField(allow_null=True)


class MentorProfileSerializer(serializers.Serializer):
    """A mentor's profile as the mentor bank's page shows it to an SLT coordinator."""

    id = serializers.IntegerField(source="pk")
    name = NameField(source="*")
    is_active = serializers.BooleanField()
    employment = serializers.CharField()
    home_service = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    district = serializers.CharField()
    tracks = serializers.ListField(child=serializers.CharField())
    max_participants = serializers.IntegerField()
    hours_per_week = serializers.IntegerField()
    qualifications = serializers.DictField(child=serializers.CharField())


MentorPage = page_serializer("MentorPage", MentorSerializer)


@requires_permission("mentors.view_mentor_pool")
class MentorListApi(APIView):
    @extend_schema(
        operation_id="mentors_list",
        summary="The mentor bank: capacity, hours in use, qualifications, supervision",
        parameters=[PAGE_PARAMETER],
        responses=MentorPage,
    )
    def get(self, request):
        page = page_param(request)
        rows, has_next = selectors.mentor_pool(user=request.user, page=page, per_page=PAGE_SIZE)
        return page_answer(MentorSerializer(rows, many=True).data, page=page, has_next=has_next)


@requires_permission("mentors.view_mentor_pool")
class MentorDetailApi(APIView):
    @extend_schema(operation_id="mentor_read", responses=MentorProfileSerializer)
    def get(self, request, pk):
        mentor = selectors.mentor_get_for_pool(user=request.user, pk=object_pk(pk))
        mentor.qualifications = dict(selectors.mentor_qualification_states(mentor=mentor))
        return Response(MentorProfileSerializer(mentor).data)


class FactorSerializer(serializers.Serializer):
    factor = serializers.CharField()
    points = serializers.FloatField()
    weight = serializers.IntegerField()
    why = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    mentor = serializers.IntegerField(source="mentor.pk")
    name = NameField(source="mentor")
    position = serializers.IntegerField()
    score = serializers.FloatField()
    max_score = serializers.IntegerField()
    factors = serializers.SerializerMethodField()

    @extend_schema_field(FactorSerializer(many=True))
    def get_factors(self, row):
        """Why it scored so, factor by factor: for the first suggestions only, as on the page."""
        return [{"factor": f, "points": p, "weight": w, "why": why} for f, p, w, why in row["factors"]]


class ExcludedSerializer(serializers.Serializer):
    mentor = serializers.IntegerField(source="mentor.pk")
    name = NameField(source="mentor")
    reasons = serializers.CharField()


class MatchingSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
    excluded = ExcludedSerializer(many=True)


@requires_permission("cases.list_assigned_cases")
class MatchingApi(APIView):
    @extend_schema(
        operation_id="case_mentor_suggestions",
        summary="The matching for a case: mentors ranked with their reasons, and those left out and why",
        responses=MatchingSerializer,
    )
    def get(self, request, pk):
        case = selectors.case_get_for_matching(user=request.user, pk=object_pk(pk))
        suggestions, excluded = selectors.matching_explained(case=case)
        return Response(MatchingSerializer({"suggestions": suggestions, "excluded": excluded}).data)


class AssignInput(serializers.Serializer):
    mentor = serializers.IntegerField(help_text="A mentor from the case's suggestions.")
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Required below the first suggestions."
    )


@requires_permission("cases.list_assigned_cases")
class AssignmentListApi(APIView):
    @extend_schema(
        operation_id="case_assignments_list",
        summary="Who holds and held the case (coordinators and mentors)",
        responses=AssignmentSerializer(many=True),
    )
    def get(self, request, pk):
        case = case_selectors.case_get_for_user(user=request.user, pk=object_pk(pk))
        return Response(AssignmentSerializer(case_selectors.case_assignments(case=case), many=True).data)

    @extend_schema(
        operation_id="case_mentor_assign",
        summary="Assign a mentor from the matching (the case moves on to active); the mentor is told",
        request=AssignInput,
        responses={201: AssignmentSerializer},
    )
    def post(self, request, pk):
        case = selectors.case_get_for_matching(user=request.user, pk=object_pk(pk))
        data = form_cleaned(AssignForm(form_data(request.data, AssignInput)))
        assignment = services.mentor_assign(
            actor=request.user, case=case, mentor=data["mentor"], reason=data["reason"], request=request
        )
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)
