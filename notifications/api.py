"""Notifications in the API: one's own, as the notification centre shows them, and marking them read."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorprogram.access import requires_role
from mentorprogram.api import PAGE_PARAMETER, page_answer, page_param, page_serializer, refuse_unknown
from notifications.models import Notification
from notifications.selectors import notification_page_for_user
from notifications.services import notification_mark_read
from notifications.texts import notification_text

PAGE_SIZE = 50


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    text = serializers.SerializerMethodField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    def get_text(self, notification) -> str:
        return notification_text(notification)


NotificationPage = page_serializer("NotificationPage", NotificationSerializer)


class MarkReadInput(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=500,
        help_text="The notifications to mark read; all unread ones when left out.",
    )


class MarkReadOutput(serializers.Serializer):
    marked = serializers.IntegerField()


@requires_role()
class NotificationListApi(APIView):
    @extend_schema(operation_id="notifications_list", parameters=[PAGE_PARAMETER], responses=NotificationPage)
    def get(self, request):
        page = page_param(request)
        rows, has_next = notification_page_for_user(user=request.user, page=page, per_page=PAGE_SIZE)
        return page_answer(NotificationSerializer(rows, many=True).data, page=page, has_next=has_next)


@requires_role()
class NotificationReadApi(APIView):
    @extend_schema(operation_id="notifications_mark_read", request=MarkReadInput, responses=MarkReadOutput)
    def post(self, request):
        refuse_unknown(request.data, MarkReadInput)
        data = MarkReadInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data.get("ids")
        return Response({"marked": notification_mark_read(user=request.user, ids=ids)})
