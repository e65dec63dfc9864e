"""REST API of the emissions area: activity records (list and create, scoped), the Scope 1 /
Scope 2 calculation of a unit and fiscal year, and the factor tables (factor sets, factors,
GWP values; read-only reference data). Writes go through emissions.services, which check the
permission gate; rows and units outside the caller's scope answer 404 or are not listed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.viewsets import GenericViewSet

from tatara.core import fiscal
from tatara.core.api import ScopedViewSet, service_errors
from tatara.core.permissions import can
from tatara.emissions import services
from tatara.emissions.choices import Activity, Basis
from tatara.emissions.models import (
    ActivityRecord,
    EmissionCalculation,
    EmissionFactor,
    EmissionFactorSet,
    GwpValue,
)
from tatara.kpis.table_io import parse_period
from tatara.organisation.models import OrgUnit

VIEW = "emissions.view"
FIRST_YEAR, LAST_YEAR = 1990, 2200


# --- serializers ------------------------------------------------------------------------------


class ActivityRecordSerializer(serializers.ModelSerializer[ActivityRecord]):
    org_unit = serializers.CharField(
        source="org_unit.code", help_text="The unit's code (needs emissions.change to write)."
    )
    period = serializers.CharField(
        help_text="A calendar month (2019-04) or a fiscal year (FY2019)."
    )
    activity = serializers.ChoiceField(choices=Activity.choices)
    quantity = serializers.DecimalField(max_digits=24, decimal_places=8, min_value=0)
    unit = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="kWh, MWh, 千kWh, m3, 千m3, Nm3, L, kL, kg, t (ton: the metric tonne), MJ, GJ…;"
        " stored in its canonical spelling; empty: the activity's standard unit.",
    )
    supplier = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Electricity only."
    )
    source = serializers.CharField(  # type: ignore[assignment]
        required=False, allow_blank=True, max_length=300
    )

    class Meta:
        model = ActivityRecord
        fields = [
            "id",
            "org_unit",
            "period",
            "period_start",
            "period_end",
            "activity",
            "quantity",
            "unit",
            "supplier",
            "source",
            "recorded_at",
        ]
        read_only_fields = ["id", "period_start", "period_end", "recorded_at"]

    def validate_period(self, value: str) -> tuple[dt.date, dt.date]:
        try:
            return parse_period(value)
        except ValueError as exc:
            raise serializers.ValidationError(
                "Write a month as 2019-04 or a fiscal year as FY2019."
            ) from exc


class LineSerializer(serializers.Serializer[Any]):
    scope = serializers.IntegerField(help_text="1 (fuels burnt on site) or 2 (electricity).")
    activity = serializers.CharField()
    supplier = serializers.CharField(allow_blank=True)
    quantity = serializers.CharField(help_text="In the factor's unit, as a decimal string.")
    unit = serializers.CharField(help_text="The factor's unit of activity (kWh, kL, t, 1000 m**3).")
    factor = serializers.CharField(help_text="t-CO2 per unit, as a decimal string.")
    factor_unit = serializers.CharField()
    factor_id = serializers.IntegerField(help_text="The factor version used.")
    factor_version = serializers.IntegerField()
    factor_recorded_at = serializers.DateTimeField()
    results_year = serializers.IntegerField(
        allow_null=True, help_text="Electricity: the supplier's results year of the factor."
    )
    verify = serializers.CharField(
        allow_blank=True, help_text="What is still to be verified about the factor."
    )
    factor_set = serializers.CharField()
    factor_set_code = serializers.CharField()
    source = serializers.CharField(  # type: ignore[assignment]
        allow_blank=True
    )
    co2_t = serializers.CharField(help_text="t-CO2, exact, as a decimal string.")
    records = serializers.IntegerField(help_text="Activity records behind the line.")
    warning = serializers.CharField(allow_blank=True, help_text="A fallback factor or a gap.")


class CalculationSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(help_text="The org unit's code.")
    unit_name = serializers.CharField()
    period = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    fiscal_year = serializers.IntegerField()
    basis = serializers.CharField(help_text="Electricity factors used: market or location.")
    scope1_t = serializers.CharField(help_text="Scope 1 t-CO2, as a decimal string.")
    scope2_t = serializers.CharField(help_text="Scope 2 t-CO2, as a decimal string.")
    total_t = serializers.CharField(help_text="Scope 1 + 2 t-CO2, as a decimal string.")
    factor_sets = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    lines = LineSerializer(many=True)
    posted_calculation = serializers.IntegerField(
        allow_null=True, help_text="The calculation posted last for this unit, year and basis."
    )
    changes_since_posted = serializers.ListField(
        child=serializers.DictField(),
        help_text="What posting now would change in it (factor versions, quantities, figures).",
    )


class EmissionCalculationSerializer(serializers.ModelSerializer[EmissionCalculation]):
    org_unit = serializers.CharField(source="org_unit.code", read_only=True)
    recalculation_of = serializers.IntegerField(source="replaces_id", read_only=True)

    class Meta:
        model = EmissionCalculation
        fields = [
            "id",
            "org_unit",
            "period_start",
            "period_end",
            "basis",
            "scope1_t",
            "scope2_t",
            "total_t",
            "lines",
            "recalculation_of",
            "changes",
            "observations",
            "posted_at",
            "posted_by",
        ]


class EmissionFactorSerializer(serializers.ModelSerializer[EmissionFactor]):
    factor_set: serializers.SlugRelatedField[EmissionFactorSet] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    source = serializers.CharField(  # type: ignore[assignment]
        source="source_text", read_only=True
    )

    class Meta:
        model = EmissionFactor
        fields = [
            "id",
            "factor_set",
            "activity",
            "supplier",
            "unit",
            "factor",
            "scope",
            "source",
            "results_year",
            "verify",
            "version",
            "recorded_at",
            "superseded_by",
            "superseded_at",
        ]


class EmissionFactorSetSerializer(serializers.ModelSerializer[EmissionFactorSet]):
    class Meta:
        model = EmissionFactorSet
        fields = ["code", "name", "basis", "valid_from", "valid_to", "source", "verify"]


class GwpValueSerializer(serializers.ModelSerializer[GwpValue]):
    class Meta:
        model = GwpValue
        fields = ["gas", "report", "horizon", "value", "source"]


# --- filters ----------------------------------------------------------------------------------


class ActivityRecordFilter(django_filters.FilterSet):
    org_unit = django_filters.CharFilter(field_name="org_unit__code")
    activity = django_filters.ChoiceFilter(choices=Activity.choices)
    fiscal_year = django_filters.NumberFilter(
        method="in_fiscal_year", label="Fiscal year (FY2019 = 2019): records inside it."
    )

    class Meta:
        model = ActivityRecord
        fields = ["org_unit", "activity", "fiscal_year"]

    def in_fiscal_year(self, queryset: Any, name: str, value: Any) -> Any:
        year = int(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return queryset.none()
        start, end = fiscal.bounds(year)
        return queryset.filter(period_start__gte=start, period_end__lte=end)


class EmissionFactorFilter(django_filters.FilterSet):
    factor_set = django_filters.CharFilter(field_name="factor_set__code")
    activity = django_filters.ChoiceFilter(choices=Activity.choices)
    current = django_filters.BooleanFilter(
        field_name="superseded_at", lookup_expr="isnull", label="Only the versions in force."
    )

    class Meta:
        model = EmissionFactor
        fields = ["factor_set", "activity", "current"]


class EmissionCalculationFilter(django_filters.FilterSet):
    org_unit = django_filters.CharFilter(field_name="org_unit__code")
    fiscal_year = django_filters.NumberFilter(
        method="in_fiscal_year", label="Fiscal year (FY2019 = 2019): calculations inside it."
    )

    class Meta:
        model = EmissionCalculation
        fields = ["org_unit", "basis", "fiscal_year"]

    def in_fiscal_year(self, queryset: Any, name: str, value: Any) -> Any:
        year = int(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return queryset.none()
        start, end = fiscal.bounds(year)
        return queryset.filter(period_start__gte=start, period_end__lte=end)


# --- viewsets ---------------------------------------------------------------------------------


class ActivityRecordViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Activity data (energy and fuel a unit used in a month or fiscal year), in the caller's
    scope. POST enters a record, or corrects the one of the same unit, activity, supplier and
    period (services.record_activity; needs emissions.change on the unit)."""

    base_queryset = ActivityRecord.objects.select_related("org_unit").order_by(
        "org_unit__path", "period_start", "activity", "supplier", "pk"
    )
    view_action = VIEW
    serializer_class = ActivityRecordSerializer
    filterset_class = ActivityRecordFilter

    @extend_schema(responses={201: ActivityRecordSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        code = data["org_unit"]["code"]
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None or not can(request.user, VIEW, unit):
            raise serializers.ValidationError({"org_unit": f"unknown unit code {code!r}"})
        start, end = data["period"]
        existed = ActivityRecord.objects.filter(
            org_unit=unit,
            activity=data["activity"],
            supplier__iexact=services.clean_supplier(data.get("supplier", "")),
            period_start=start,
            period_end=end,
        ).exists()
        try:
            with transaction.atomic():
                saved = services.record_activity(
                    actor=request.user,
                    org_unit=unit,
                    activity=data["activity"],
                    period_start=start,
                    period_end=end,
                    quantity=data["quantity"],
                    unit=data.get("unit", ""),
                    supplier=data.get("supplier", ""),
                    source=data.get("source", ""),
                )
        except Exception as exc:  # the service's PermissionDenied / ValidationError
            raise service_errors(exc) from exc
        return Response(
            ActivityRecordSerializer(saved).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class CalculationViewSet(GenericViewSet):
    """Scope 1 and Scope 2 CO2 of a unit's own activity data in a fiscal year."""

    serializer_class = CalculationSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:  # for the schema only
        return ActivityRecord.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.STR, required=True, description="Unit code."),
            OpenApiParameter(
                "fiscal_year", OpenApiTypes.INT, required=True, description="FY2019 = 2019."
            ),
            OpenApiParameter(
                "basis",
                OpenApiTypes.STR,
                enum=[Basis.MARKET.value, Basis.LOCATION.value],
                description="Electricity factors: market (suppliers' adjusted factors, "
                "the default) or location (basic factors).",
            ),
        ],
        responses=CalculationSerializer,
    )
    def list(self, request: Request) -> Response:
        """The result with one line per activity and supplier: the quantity in the factor's
        unit, the factor, its set and source, the t-CO2, and warnings (fallback factors,
        missing months). 400 when a factor is missing; 404 for a unit outside the scope."""
        code = str(request.query_params.get("unit", ""))
        year_text = str(request.query_params.get("fiscal_year", ""))
        basis = str(request.query_params.get("basis", "") or Basis.MARKET)
        errors = {}
        if not code:
            errors["unit"] = "required: a unit code"
        if not year_text.isdigit() or not FIRST_YEAR <= int(year_text) <= LAST_YEAR:
            errors["fiscal_year"] = "required: a year such as 2019"
        if basis not in (Basis.MARKET, Basis.LOCATION):
            errors["basis"] = "market or location"
        if errors:
            raise serializers.ValidationError(errors)
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None or not can(request.user, VIEW, unit):
            raise Http404
        try:
            result = services.calculate(
                viewer=request.user, org_unit=unit, fiscal_year=int(year_text), basis=basis
            )
        except Exception as exc:
            raise service_errors(exc) from exc
        last, changes = services.changes_since_posted(result, unit)
        return Response(
            {
                **result.as_dict(),
                "unit_name": unit.name,
                "posted_calculation": last.pk if last else None,
                "changes_since_posted": changes,
            }
        )


@extend_schema_view(
    list=extend_schema(
        description="Calculations as posted to the KPIs, with the factor versions they used; "
        "a recalculation names the calculation it replaces and what changed."
    ),
    retrieve=extend_schema(description="One posted calculation."),
)
class EmissionCalculationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    base_queryset = EmissionCalculation.objects.select_related("org_unit").order_by(
        "org_unit__path", "period_start", "-posted_at", "-pk"
    )
    view_action = VIEW
    serializer_class = EmissionCalculationSerializer
    filterset_class = EmissionCalculationFilter


@extend_schema_view(
    list=extend_schema(description="Dated emission factor sets (group-wide reference data)."),
    retrieve=extend_schema(description="One factor set, by code."),
)
class EmissionFactorSetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    base_queryset = EmissionFactorSet.objects.order_by("basis", "valid_from", "code")
    view_action = VIEW
    serializer_class = EmissionFactorSetSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    pagination_class = None
    filterset_fields = ["basis"]


@extend_schema_view(
    list=extend_schema(description="Emission factors (t-CO2 per unit of activity)."),
    retrieve=extend_schema(description="One emission factor."),
)
class EmissionFactorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    base_queryset = EmissionFactor.objects.select_related("factor_set").order_by(
        "factor_set__basis", "factor_set__valid_from", "activity", "supplier"
    )
    view_action = VIEW
    serializer_class = EmissionFactorSerializer
    filterset_class = EmissionFactorFilter


@extend_schema_view(
    list=extend_schema(description="IPCC global warming potentials (AR5, AR6; 100 years)."),
)
class GwpValueViewSet(mixins.ListModelMixin, ScopedViewSet):
    base_queryset = GwpValue.objects.order_by("report", "gas")
    view_action = VIEW
    serializer_class = GwpValueSerializer
    pagination_class = None
    filterset_fields = ["report", "gas"]


def register(router: DefaultRouter) -> None:
    router.register("emissions/activity", ActivityRecordViewSet, basename="emission-activity")
    router.register("emissions/calculation", CalculationViewSet, basename="emission-calculation")
    router.register(
        "emissions/calculations", EmissionCalculationViewSet, basename="emission-posted"
    )
    router.register("emissions/factor-sets", EmissionFactorSetViewSet, basename="emission-set")
    router.register("emissions/factors", EmissionFactorViewSet, basename="emission-factor")
    router.register("emissions/gwp", GwpValueViewSet, basename="emission-gwp")
