"""Mentor sessions and concern signals in the API: the session form's checks, the session services (log, correct,
addendum, void, acknowledge) and the same rights as the pages. The mentor who holds a case logs on it; its
coordinator reads and acknowledges; a case the caller may not read answers 404 as a missing one does."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

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
from mentorsessions import selectors, services
from mentorsessions.forms import AcknowledgeForm, AddendumForm, SessionCreateForm, SessionForm, VoidForm
from mentorsessions.models import ConcernSignal, MentorSession


class ConcernSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case = serializers.IntegerField(source="case_id")
    session = serializers.IntegerField(source="session_id")
    level = serializers.ChoiceField(choices=ConcernSignal.Level.choices)
    description = serializers.CharField()
    raised_at = serializers.DateTimeField()
    escalated_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledgement = serializers.CharField()


class AddendumSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()
    written_by = serializers.IntegerField(source="written_by_id")
    written_at = serializers.DateTimeField()


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case = serializers.IntegerField(source="case_id")
    mentor = serializers.IntegerField(source="mentor_id")
    mentor_name = NameField(source="mentor")
    held_on = serializers.DateField()
    duration_minutes = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=MentorSession.Mode.choices)
    topics = serializers.ListField(child=serializers.ChoiceField(choices=MentorSession.Topic.choices))
    notes = serializers.CharField()
    progress = serializers.ChoiceField(choices=MentorSession.Progress.choices)
    next_step = serializers.CharField()
    next_meeting_on = serializers.DateField(allow_null=True)
    recorded_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    voided_at = serializers.DateTimeField(allow_null=True)
    void_reason = serializers.CharField()
    concern = serializers.SerializerMethodField()

    @extend_schema_field(ConcernSerializer(allow_null=True))
    def get_concern(self, session):
        concern = selectors.session_concern(session)
        return ConcernSerializer(concern).data if concern is not None else None


class SessionDetailSerializer(SessionSerializer):
    addenda = AddendumSerializer(many=True, source="addenda_in_order")


class SessionInput(serializers.Serializer):
    """The session form's fields; the form and the service check them, with the pages' messages."""

    held_on = serializers.DateField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=1440)
    mode = serializers.ChoiceField(choices=MentorSession.Mode.choices)
    topics = serializers.ListField(child=serializers.ChoiceField(choices=MentorSession.Topic.choices), required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    progress = serializers.ChoiceField(choices=MentorSession.Progress.choices)
    next_step = serializers.CharField(required=False, allow_blank=True, max_length=500)
    next_meeting_on = serializers.DateField(required=False, allow_null=True)
    concern_level = serializers.ChoiceField(
        choices=ConcernSignal.Level.choices, required=False, help_text="Leave out for no concern."
    )
    concern_description = serializers.CharField(required=False, allow_blank=True)


class SessionCreateInput(SessionInput):
    submission_key = serializers.UUIDField(help_text="Any new UUID; sending the same one again returns the first.")


class TextInput(serializers.Serializer):
    text = serializers.CharField()


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class NoteInput(serializers.Serializer):
    note = serializers.CharField()


SessionPage = page_serializer("SessionPage", SessionSerializer)


def _detail(session) -> dict:
    session.addenda_in_order = selectors.session_addenda(session=session)
    return SessionDetailSerializer(session).data


@requires_permission("cases.list_assigned_cases")
class CaseSessionsApi(APIView):
    @extend_schema(
        operation_id="case_sessions_list",
        summary="A case's sessions, newest first (its mentor and its coordinator)",
        parameters=[PAGE_PARAMETER],
        responses=SessionPage,
    )
    def get(self, request, pk):
        page = page_param(request)
        case = selectors.case_get_for_sessions(user=request.user, pk=object_pk(pk))
        rows, has_next = selectors.session_page_for_case(case=case, page=page)
        return page_answer(SessionSerializer(rows, many=True).data, page=page, has_next=has_next)

    @extend_schema(
        operation_id="case_session_log",
        summary="Log a session on a case one holds as its mentor; a concern reaches the coordinator at once",
        request=SessionCreateInput,
        responses={201: SessionDetailSerializer},
    )
    def post(self, request, pk):
        case = selectors.case_get_for_logging(user=request.user, pk=object_pk(pk))
        form = SessionCreateForm(form_data(request.data, SessionCreateInput))
        fields = form_cleaned(form)
        session = services.mentor_session_log(
            actor=request.user,
            case=case,
            submission_key=fields["submission_key"],
            request=request,
            **form.service_fields(),
        )
        return Response(_detail(session), status=status.HTTP_201_CREATED)


@requires_permission("cases.list_assigned_cases")
class SessionDetailApi(APIView):
    @extend_schema(operation_id="session_read", responses=SessionDetailSerializer)
    def get(self, request, pk):
        return Response(_detail(selectors.session_get_for_user(user=request.user, pk=object_pk(pk))))


@requires_permission("mentorsessions.log_sessions")
class SessionCorrectionApi(APIView):
    @extend_schema(
        operation_id="session_correct",
        summary="Correct one's own session within 24 hours (after that: an addendum)",
        request=SessionInput,
        responses=SessionDetailSerializer,
    )
    def post(self, request, pk):
        session = selectors.session_get_for_user(user=request.user, pk=object_pk(pk))
        with_concern = not ConcernSignal.objects.filter(session=session).exists()
        form = SessionForm(form_data(request.data, SessionInput), with_concern=with_concern)
        form_cleaned(form)
        services.mentor_session_update(actor=request.user, session=session, request=request, **form.service_fields())
        return Response(_detail(selectors.session_get_for_user(user=request.user, pk=session.pk)))


@requires_permission("mentorsessions.log_sessions")
class SessionAddendumApi(APIView):
    @extend_schema(
        operation_id="session_addendum_add",
        summary="Add an addendum to a session of a case one holds as its mentor",
        request=TextInput,
        responses={201: AddendumSerializer},
    )
    def post(self, request, pk):
        session = selectors.session_get_for_user(user=request.user, pk=object_pk(pk))
        text = form_cleaned(AddendumForm(form_data(request.data, TextInput)))["text"]
        addendum = services.session_addendum_add(actor=request.user, session=session, text=text, request=request)
        return Response(AddendumSerializer(addendum).data, status=status.HTTP_201_CREATED)


@requires_permission("mentorsessions.log_sessions")
class SessionVoidApi(APIView):
    @extend_schema(
        operation_id="session_void",
        summary="Void one's own session (it stays, marked voided, with the reason)",
        request=ReasonInput,
        responses=SessionDetailSerializer,
    )
    def post(self, request, pk):
        session = selectors.session_get_for_user(user=request.user, pk=object_pk(pk))
        reason = form_cleaned(VoidForm(form_data(request.data, ReasonInput)))["reason"]
        services.mentor_session_void(actor=request.user, session=session, reason=reason, request=request)
        return Response(_detail(selectors.session_get_for_user(user=request.user, pk=session.pk)))


@requires_permission("mentorsessions.follow_sessions")
class ConcernSignalListApi(APIView):
    @extend_schema(
        operation_id="concern_signals_open",
        summary="Open concern signals on the cases the caller coordinates, most serious first",
        responses=ConcernSerializer(many=True),
    )
    def get(self, request):
        return Response(ConcernSerializer(selectors.concern_signals_open(user=request.user), many=True).data)


@requires_permission("mentorsessions.follow_sessions")
class ConcernAcknowledgeApi(APIView):
    @extend_schema(
        operation_id="concern_signal_acknowledge",
        summary="Acknowledge a concern signal with what is done (the case's coordinator); the mentor is told",
        request=NoteInput,
        responses=ConcernSerializer,
    )
    def post(self, request, pk):
        signal = selectors.concern_get_for_user(user=request.user, pk=object_pk(pk))
        selectors.session_get_for_user(user=request.user, pk=signal.session_id)  # the answer shows it: a read
        note = form_cleaned(AcknowledgeForm(form_data(request.data, NoteInput)))["note"]
        signal = services.concern_signal_acknowledge(actor=request.user, signal=signal, note=note, request=request)
        return Response(ConcernSerializer(signal).data)
