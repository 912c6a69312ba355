"""Referrals in the API (``/api/v1/referrals/``): the intake form, the service, the selectors and the rights of the
pages, nothing of their own. A referrer sees the status of what they sent; an SLT coordinator sees the queue.

An id the caller may not see answers 404, exactly as an id that does not exist.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.forms import DecisionForm, ParticipantResolveForm, ReferralForm
from cases.models import Case, Referral
from mentorprogram.access import requires_permission
from mentorprogram.api import (
    PAGE_PARAMETER,
    choice_params,
    form_cleaned,
    form_data,
    object_pk,
    page_answer,
    page_param,
    page_serializer,
)
from mentorprogram.paging import page_of


class ReferralStatusSerializer(serializers.Serializer):
    """What the one who sent a referral learns of it: its status, nothing of a case."""

    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField(help_text="The sender's reference, as on the receipt: «BM-2026-000123».")
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    received_on = serializers.DateField()
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class _ReferralAboutSerializer(ReferralStatusSerializer):
    """The status, and whom the referral is about and how urgent (the two below, for SLT coordinators)."""

    urgency = serializers.ChoiceField(choices=Referral.Urgency.choices, required=False)
    source = serializers.ChoiceField(choices=Referral.Source.choices, required=False)
    first_name = serializers.CharField(required=False)
    last_name = serializers.CharField(required=False)
    date_of_birth = serializers.DateField(required=False)


class ReferralQueueSerializer(_ReferralAboutSerializer):
    """A row of the triage queue, as the page shows it. The fields past the status are there for SLT coordinators
    only: the one who sent it gets the status fields alone."""

    source_organisation = serializers.CharField(required=False)
    days_waiting = serializers.IntegerField(required=False)
    overdue = serializers.BooleanField(required=False, help_text="Waited longer than the triage deadline.")


class ReferralTriageSerializer(_ReferralAboutSerializer):
    """What an SLT coordinator reads to triage one referral (the sender gets the status fields alone)."""

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


ReferralPage = page_serializer("ReferralPage", ReferralQueueSerializer)

# The triage queue's filters and orders, as on its page; an SLT coordinator's list only.
QUEUE_FILTERS = {
    "status": ["open", "all", *Referral.Status.values],
    "urgency": Referral.Urgency.values,
    "source": Referral.Source.values,
    "sort": list(selectors.QUEUE_SORTS),
}


@requires_permission("cases.submit_referral")
class ReferralListApi(APIView):
    @extend_schema(
        operation_id="referrals_list",
        summary="Referrals: the triage queue (SLT coordinators; open ones, most urgent first) or one's own (referrers)",
        parameters=[
            PAGE_PARAMETER,
            *(
                OpenApiParameter(name, str, enum=allowed, required=False, description="SLT coordinators' queue only.")
                for name, allowed in QUEUE_FILTERS.items()
            ),
        ],
        responses=ReferralPage,
    )
    def get(self, request):
        page = page_param(request)
        filters = {**selectors.QUEUE_FILTER_DEFAULTS, **choice_params(request.query_params, QUEUE_FILTERS)}
        if request.user.has_perm("cases.triage_referral"):
            rows, has_next = selectors.referral_queue_page(user=request.user, page=page, **filters)
            return page_answer(ReferralQueueSerializer(rows, many=True).data, page=page, has_next=has_next)
        own = selectors.referral_list_for_referrer(user=request.user)
        rows, has_next = page_of(own, page=page, per_page=selectors.QUEUE_PAGE_SIZE)
        return page_answer(ReferralStatusSerializer(rows, many=True).data, page=page, has_next=has_next)

    @extend_schema(
        operation_id="referrals_create",
        summary="Send a referral",
        request=ReferralInputSerializer,
        responses={201: ReferralStatusSerializer},
    )
    def post(self, request):
        data = form_data(request.data, ReferralInputSerializer, joined=("languages",))
        data.setdefault("gender", "unknown")  # as the form's own default
        fields = dict(form_cleaned(ReferralForm(data)))
        referral = services.referral_submit(actor=request.user, submission_key=fields.pop("submission_key"), **fields)
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


class ParticipantMatchSerializer(serializers.Serializer):
    """A known participant the referral may be about, and what matched."""

    participant = serializers.IntegerField(source="participant.pk")
    first_name = serializers.CharField(source="participant.first_name")
    last_name = serializers.CharField(source="participant.last_name")
    date_of_birth = serializers.DateField(source="participant.date_of_birth")
    matched = serializers.ListField(child=serializers.CharField())


class ParticipantChoiceInput(serializers.Serializer):
    participant = serializers.CharField(help_text="The id of a participant from the matches, or «new».")


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[c for c in Referral.Status.choices if c[0] not in Referral.OPEN_STATUSES]
    )
    track = serializers.ChoiceField(
        choices=Case.Track.choices, required=False, help_text="For accepted: a new case's track."
    )
    forwarded_to = serializers.CharField(required=False, allow_blank=True, max_length=200)
    duplicate_of = serializers.IntegerField(
        required=False, help_text="For duplicate: another referral on the participant."
    )
    reason = serializers.CharField(required=False, allow_blank=True)


class DecisionSerializer(ReferralTriageSerializer):
    case = serializers.IntegerField(source="case_id", allow_null=True)


_triage = requires_permission("cases.triage_referral")


@_triage
class ReferralMatchesApi(APIView):
    @extend_schema(
        operation_id="referral_participant_matches",
        summary="Known participants the referral may be about (the duplicate search), before its participant is settled",
        responses=ParticipantMatchSerializer(many=True),
    )
    def get(self, request, pk):
        referral = selectors.referral_get_for_triage(user=request.user, pk=object_pk(pk))
        matches = selectors.referral_participant_matches(referral=referral) if referral.participant_id is None else []
        return Response(ParticipantMatchSerializer(matches, many=True).data)


@_triage
class ReferralParticipantApi(APIView):
    @extend_schema(
        operation_id="referral_participant_settle",
        summary="Settle whom the referral is about: one of its matches, or a new participant from its details",
        request=ParticipantChoiceInput,
        responses=ReferralTriageSerializer,
    )
    def post(self, request, pk):
        referral = selectors.referral_get_for_triage(user=request.user, pk=object_pk(pk))
        choice = form_cleaned(ParticipantResolveForm(form_data(request.data, ParticipantChoiceInput)))["participant"]
        participant = None
        if choice != "new":
            participant = selectors.referral_participant_offered(referral=referral, participant_pk=choice)
            if participant is None:
                raise exceptions.ValidationError({"participant": [_("Choose one of the participants suggested.")]})
        services.referral_participant_resolve(actor=request.user, referral=referral, participant=participant)
        referral.refresh_from_db()
        return Response(ReferralTriageSerializer(referral).data)


@_triage
class ReferralDecisionApi(APIView):
    @extend_schema(
        operation_id="referral_decide",
        summary="Decide a referral: accept (opens or joins a case), forward, no action, or duplicate",
        request=DecisionInput,
        responses=DecisionSerializer,
    )
    def post(self, request, pk):
        referral = selectors.referral_get_for_triage(user=request.user, pk=object_pk(pk))
        form = DecisionForm(
            form_data(request.data, DecisionInput), others=selectors.referral_other_open(referral=referral)
        )
        referral = services.referral_decide(
            actor=request.user, referral=referral, request=request, **form_cleaned(form)
        )
        return Response(DecisionSerializer(referral).data)
