"""Steering reports in the API: their metadata and the PDF, for the steering group (published ones) and SLT
coordinators (all). Counts only, as on the pages; a download is an export in the trail, naming the token."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorprogram import roles
from mentorprogram.access import requires_role
from mentorprogram.api import object_pk
from steeringgroup import selectors
from steeringgroup.models import SteeringReport

_readers = requires_role(roles.STEERING_GROUP, roles.SLT_COORDINATOR)


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    municipality = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    status = serializers.ChoiceField(choices=SteeringReport.Status.choices)
    built_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    pdf_url = serializers.SerializerMethodField()

    def get_pdf_url(self, report) -> str | None:
        return f"/api/v1/reports/{report.pk}/pdf/" if report.built_at else None


class ReportList(serializers.Serializer):
    results = ReportSerializer(many=True)


@_readers
class ReportListApi(APIView):
    @extend_schema(operation_id="reports_list", responses=ReportList)
    def get(self, request):
        return Response({"results": ReportSerializer(selectors.report_list(user=request.user), many=True).data})


@_readers
class ReportDetailApi(APIView):
    @extend_schema(operation_id="report_read", responses=ReportSerializer)
    def get(self, request, pk):
        return Response(ReportSerializer(selectors.report_get(user=request.user, pk=object_pk(pk))).data)


@_readers
class ReportPdfApi(APIView):
    @extend_schema(
        operation_id="report_pdf",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The report (PDF/UA).")},
    )
    def get(self, request, pk):
        report = selectors.report_download(user=request.user, pk=object_pk(pk))
        response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="styringsrapport-{report.period_start:%Y-%m}-{report.period_end:%Y-%m}.pdf"'
        )
        return response
