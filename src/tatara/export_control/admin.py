"""Admin for export-control records: read-only (listed, searched, shown with their row
history; never added, changed or deleted here). Every write goes through services.py — the
gate, the screening, the one rule for decisions (assessment.check_decision), the derived
status and the audit events live there — from the pages, the API, the CLI or an import."""

from django.contrib import admin

from tatara.core.admin import ReadOnly, ReadOnlyAdmin
from tatara.export_control.models import (
    Decision,
    Item,
    Party,
    PartyBlock,
    ScreeningRun,
    Transaction,
)


@admin.register(Party)
class PartyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "party_kind", "country", "org_unit", "screening_outcome"]
    list_filter = ["party_kind", "screening_outcome"]
    search_fields = ["code", "name"]
    list_select_related = ["org_unit"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "item_kind", "control_row", "catch_all_applicable", "org_unit"]
    list_filter = ["item_kind", "control_row"]
    search_fields = ["code", "name"]
    list_select_related = ["org_unit", "control_row"]


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "date", "destination", "status", "shipped_on", "org_unit"]
    list_filter = ["status"]
    search_fields = ["reference"]
    list_select_related = ["org_unit"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["transaction", "decision_kind", "decided_by_label", "decided_at"]
    list_filter = ["decision_kind", "needs_second_approval"]
    search_fields = ["transaction__reference", "licence_number"]
    list_select_related = ["transaction"]


@admin.register(PartyBlock)
class PartyBlockAdmin(ReadOnlyAdmin):
    list_display = ["party", "blocked_by_label", "blocked_at", "lifted_at"]
    search_fields = ["party__name", "party__code"]
    list_select_related = ["party"]


@admin.register(ScreeningRun)
class ScreeningRunAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["transaction", "at", "trigger", "outcome"]
    list_filter = ["outcome", "trigger"]
    search_fields = ["transaction__reference"]
    list_select_related = ["transaction"]
