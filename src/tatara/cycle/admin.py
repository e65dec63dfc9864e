from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tatara.cycle.models import CycleYear, Initiative, Measure, Subject


@admin.register(Subject)
class SubjectAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "iso26000_clause"]


@admin.register(CycleYear)
class CycleYearAdmin(SimpleHistoryAdmin):
    list_display = ["fiscal_year", "phase", "plan_due", "results_due", "review_due"]
    # the phase and lineage change only through the cycle's services (pages, API, CLI)
    readonly_fields = ["fiscal_year", "phase", "opened_from"]


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["column", "position", "text", "revised", "carried_from"]
    readonly_fields = ["column", "position", "text", "revised", "carried_from"]
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "subject", "owner_unit", "status", "rating"]
    list_filter = ["cycle", "subject", "status", "rating"]
    # ratings, status and lineage change only through the services, which check the gate and
    # record the domain events; the admin is for notes and configuration.
    readonly_fields = [
        "cycle",
        "subject",
        "owner_unit",
        "status",
        "proposed_rating",
        "rating",
        "review_note",
        "predecessor",
    ]
    inlines = [MeasureInline]
