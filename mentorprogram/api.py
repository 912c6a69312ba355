"""The REST API under /api/v1/: the same access rules, selectors and services as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorprogram.access import requires_role
from mentorprogram.accounts.services import second_factor_enrolled
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
