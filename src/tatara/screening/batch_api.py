"""REST API of the batch review (batch_review.py): screened batches in the viewer's scope,
their alerts, and the officer's decisions on them.

    GET  /api/v1/screening/batches/                 batches, newest first, with review counts
    GET  /api/v1/screening/batches/{id}/
    GET  /api/v1/screening/alerts/?batch=&status=   alerts (status: pending, awaiting_approval,
                                                    cleared, confirmed, cleared_before, or
                                                    open = the first two)
    POST /api/v1/screening/alerts/{id}/decide/      {decision: clear | confirm, reason}
    POST /api/v1/screening/alerts/{id}/approve/     the second approval of clearing a strong hit

A batch or alert outside the viewer's scope is 404; a decision without `screening.review` on
the batch's unit, or an approval without `screening.approve`, is 403; an approval by the decider is 400.

A hit cleared before (namesakes.py) carries `cleared_before`: the clearing as the viewer may
see it (`{"visible": true, "id", "in_force", "decision_url", "decided_by", "decided_at",
"reason", ...}`), or `{"visible": false}` when its decision is outside the viewer's scope.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from tatara.core.api import ScopedViewSet, service_errors
from tatara.screening import batch_review as review
from tatara.screening import namesakes
from tatara.screening.api import PERMISSIONS
from tatara.screening.choices import AlertDecision, AlertStatus
from tatara.screening.models import BatchAlert, BatchScreening


class BatchScreeningSerializer(serializers.ModelSerializer[BatchScreening]):
    org_unit = serializers.CharField(source="org_unit.code", read_only=True)
    open_alerts = serializers.IntegerField(read_only=True, help_text="Alerts to review.")
    awaiting = serializers.IntegerField(read_only=True, help_text="Awaiting a second approval.")
    cleared = serializers.IntegerField(read_only=True)
    confirmed = serializers.IntegerField(read_only=True)
    cleared_before = serializers.IntegerField(
        read_only=True, help_text="Clear: every hit cleared before as not a match."
    )

    class Meta:
        model = BatchScreening
        fields = [
            "id",
            "file_name",
            "org_unit",
            "created_at",
            "created_by_label",
            "list_versions",
            "counts",
            "job",
            "open_alerts",
            "awaiting",
            "cleared",
            "confirmed",
            "cleared_before",
        ]
        read_only_fields = fields


class AlertSerializer(serializers.ModelSerializer[BatchAlert]):
    hits = serializers.SerializerMethodField(
        help_text="The hits, best first; `cleared_before` on a hit cleared before."
    )

    def get_hits(self, alert: BatchAlert) -> list[dict[str, Any]]:
        return namesakes.marked(alert.hits, namesakes.MarkerCache.of(self.context), as_json=True)

    class Meta:
        model = BatchAlert
        fields = [
            "id",
            "batch",
            "row",
            "name",
            "country",
            "date_of_birth",
            "kind",
            "outcome",
            "best_score",
            "hits",
            "status",
            "reason",
            "decided_by_label",
            "decided_at",
            "approved_by_label",
            "approved_at",
        ]
        read_only_fields = fields


class AlertDecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=AlertDecision.choices)
    reason = serializers.CharField(max_length=2000)


class BatchScreeningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Screened batches kept for review (the upload itself is POST /api/v1/screening/batch/)."""

    permission_classes = PERMISSIONS
    serializer_class = BatchScreeningSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return review.batches(viewer=self.request.user)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("batch", int, description="Only this batch's alerts."),
            OpenApiParameter(
                "status",
                str,
                description="pending, awaiting_approval, cleared, confirmed, cleared_before, or open.",
            ),
        ]
    )
)
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Alerts of batch screenings, strongest first, and the decisions on them."""

    permission_classes = PERMISSIONS
    base_queryset = BatchAlert.objects.select_related("batch__org_unit")
    view_action = review.VIEW
    serializer_class = AlertSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        found = super().get_queryset().order_by("batch", "-best_score", "row", "pk")
        params = self.request.query_params
        if params.get("batch", "").isdigit():
            found = found.filter(batch_id=int(params["batch"]))
        wanted = params.get("status", "")
        if wanted == "open":
            found = found.filter(status__in=review.OPEN)
        elif wanted in AlertStatus.values:
            found = found.filter(status=wanted)
        return found

    def _done(self, alert: BatchAlert) -> Response:
        return Response(AlertSerializer(alert, context=self.get_serializer_context()).data)

    @extend_schema(request=AlertDecisionSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """Clear (not the listed party) or confirm an alert, with the reason. Clearing a strong
        hit waits for a second approval (status awaiting_approval)."""
        alert = self.get_object()
        form = AlertDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            alert = review.decide_alert(actor=request.user, alert=alert, **form.validated_data)
        except Exception as exc:
            raise service_errors(exc) from exc
        return self._done(alert)

    @extend_schema(request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """The second approval of clearing a strong hit (another user, screening.approve)."""
        try:
            alert = review.approve_alert(actor=request.user, alert=self.get_object())
        except Exception as exc:
            raise service_errors(exc) from exc
        return self._done(alert)


def register(router: DefaultRouter) -> None:
    router.register("screening/batches", BatchScreeningViewSet, basename="screening-batches")
    router.register("screening/alerts", AlertViewSet, basename="screening-alert")
