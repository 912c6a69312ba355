"""Individual plans in the API: the plan page's selectors (goals by life area with their measures, evaluations)
and the plan services with their checks (consent for each service, dates, the coordinator's right to edit).
A plan the caller may not read answers 404, as one that does not exist."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from individualplans import permissions, selectors, services
from individualplans.forms import EvaluationForm, GoalForm, MeasureForm
from individualplans.models import IndividualPlan, LifeArea, PlanGoal, PlanMeasure
from mentorprogram.access import requires_permission
from mentorprogram.api import (
    PAGE_PARAMETER,
    NameField,
    choice_params,
    form_cleaned,
    form_data,
    object_pk,
    page_answer,
    page_param,
    page_serializer,
)
from mentorprogram.partners import PartnerService

PLAN_READERS = "cases.list_assigned_cases"


class MeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    description = serializers.CharField()
    service = serializers.ChoiceField(choices=PartnerService.choices)
    responsible_person = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=PlanMeasure.Status.choices)
    version = serializers.IntegerField()


class GoalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    life_area = serializers.ChoiceField(choices=LifeArea.choices)
    wording = serializers.CharField()
    status = serializers.ChoiceField(choices=PlanGoal.Status.choices)
    target_date = serializers.DateField()
    version = serializers.IntegerField()
    measures = MeasureSerializer(many=True, source="measures.all")


class EvaluationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    summary = serializers.CharField()
    changes = serializers.CharField()
    next_due_on = serializers.DateField()
    evaluated_at = serializers.DateTimeField()


class PlanRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case = serializers.IntegerField(source="case_id")
    participant = NameField()
    status = serializers.ChoiceField(choices=IndividualPlan.Status.choices)
    evaluation_due_on = serializers.DateField()


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="plan.pk")
    case = serializers.IntegerField(source="plan.case_id")
    participant = NameField(source="plan.participant")
    status = serializers.ChoiceField(choices=IndividualPlan.Status.choices, source="plan.status")
    participant_words = serializers.CharField(source="plan.participant_words")
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=PartnerService.choices), source="plan.services"
    )
    version = serializers.IntegerField(source="plan.version")
    coordinator = serializers.SerializerMethodField()
    evaluation_due_on = serializers.DateField()
    consent_in_force = serializers.BooleanField()
    goals = serializers.SerializerMethodField()
    evaluations = EvaluationSerializer(many=True)

    def get_coordinator(self, page) -> str | None:
        return str(page.coordinator) if page.coordinator is not None else None

    @extend_schema_field(GoalSerializer(many=True))
    def get_goals(self, page):
        return GoalSerializer([goal for area in page.areas for goal in area.goals], many=True).data


PlanPage = page_serializer("PlanPage", PlanRowSerializer)


def _plan_answer(plan) -> dict:
    return PlanSerializer(selectors.plan_page(plan=plan)).data


def _editable(user, plan):
    if not permissions.may_edit_plan(user, plan):
        raise PermissionDenied
    return plan


def _versioned(data, known) -> dict:
    """An addition starts at version 1, as the page's form does."""
    data = form_data(data, known)
    data.setdefault("version", "1")
    return data


@requires_permission(PLAN_READERS)
class PlanListApi(APIView):
    @extend_schema(
        operation_id="plans_list",
        summary="The plans the caller may read, the earliest evaluation first",
        parameters=[
            PAGE_PARAMETER,
            OpenApiParameter("closed", str, enum=["true", "false"], required=False, description="Closed ones too."),
        ],
        responses=PlanPage,
    )
    def get(self, request):
        page = page_param(request)
        closed = choice_params(
            request.query_params, {"closed": ["true", "false"]}, messages={"closed": _("Answer true or false.")}
        ).get("closed")
        rows, has_next = selectors.plan_list_for_user(user=request.user, page=page, include_closed=closed == "true")
        return page_answer(PlanRowSerializer(rows, many=True).data, page=page, has_next=has_next)


@requires_permission(PLAN_READERS)
class PlanDetailApi(APIView):
    @extend_schema(operation_id="plan_read", responses=PlanSerializer)
    def get(self, request, pk):
        return Response(_plan_answer(selectors.plan_get_for_user(user=request.user, pk=object_pk(pk))))


class GoalInput(serializers.Serializer):
    life_area = serializers.ChoiceField(choices=LifeArea.choices)
    wording = serializers.CharField(max_length=2000)
    status = serializers.ChoiceField(choices=PlanGoal.Status.choices)
    target_date = serializers.DateField()


class MeasureInput(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    service = serializers.ChoiceField(choices=PartnerService.choices)
    responsible_person = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=PlanMeasure.Status.choices)


class GoalEditInput(GoalInput):
    version = serializers.IntegerField(min_value=1, help_text="The version read; another's later change answers 409.")


class MeasureEditInput(MeasureInput):
    version = serializers.IntegerField(min_value=1, help_text="The version read; another's later change answers 409.")


class EditConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT


def _saved(save):
    """Run a versioned save; someone else's later change is a 409 saying so (the caller reads again and retries)."""
    try:
        return save()
    except services.EditConflict as exc:
        raise EditConflictError(" ".join(exc.messages)) from None


CONFLICT = {409: OpenApiResponse(description="Changed by someone else since the version sent: read it again.")}


class EvaluationInput(serializers.Serializer):
    summary = serializers.CharField(max_length=5000)
    changes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    next_due_on = serializers.DateField(help_text="After today.")


@requires_permission(PLAN_READERS)
class PlanGoalsApi(APIView):
    @extend_schema(
        operation_id="plan_goal_add",
        summary="Add a goal to the plan (its coordinator)",
        request=GoalInput,
        responses={201: GoalSerializer},
    )
    def post(self, request, pk):
        plan = _editable(request.user, selectors.plan_get_for_user(user=request.user, pk=object_pk(pk)))
        form = GoalForm(_versioned(request.data, GoalInput))
        form_cleaned(form)
        goal = services.goal_add(actor=request.user, plan=plan, **form.service_fields())
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)


@requires_permission(PLAN_READERS)
class GoalMeasuresApi(APIView):
    @extend_schema(
        operation_id="plan_measure_add",
        summary="Add a measure to a goal (its plan's coordinator); the service must be one the consent covers",
        request=MeasureInput,
        responses={201: MeasureSerializer},
    )
    def post(self, request, pk):
        goal = selectors.goal_for_user(user=request.user, pk=object_pk(pk))
        _editable(request.user, goal.plan)
        form = MeasureForm(_versioned(request.data, MeasureInput))
        form_cleaned(form)
        measure = services.measure_add(actor=request.user, goal=goal, **form.service_fields())
        return Response(MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)


@requires_permission(PLAN_READERS)
class PlanEvaluationsApi(APIView):
    @extend_schema(
        operation_id="plan_evaluation_record",
        summary="Record an evaluation of the plan and when the next is due (its coordinator)",
        request=EvaluationInput,
        responses={201: EvaluationSerializer},
    )
    def post(self, request, pk):
        plan = _editable(request.user, selectors.plan_get_for_user(user=request.user, pk=object_pk(pk)))
        fields = form_cleaned(EvaluationForm(form_data(request.data, EvaluationInput)))
        evaluation = services.evaluation_record(actor=request.user, plan=plan, **fields)
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


@requires_permission(PLAN_READERS)
class GoalApi(APIView):
    @extend_schema(
        operation_id="plan_goal_edit",
        summary="Change a goal (its plan's coordinator), sending the version read",
        request=GoalEditInput,
        responses={200: GoalSerializer, **CONFLICT},
    )
    def post(self, request, pk):
        goal = selectors.goal_for_user(user=request.user, pk=object_pk(pk))
        _editable(request.user, goal.plan)
        form = GoalForm(form_data(request.data, GoalEditInput))
        version = form_cleaned(form)["version"]
        goal = _saved(
            lambda: services.goal_update(actor=request.user, goal=goal, version=version, **form.service_fields())
        )
        return Response(GoalSerializer(goal).data)


@requires_permission(PLAN_READERS)
class MeasureApi(APIView):
    @extend_schema(
        operation_id="plan_measure_edit",
        summary="Change a measure (its plan's coordinator), sending the version read",
        request=MeasureEditInput,
        responses={200: MeasureSerializer, **CONFLICT},
    )
    def post(self, request, pk):
        measure = selectors.measure_for_user(user=request.user, pk=object_pk(pk))
        _editable(request.user, measure.plan)
        form = MeasureForm(form_data(request.data, MeasureEditInput))
        version = form_cleaned(form)["version"]
        measure = _saved(
            lambda: services.measure_update(
                actor=request.user, measure=measure, version=version, **form.service_fields()
            )
        )
        return Response(MeasureSerializer(measure).data)
