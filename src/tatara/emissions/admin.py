"""The factor tables are read-only here: a factor changes only as a new version (the
suppliers' import, the shipped data), so posted calculations keep the version they used.
Posted calculations are records, read-only too."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tatara.emissions.models import EmissionCalculation, EmissionFactor, EmissionFactorSet, GwpValue


class ReadOnly:
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class EmissionFactorInline(ReadOnly, admin.TabularInline):
    model = EmissionFactor
    extra = 0
    fields = ["activity", "supplier", "factor", "unit", "scope", "version", "superseded_at"]


@admin.register(EmissionFactorSet)
class EmissionFactorSetAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["code", "name", "basis", "valid_from", "valid_to"]
    list_filter = ["basis"]
    search_fields = ["code", "name"]
    inlines = [EmissionFactorInline]


@admin.register(EmissionFactor)
class EmissionFactorAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["activity", "supplier", "factor", "unit", "scope", "version", "factor_set"]
    list_filter = ["factor_set", "activity", "scope"]
    search_fields = ["supplier"]


@admin.register(GwpValue)
class GwpValueAdmin(SimpleHistoryAdmin):
    list_display = ["gas", "report", "horizon", "value"]
    list_filter = ["report", "horizon"]
    search_fields = ["gas"]


@admin.register(EmissionCalculation)
class EmissionCalculationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["org_unit", "period_start", "period_end", "basis", "total_t", "posted_at"]
    list_filter = ["basis"]
