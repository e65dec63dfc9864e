"""Admin of the yearly cycle: read-only. Cycle years, initiatives, their measures and evidence
are records written by the cycle's services, which check the gate, the fiscal-year lock and
the two-person rules and write the domain events; the subjects are reference data loaded by
the migrations from cycle/data/. The admin lists, searches and shows their row history."""

from typing import Any

from django.contrib import admin

from tatara.core.admin import ReadOnlyAdmin
from tatara.cycle.models import CycleYear, Initiative, Measure, Subject


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "iso26000_clause"]


@admin.register(CycleYear)
class CycleYearAdmin(ReadOnlyAdmin):
    list_display = ["fiscal_year", "phase", "plan_due", "results_due", "review_due"]


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["column", "position", "text", "revised", "carried_from"]
    readonly_fields = ["column", "position", "text", "revised", "carried_from"]
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "subject", "owner_unit", "status", "rating"]
    list_filter = ["cycle", "subject", "status", "rating"]
    inlines = [MeasureInline]
