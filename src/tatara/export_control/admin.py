"""Admin for export-control records: read-only. Items and parties are written through
services.py (the gate, the screening of parties and the audit events live there), from the
pages, the API, the CLI or an import."""

from django.contrib import admin

from tatara.core.admin import ReadOnlyAdmin
from tatara.export_control.models import Item, Party


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
