"""An import's API from its spec, mixed into an area's viewset:

    POST <list>/import/          multipart `file`, `dry_run` → 202 with the job;
                                 400 when the file's type or header is wrong (checked at once)
    GET  <list>/import/{job}/    the job's progress and, once finished, its counts or errors
    GET  <list>/export/          ?format=csv|xlsx: the records in the caller's scope, in the
                                 import's columns

The viewset sets `import_spec` (the spec's dotted path) and defines `export_table(viewer,
fmt)` → (bytes, content type, file name). The gate is the spec's action; a job of another kind, or
one the caller may not see, answers 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tatara.core.models import Job
from tatara.core.tabular.files import FORMATS, ImportRejected, check_size, read_table


class ImportJobSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="queued, running, succeeded or failed.")
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    message = serializers.CharField()
    summary = serializers.CharField(help_text="Once succeeded: what changed, in words.")
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Once succeeded: created, updated, unchanged (and removed).",
    )
    errors = serializers.ListField(  # type: ignore[assignment]
        child=serializers.DictField(),
        required=False,
        help_text="Once refused: every problem with its file, sheet, row and column.",
    )
    page = serializers.CharField(help_text="The job's page.")
    result = serializers.CharField(
        allow_null=True, help_text="Once succeeded: the CSV of what each row did (GET)."
    )


def job_data(job: Job) -> dict[str, Any]:
    """An import job as the API shows it (ImportJobSerializer)."""
    from tatara.core.jobs import read_progress

    progress = read_progress(job)
    result = job.result or {}
    return {
        "id": job.pk,
        "status": job.status,
        "done": progress.done,
        "total": progress.total,
        "message": progress.message,
        "summary": result.get("summary", ""),
        "counts": result.get("counts", {}),
        "errors": result.get("error_details")
        or [{"message": text} for text in result.get("errors", [])],
        "page": reverse("job", args=[job.pk]),
        "result": reverse("job-result", args=[job.pk]) if job.result_file else None,
    }


class ImportFileSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="CSV (UTF-8 or Shift_JIS) or .xlsx with a header row, in the export's columns."
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Check and count only; change nothing."
    )


FORMAT = OpenApiParameter("format", OpenApiTypes.STR, enum=list(FORMATS), default="csv")


def check_upload(spec_path: str, upload: Any) -> None:
    """The upload's size, type and header checked at once (ImportRejected), then rewound."""
    from tatara.core.tabular.jobs import load_spec

    spec = load_spec(spec_path)
    check_size(getattr(upload, "name", "upload"), getattr(upload, "size", None))
    read_table(
        upload,
        name=getattr(upload, "name", None),
        required=spec.required,
        optional=spec.optional,
        sheet=spec.sheet,
    )
    upload.seek(0)


def download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class TableFilesMixin:
    """import/, import/{job}/ and export/ on a viewset, from an import spec."""

    import_spec = ""

    def export_table(self, viewer: Any, fmt: str) -> tuple[bytes, str, str]:
        """(bytes, content type, file name) of the records in the viewer's scope."""
        raise NotImplementedError

    def _spec(self) -> Any:
        from tatara.core.tabular.jobs import load_spec

        return load_spec(self.import_spec)

    @extend_schema(
        request={"multipart/form-data": ImportFileSerializer},
        responses={202: ImportJobSerializer},
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
        from tatara.core.api import service_errors
        from tatara.core.permissions import can
        from tatara.core.tabular.jobs import start_import_job

        spec = self._spec()
        if not can(request.user, spec.action):
            raise service_errors(DjangoPermissionDenied(f"not allowed: {spec.action}"))
        body = ImportFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        try:
            check_upload(self.import_spec, upload)
        except ImportRejected as exc:
            raise serializers.ValidationError({"file": [str(e) for e in exc.errors]}) from exc
        job = start_import_job(
            self.import_spec,
            actor=request.user,
            upload=upload,
            dry_run=body.validated_data["dry_run"],
        )
        return Response(job_data(job), status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: ImportJobSerializer})
    @action(detail=False, methods=["get"], url_path=r"import/(?P<job_id>[0-9]{1,18})")
    def import_status(self, request: Request, job_id: str) -> Response:
        """An import job's progress and, once finished, its counts or its errors."""
        from tatara.core.jobs import visible_job

        job = visible_job(viewer=request.user, pk=int(job_id))
        if job is None or job.kind != self._spec().name:
            raise Http404
        return Response(job_data(job))

    @extend_schema(
        parameters=[FORMAT],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export_file(self, request: Request) -> HttpResponse:
        """The records in your scope as CSV or XLSX, in the import's columns."""
        from tatara.core.api import service_errors

        fmt = request.query_params.get("format", "csv")
        if fmt not in FORMATS:
            raise serializers.ValidationError({"format": f"one of {', '.join(FORMATS)}"})
        try:
            data, content_type, filename = self.export_table(request.user, fmt)
        except DjangoPermissionDenied as exc:
            raise service_errors(exc) from exc
        return download(data, content_type, filename)
