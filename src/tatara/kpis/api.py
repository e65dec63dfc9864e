"""REST API of the KPI area, read side: metrics, targets, observations, the evaluation of a
fiscal year, and a metric's trend and breakdown at a unit. Everything through the gate
("kpis.view"); rows and units outside the caller's scope answer 404 or are not listed.

The write side (observation entry and its workflow, rounds, imports, links, overrides) will
add its viewsets and actions here, over kpis.services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.viewsets import GenericViewSet

from tatara.core.api import ScopedViewSet
from tatara.core.permissions import ALL, can
from tatara.kpis import evaluation, report
from tatara.kpis.choices import ObservationStatus, TargetKind
from tatara.kpis.consolidation import fiscal_year_expression
from tatara.kpis.models import Metric, Observation, Target
from tatara.organisation.models import OrgUnit

VIEW = report.VIEW


def number(value: Decimal | None) -> float | int | None:
    """A Decimal as a JSON number (6 places at most), as the evaluation records print them."""
    if value is None:
        return None
    rounded = round(value, 6).normalize()
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


@extend_schema_field(
    {
        "type": "string",
        "description": "One of: " + ", ".join(TargetKind.values) + " (see EvaluationRecord).",
    }
)
class TargetKindField(serializers.ChoiceField):
    """A target's kind. Its choices are named once in the schema (EvaluationRecord's `kind`):
    other areas have fields called "kind" with other choices, and a choice set shared by two
    components under a shared name cannot be given a clean enum name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TargetKind.choices, read_only=True, **kwargs)


# --- serializers ------------------------------------------------------------------------------


class MetricSerializer(serializers.ModelSerializer[Metric]):
    name_ja = serializers.SerializerMethodField()
    numerator: serializers.SlugRelatedField[Metric] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    denominator: serializers.SlugRelatedField[Metric] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    subject: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )

    class Meta:
        model = Metric
        fields = [
            "code",
            "name",
            "name_ja",
            "unit",
            "kind",
            "numerator",
            "denominator",
            "aggregation",
            "direction",
            "frequency",
            "subject",
            "gri_disclosure",
        ]

    def get_name_ja(self, obj: Metric) -> str:
        return str(obj.localized("name", "ja"))


class TargetSerializer(serializers.ModelSerializer[Target]):
    metric: serializers.SlugRelatedField[Metric] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    org_unit: serializers.SlugRelatedField[OrgUnit] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    fiscal_year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    base_year = serializers.IntegerField(
        source="base_year.year", read_only=True, allow_null=True, default=None
    )
    kind = TargetKindField()

    class Meta:
        model = Target
        fields = [
            "id",
            "metric",
            "fiscal_year",
            "org_unit",
            "kind",
            "value",
            "base_year",
            "legal_parameter",
        ]


class ObservationSerializer(serializers.ModelSerializer[Observation]):
    metric: serializers.SlugRelatedField[Metric] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    org_unit: serializers.SlugRelatedField[OrgUnit] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    unit = serializers.CharField(source="metric.unit", read_only=True)

    class Meta:
        model = Observation
        fields = [
            "id",
            "metric",
            "org_unit",
            "period_start",
            "period_end",
            "value",
            "unit",
            "original_value",
            "original_unit",
            "source",
            "status",
            "approved_at",
        ]


class EvaluationRecordSerializer(serializers.Serializer[Any]):
    """One evaluated target (`Evaluation.as_record()`)."""

    metric = serializers.CharField()
    metric_name = serializers.CharField()
    org_unit = serializers.CharField()
    fiscal_year = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TargetKind.choices)
    unit = serializers.CharField(help_text="The metric's unit (a pint unit string).")
    target = serializers.FloatField(
        allow_null=True, help_text="For a reduction: the targeted reduction in percent."
    )
    actual = serializers.FloatField(
        allow_null=True, help_text="For a reduction: the achieved reduction in percent."
    )
    achievement = serializers.FloatField(
        allow_null=True, help_text="In percent (100 = met exactly), one decimal."
    )
    rating = serializers.IntegerField(
        allow_null=True, min_value=1, max_value=3, help_text="Suggested stars, 1-3."
    )
    actual_value = serializers.FloatField(
        allow_null=True, help_text="The metric's consolidated figure."
    )
    base_year = serializers.IntegerField(allow_null=True)
    base_value = serializers.FloatField(
        allow_null=True, help_text="The base year's figure, restated to this year's group."
    )
    note = serializers.CharField(help_text="Why there is no rating, or what was left out.")


class TrendPointSerializer(serializers.Serializer[Any]):
    fiscal_year = serializers.IntegerField()
    actual = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(
        allow_null=True,
        help_text="The target level in the metric's unit (for a reduction: the figure the "
        "targeted reduction reaches from the base year).",
    )
    target_kind = serializers.CharField(allow_blank=True)


class TrendSerializer(serializers.Serializer[Any]):
    metric = serializers.CharField()
    org_unit = serializers.CharField()
    unit = serializers.CharField()
    points = TrendPointSerializer(many=True)


class ShareSerializer(serializers.Serializer[Any]):
    org_unit = serializers.CharField()
    name = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    counts = serializers.BooleanField(
        help_text="Counts toward the parent (consolidated and in the group that year)."
    )


class BreakdownSerializer(serializers.Serializer[Any]):
    metric = serializers.CharField()
    org_unit = serializers.CharField()
    fiscal_year = serializers.IntegerField()
    unit = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="The figure at `org_unit`.")
    children = ShareSerializer(many=True)


# --- filters ----------------------------------------------------------------------------------


class TargetFilter(django_filters.FilterSet):
    fiscal_year = django_filters.NumberFilter(field_name="fiscal_year__year")
    metric = django_filters.CharFilter(field_name="metric__code")
    org_unit = django_filters.CharFilter(field_name="org_unit__code")
    kind = django_filters.ChoiceFilter(choices=TargetKind.choices)

    class Meta:
        model = Target
        fields = ["fiscal_year", "metric", "org_unit", "kind"]


class ObservationFilter(django_filters.FilterSet):
    metric = django_filters.CharFilter(field_name="metric__code")
    org_unit = django_filters.CharFilter(field_name="org_unit__code")
    status = django_filters.ChoiceFilter(choices=ObservationStatus.choices)
    fiscal_year = django_filters.NumberFilter(
        method="in_fiscal_year", label="Fiscal year of the period's start (FY2019 = 2019)."
    )

    class Meta:
        model = Observation
        fields = ["metric", "org_unit", "status", "fiscal_year"]

    def in_fiscal_year(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.annotate(fy=fiscal_year_expression()).filter(fy=int(value))


# --- viewsets ---------------------------------------------------------------------------------

UNIT_PARAMETER = OpenApiParameter(
    "unit", OpenApiTypes.STR, description="Org unit code; default: the top unit in scope."
)
YEAR_PARAMETER = OpenApiParameter(
    "fiscal_year", OpenApiTypes.INT, description="FY2019 = 2019.", required=True
)


def _year(request: Request, *, required: bool = True) -> int | None:
    text = str(request.query_params.get("fiscal_year", ""))
    if not text:
        if required:
            raise serializers.ValidationError({"fiscal_year": "required (FY2019 = 2019)"})
        return None
    if not text.isdigit() or not 1900 < int(text) < 2200:
        raise serializers.ValidationError({"fiscal_year": "a year such as 2019"})
    return int(text)


class MetricViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Metrics: group-wide reference data (what is measured, its unit, how it aggregates)."""

    base_queryset = Metric.objects.select_related("numerator", "denominator", "subject")
    view_action = VIEW
    serializer_class = MetricSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_fields = ["kind", "frequency", "direction"]
    ordering_fields = ["code"]
    pagination_class = None

    def _unit(self, request: Request, metric: Metric, year: int | None) -> OrgUnit:
        code = str(request.query_params.get("unit", ""))
        unit: OrgUnit | None
        if code:
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None or not can(request.user, VIEW, unit):
                raise Http404  # outside the scope: not confirmed to exist
        else:
            unit = report.default_unit(request.user, metric, year)
            if unit is None:
                raise Http404
        return unit

    @extend_schema(parameters=[UNIT_PARAMETER], responses=TrendSerializer)
    @action(detail=True, methods=["get"])
    def trend(self, request: Request, code: str) -> Response:
        """The metric's consolidated figure at a unit per fiscal year with data, beside that
        year's target."""
        metric = self.get_object()
        unit = self._unit(request, metric, None)
        points = evaluation.trend(metric, unit.pk, report.data_years(metric, unit.pk))
        return Response(
            {
                "metric": metric.code,
                "org_unit": unit.code,
                "unit": metric.unit,
                "points": [
                    {
                        "fiscal_year": p.year,
                        "actual": number(p.actual),
                        "target": number(p.target),
                        "target_kind": p.target_kind,
                    }
                    for p in points
                ],
            }
        )

    @extend_schema(parameters=[UNIT_PARAMETER, YEAR_PARAMETER], responses=BreakdownSerializer)
    @action(detail=True, methods=["get"])
    def breakdown(self, request: Request, code: str) -> Response:
        """The metric's figure at each unit directly below `unit` (those in the caller's
        scope), and whether it counts toward `unit`."""
        metric = self.get_object()
        year = _year(request)
        assert year is not None
        unit = self._unit(request, metric, year)
        visible = report.visible_unit_ids(request.user)
        shares = evaluation.breakdown(metric, year, unit.pk)
        total = evaluation.trend(metric, unit.pk, [year])[0].actual
        return Response(
            {
                "metric": metric.code,
                "org_unit": unit.code,
                "fiscal_year": year,
                "unit": metric.unit,
                "value": number(total),
                "children": [
                    {
                        "org_unit": s.code,
                        "name": s.name,
                        "value": number(s.value),
                        "counts": s.counts,
                    }
                    for s in shares
                    if visible is ALL or s.unit_id in visible
                ],
            }
        )


class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Targets in the caller's scope (`?fiscal_year=2019`)."""

    base_queryset = Target.objects.select_related(
        "metric", "org_unit", "fiscal_year", "base_year"
    ).order_by("fiscal_year__year", "metric__code", "org_unit__path")
    view_action = VIEW
    serializer_class = TargetSerializer
    filterset_class = TargetFilter


class ObservationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Observations in the caller's scope, every status (filter `?status=approved`)."""

    base_queryset = Observation.objects.select_related("metric", "org_unit").order_by(
        "period_start", "metric__code", "org_unit__path", "pk"
    )
    view_action = VIEW
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter


class EvaluationViewSet(GenericViewSet):
    """Targets of a fiscal year evaluated from approved, consolidated figures."""

    serializer_class = EvaluationRecordSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:  # for the schema only
        return Target.objects.none()

    @extend_schema(parameters=[YEAR_PARAMETER], responses=EvaluationRecordSerializer(many=True))
    def list(self, request: Request) -> Response:
        """One record per target visible to the caller: target, actual, achievement (percent)
        and the suggested rating, or a note saying why there is none."""
        year = _year(request)
        assert year is not None
        return Response(
            [e.as_record() for e in evaluation.evaluate(year, user=request.user)]
            if can(request.user, VIEW)
            else []
        )


def register(router: DefaultRouter) -> None:
    router.register("kpis/metrics", MetricViewSet, basename="kpi-metric")
    router.register("kpis/targets", TargetViewSet, basename="kpi-target")
    router.register("kpis/observations", ObservationViewSet, basename="kpi-observation")
    router.register("kpis/evaluation", EvaluationViewSet, basename="kpi-evaluation")
