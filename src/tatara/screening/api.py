"""REST API of restricted-party screening: screen one name (for an ERP before it confirms an
order), the lists and their versions with the diff counts, batch screening of an uploaded
file as a background job, and the remembered clearings of namesakes (`clearings/`, in the
viewer's scope). Everything needs `screening.view` (lists are group-wide reference data);
without it every endpoint answers 403."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.viewsets import GenericViewSet

from tatara.core.api import ScopedViewSet, service_errors
from tatara.core.jobs import read_progress, visible_job
from tatara.core.models import Job
from tatara.core.permissions import can
from tatara.core.tabular import ImportRejected
from tatara.organisation.models import OrgUnit
from tatara.screening import batch, name_screening, namesakes
from tatara.screening.choices import EntryKind
from tatara.screening.models import ClearedMatch, ListVersion, ScreeningList

VIEW = "screening.view"


class CanViewScreening(permissions.BasePermission):
    """Deny by default: `screening.view` somewhere (lists are group-wide)."""

    message = "not allowed: screening.view"

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and can(request.user, VIEW))


PERMISSIONS = [permissions.IsAuthenticated, CanViewScreening]


# --- serializers ------------------------------------------------------------------------------


class ScreenRequestSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=500, help_text="The party's name, in any script.")
    country = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Country or nationality: ISO code (IR) or name. Raises or lowers scores.",
    )
    date_of_birth = serializers.RegexField(
        r"^\d{4}(-\d{2}(-\d{2})?)?$",
        required=False,
        allow_blank=True,
        help_text="YYYY-MM-DD, YYYY-MM or YYYY (persons).",
    )
    kind = serializers.ChoiceField(
        choices=[k for k in EntryKind.values if k != EntryKind.UNKNOWN],
        required=False,
        allow_blank=True,
        help_text="person or entity (a kind that differs from the entry's lowers the score).",
    )
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10)


class HitSerializer(serializers.Serializer[Any]):
    score = serializers.FloatField(help_text="0–1, with the evidence (country, birth date, kind).")
    name_score = serializers.FloatField(help_text="0–1, the name alone.")
    level = serializers.ChoiceField(
        choices=["strong", "alert", "weak"],
        help_text="strong ≥ 0.92, alert ≥ 0.84, weak (shown only) ≥ 0.70.",
    )
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="The list: ofac-sdn, un, eu, ..."
    )
    list_name = serializers.CharField()
    list_entry_id = serializers.CharField(
        help_text="The list's own id: OFAC ent_num, UN reference number, EU logicalId."
    )
    entry_pk = serializers.IntegerField(allow_null=True)
    matched_name = serializers.CharField(help_text="The primary name or alias that matched.")
    kind = serializers.CharField()
    programmes = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField())


class ScreeningResultSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    country = serializers.CharField(allow_null=True)
    birth_date = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    outcome = serializers.ChoiceField(
        choices=list(name_screening.OUTCOMES),
        help_text="clear: no hit at the alert threshold; strong: the best hit ≥ 0.92 (clearing "
        "it needs a second approver); review: anything between.",
    )
    list_versions = serializers.ListField(
        child=serializers.IntegerField(), help_text="The active list versions screened against."
    )
    hits = HitSerializer(many=True)


class VersionSerializer(serializers.ModelSerializer[ListVersion]):
    source = serializers.CharField(  # type: ignore[assignment]
        source="screening_list.source", read_only=True
    )

    class Meta:
        model = ListVersion
        fields = [
            "id",
            "source",
            "status",
            "published",
            "loaded_at",
            "loaded_by_label",
            "file_name",
            "sha256",
            "entry_count",
            "name_count",
            "added_count",
            "removed_count",
            "changed_count",
            "previous",
        ]


class DiffSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    previous = serializers.IntegerField(allow_null=True)
    added = serializers.ListField(child=serializers.CharField(), help_text="Entry ids.")
    removed = serializers.ListField(child=serializers.CharField())
    changed = serializers.ListField(child=serializers.CharField())


class ListSerializer(serializers.ModelSerializer[ScreeningList]):
    active_version = VersionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ScreeningList
        fields = ["source", "name", "active_version"]


class BatchUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="CSV (UTF-8) or .xlsx with a header row: name, and optionally country, "
        "date_of_birth, kind."
    )
    org_unit = serializers.CharField(
        max_length=60,
        required=False,
        help_text="Code of the unit whose names these are (its scope sees the result and "
        "reviews the alerts); default: the first unit of the caller's scope.",
    )


class BatchJobSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="queued, running, succeeded or failed.")
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    message = serializers.CharField()
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Once succeeded: rows, strong, review, clear, hits.",
    )
    errors = serializers.ListField(  # type: ignore[assignment]
        child=serializers.CharField(), required=False
    )
    page = serializers.CharField(help_text="The job's page.")
    result = serializers.CharField(
        allow_null=True, help_text="Once succeeded: the Excel file of hits (GET)."
    )


# --- viewsets ---------------------------------------------------------------------------------


class ScreenViewSet(GenericViewSet):
    """Screen one name against every active list."""

    permission_classes = PERMISSIONS
    serializer_class = ScreenRequestSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:  # for the schema only
        return ScreeningList.objects.none()

    @extend_schema(request=ScreenRequestSerializer, responses={200: ScreeningResultSerializer})
    def create(self, request: Request) -> Response:
        """Screen a name (with optional country, date of birth and kind) against every active
        list: the outcome (clear / review / strong) and the ranked hits with score, matched
        name or alias, list, entry id, programmes and the reasons for the score."""
        form = ScreenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        result = name_screening.screen_name(
            data["name"],
            country=data.get("country") or None,
            birth_date=data.get("date_of_birth") or None,
            kind=data.get("kind") or None,
            limit=data["limit"],
        )
        return Response(result.to_json())


@extend_schema_view(
    list=extend_schema(description="The lists (one per source) with their active version."),
    retrieve=extend_schema(description="One list, by source (ofac-sdn, un, ...)."),
)
class ListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = PERMISSIONS
    base_queryset = ScreeningList.objects.select_related(
        "active_version", "active_version__screening_list"
    ).order_by("source")
    view_action = VIEW
    serializer_class = ListSerializer
    lookup_field = "source"
    lookup_value_regex = r"[-a-z]+"
    pagination_class = None
    filter_backends: list[Any] = []


@extend_schema_view(
    list=extend_schema(
        description="Every loaded version, newest first, with counts and the diff counts "
        "against the version it replaced.",
        parameters=[
            OpenApiParameter("source", str, description="Only this list's versions."),
            OpenApiParameter("status", str, enum=["active", "superseded"]),
        ],
    ),
    retrieve=extend_schema(description="One version."),
)
class VersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = PERMISSIONS
    base_queryset = ListVersion.objects.select_related("screening_list").order_by(
        "-loaded_at", "-pk"
    )
    view_action = VIEW
    serializer_class = VersionSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        rows = super().get_queryset()
        source = self.request.query_params.get("source")
        if source:
            rows = rows.filter(screening_list__source=source)
        wanted = self.request.query_params.get("status")
        if wanted:
            rows = rows.filter(status=wanted)
        return rows

    @extend_schema(responses={200: DiffSerializer})
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str | None = None) -> Response:
        """The list's own entry ids added, removed and changed against the previous version."""
        version = self.get_object()
        changes = version.changes
        return Response(
            {
                "version": version.pk,
                "previous": version.previous_id,
                "added": list(changes.added),
                "removed": list(changes.removed),
                "changed": list(changes.changed),
            }
        )


class ClearingSerializer(serializers.ModelSerializer[ClearedMatch]):
    company = serializers.CharField(source="company.code", read_only=True)
    org_unit = serializers.CharField(source="org_unit.code", read_only=True)
    party = serializers.IntegerField(source="party_id", read_only=True, allow_null=True)
    decided_in = serializers.SerializerMethodField(help_text="batch or transaction.")
    decision_url = serializers.SerializerMethodField(help_text="The decision's page.")
    in_force = serializers.BooleanField(
        read_only=True, help_text="False once reversed (a confirmed match, a block)."
    )

    class Meta:
        model = ClearedMatch
        fields = [
            "id",
            "company",
            "org_unit",
            "subject_kind",
            "party",
            "subject_name",
            "subject_details",
            "source",
            "list_entry_id",
            "entry_identity",
            "matched_name",
            "score",
            "decided_in",
            "decision_label",
            "decision_url",
            "reason",
            "decided_by_label",
            "decided_at",
            "approved_by_label",
            "in_force",
            "revoked_at",
            "revoked_by_label",
            "revoked_reason",
        ]
        read_only_fields = fields

    def get_decided_in(self, row: ClearedMatch) -> str:
        return "batch" if row.decision_type.app_label == "screening" else "transaction"

    def get_decision_url(self, row: ClearedMatch) -> str:
        target = row.decision
        return target.get_absolute_url() if target is not None else ""


@extend_schema_view(
    list=extend_schema(
        description="Parties cleared as not a match against a list entry, remembered for "
        "their company (newest first): those whose decision the viewer may see.",
        parameters=[
            OpenApiParameter("in_force", bool, description="Only those in force (or reversed)."),
            OpenApiParameter("source", str, description="Only this list's entries."),
            OpenApiParameter("list_entry_id", str, description="Only this entry."),
            OpenApiParameter("party", int, description="Only this export-control party."),
        ],
    ),
    retrieve=extend_schema(description="One remembered clearing."),
)
class ClearingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = PERMISSIONS
    serializer_class = ClearingSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        rows = (
            namesakes.visible_clearings(viewer=self.request.user)
            .select_related("company", "org_unit", "decision_type")
            .prefetch_related("decision")
            .order_by("-decided_at", "-pk")
        )
        params = self.request.query_params
        wanted = params.get("in_force", "").lower()
        if wanted in ("true", "1", "yes"):
            rows = rows.filter(revoked_at=None)
        elif wanted in ("false", "0", "no"):
            rows = rows.exclude(revoked_at=None)
        if params.get("source"):
            rows = rows.filter(source=params["source"])
        if params.get("list_entry_id"):
            rows = rows.filter(list_entry_id=params["list_entry_id"])
        if params.get("party", "").isdigit():
            rows = rows.filter(party_id=int(params["party"]))
        return rows


class BatchViewSet(GenericViewSet):
    """Screen a whole file of names in the background (a job with progress)."""

    permission_classes = PERMISSIONS
    serializer_class = BatchUploadSerializer
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:  # for the schema only
        return Job.objects.none()

    def _job_data(self, job: Job) -> dict[str, Any]:
        progress = read_progress(job)
        result = job.result or {}
        return {
            "id": job.pk,
            "status": job.status,
            "done": progress.done,
            "total": progress.total,
            "message": progress.message,
            "counts": result.get("counts", {}),
            "errors": result.get("errors", []),
            "page": reverse("job", args=[job.pk]),
            "result": reverse("job-result", args=[job.pk]) if job.result_file else None,
        }

    @extend_schema(request=BatchUploadSerializer, responses={202: BatchJobSerializer})
    def create(self, request: Request) -> Response:
        """Upload a file (multipart, field `file`); the header is checked at once (400 with
        the errors), the names are screened by a background job. Poll GET
        /api/v1/screening/batch/{id}/; the result is an Excel file of the alerts."""
        form = BatchUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            batch.read_table_header(upload)
        except ImportRejected as exc:
            raise serializers.ValidationError({"file": [str(e) for e in exc.errors]}) from exc
        units = OrgUnit.objects.visible_to(request.user, VIEW).order_by("path")
        code = form.validated_data.get("org_unit")
        unit = units.filter(code=code).first() if code else units.first()
        if unit is None:
            raise serializers.ValidationError({"org_unit": ["no such unit in your scope"]})
        try:
            job = batch.start_batch(actor=request.user, upload=upload, org_unit=unit)
        except Exception as exc:
            raise service_errors(exc) from exc
        return Response(self._job_data(job), status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: BatchJobSerializer})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        """A batch job's progress and, once finished, its counts or errors."""
        job = visible_job(viewer=request.user, pk=int(pk)) if pk and pk.isdigit() else None
        if job is None or job.kind != batch.JOB_KIND:
            raise Http404
        return Response(self._job_data(job))


def register(router: DefaultRouter) -> None:
    router.register("screening/screen", ScreenViewSet, basename="screening-screen")
    router.register("screening/lists", ListViewSet, basename="screening-list")
    router.register("screening/versions", VersionViewSet, basename="screening-version")
    router.register("screening/batch", BatchViewSet, basename="screening-batch")
    router.register("screening/clearings", ClearingViewSet, basename="screening-clearing")
    from tatara.screening import batch_api  # it imports this module's permissions

    batch_api.register(router)
