from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tatara.cycle.models import CycleYear, Initiative, Measure, Subject


@admin.register(Subject)
class SubjectAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "iso26000_clause"]


@admin.register(CycleYear)
class CycleYearAdmin(SimpleHistoryAdmin):
    list_display = ["fiscal_year", "phase", "plan_due", "results_due", "review_due"]


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["column", "position", "text", "revised"]


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "subject", "owner_unit", "status", "rating"]
    list_filter = ["cycle", "subject", "status", "rating"]
    raw_id_fields = ["owner_unit", "predecessor"]
    inlines = [MeasureInline]
