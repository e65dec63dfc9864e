"""Admin for KPI data: read-only. Targets, observations and their workflow are written by the
services (kpis.services), which check the gate, validate units and record the domain events;
metrics and legal parameters are reference data loaded from kpis/data/ by migrations."""

from django.contrib import admin

from tatara.core.admin import ReadOnlyAdmin
from tatara.kpis.models import LegalParameter, Metric, Observation, Target


@admin.register(Metric)
class MetricAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "unit", "kind", "frequency", "subject", "gri_disclosure"]
    list_filter = ["kind", "frequency", "direction", "subject"]
    search_fields = ["code", "name"]
    list_select_related = ["subject"]


@admin.register(LegalParameter)
class LegalParameterAdmin(ReadOnlyAdmin):
    list_display = ["code", "value", "unit", "valid_from"]
    list_filter = ["code"]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["fiscal_year", "metric", "org_unit", "kind", "value", "base_year"]
    list_filter = ["fiscal_year", "kind"]
    search_fields = ["metric__code", "org_unit__code", "org_unit__name"]
    list_select_related = ["fiscal_year", "metric", "org_unit", "base_year"]


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ["metric", "org_unit", "period_start", "period_end", "value", "status"]
    list_filter = ["status", "metric"]
    search_fields = ["metric__code", "org_unit__code", "org_unit__name", "source"]
    list_select_related = ["metric", "org_unit"]
    date_hierarchy = "period_start"
