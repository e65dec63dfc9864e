from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tatara.emissions.models import EmissionFactor, EmissionFactorSet, GwpValue


class EmissionFactorInline(admin.TabularInline):
    model = EmissionFactor
    extra = 0
    fields = ["activity", "supplier", "factor", "unit", "scope", "source"]


@admin.register(EmissionFactorSet)
class EmissionFactorSetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "basis", "valid_from", "valid_to"]
    list_filter = ["basis"]
    search_fields = ["code", "name"]
    inlines = [EmissionFactorInline]


@admin.register(EmissionFactor)
class EmissionFactorAdmin(SimpleHistoryAdmin):
    list_display = ["activity", "supplier", "factor", "unit", "scope", "factor_set"]
    list_filter = ["factor_set", "activity", "scope"]
    search_fields = ["supplier"]


@admin.register(GwpValue)
class GwpValueAdmin(SimpleHistoryAdmin):
    list_display = ["gas", "report", "horizon", "value"]
    list_filter = ["report", "horizon"]
    search_fields = ["gas"]
