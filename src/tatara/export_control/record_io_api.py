"""Items and parties in and out of files through the API (mixed into the item and party
viewsets of api.py):

    POST items/import/, parties/import/   multipart `file`, optional `unit` (code), `dry_run`
                                          → 202 with the job; 400 with the file's header errors
    GET  items/import/{job}/, parties/import/{job}/   the job's progress, counts or errors
    GET  items/export/, parties/export/   ?format=csv|xlsx: the records in the caller's scope

Imports need "export_control.change" (the rows' units are checked by the job, every error
with its row and column), exports "export_control.view". See record_import.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tatara.core import tabular
from tatara.core.api import service_errors
from tatara.core.jobs import visible_job
from tatara.core.permissions import can
from tatara.core.tabular import ImportRejected
from tatara.core.tabular.api import FORMAT, download, job_data
from tatara.core.tabular.api import ImportJobSerializer as RecordImportJobSerializer
from tatara.export_control import record_export, record_import
from tatara.organisation.models import OrgUnit

CHANGE = "export_control.change"
VIEW = "export_control.view"


class RecordImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="CSV (UTF-8) or .xlsx with a header row, in the export's columns."
    )
    unit = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Code of the unit of rows whose org_unit is empty (within your scope).",
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Check and count only; change nothing."
    )


class RecordFilesMixin:
    """import/, import/{job}/ and export/ on a viewset of items (`records = "items"`) or
    parties."""

    records = ""

    @extend_schema(
        request={"multipart/form-data": RecordImportSerializer},
        responses={202: RecordImportJobSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request: Request) -> Response:
        """Upload a file to import (multipart): its type and columns are checked at once
        (400), its rows by a background job (202). Poll import/{id}/ for the outcome."""
        if not can(request.user, CHANGE):
            raise service_errors(DjangoPermissionDenied(f"not allowed: {CHANGE}"))
        body = RecordImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        unit = None
        if body.validated_data.get("unit"):
            code = body.validated_data["unit"]
            unit = OrgUnit.objects.visible_to(request.user, CHANGE).filter(code=code).first()
            if unit is None:
                raise serializers.ValidationError(
                    {"unit": [f"unknown unit {code!r}, or outside your scope ({CHANGE})"]}
                )
        upload = body.validated_data["file"]
        try:
            record_import.check_header(self.records, upload)
        except ImportRejected as exc:
            raise serializers.ValidationError({"file": [str(e) for e in exc.errors]}) from exc
        try:
            job = record_import.start_record_import(
                actor=request.user,
                what=self.records,
                upload=upload,
                unit=unit,
                dry_run=body.validated_data["dry_run"],
            )
        except DjangoPermissionDenied as exc:
            raise service_errors(exc) from exc
        return Response(job_data(job), status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: RecordImportJobSerializer})
    @action(detail=False, methods=["get"], url_path=r"import/(?P<job_id>[0-9]+)")
    def import_status(self, request: Request, job_id: str) -> Response:
        """An import job's progress and, once finished, its counts or its errors."""
        job = visible_job(viewer=request.user, pk=int(job_id))
        if job is None or job.kind != record_import.JOB_KINDS[self.records]:
            raise Http404
        return Response(job_data(job))

    @extend_schema(
        parameters=[FORMAT],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export_file(self, request: Request) -> HttpResponse:
        """The records in your scope as CSV or XLSX, in the import's columns."""
        fmt = request.query_params.get("format", "csv")
        if fmt not in tabular.FORMATS:
            raise serializers.ValidationError({"format": f"one of {', '.join(tabular.FORMATS)}"})
        if not can(request.user, VIEW):
            raise service_errors(DjangoPermissionDenied(f"not allowed: {VIEW}"))
        data, content_type, filename = record_export.export_records(
            self.records, viewer=request.user, fmt=fmt
        )
        return download(data, content_type, filename)
