"""Admin for screening lists: read-only. Versions are written by `screening.services.load_list`
(the gate, the diff and the audit event live there)."""

from django.contrib import admin

from tatara.core.admin import ReadOnlyAdmin
from tatara.screening.models import (
    BatchAlert,
    BatchScreening,
    ClearedMatch,
    ListVersion,
    ScreeningList,
)


@admin.register(ScreeningList)
class ScreeningListAdmin(ReadOnlyAdmin):
    list_display = ["source", "name", "active_version"]


@admin.register(ListVersion)
class ListVersionAdmin(ReadOnlyAdmin):
    list_display = [
        "screening_list",
        "published",
        "loaded_at",
        "loaded_by_label",
        "status",
        "entry_count",
        "name_count",
        "added_count",
        "removed_count",
        "changed_count",
    ]
    list_filter = ["screening_list", "status"]
    exclude = ["diff"]


@admin.register(BatchScreening)
class BatchScreeningAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "org_unit", "created_at", "created_by_label"]
    list_select_related = ["org_unit"]
    search_fields = ["file_name"]


@admin.register(BatchAlert)
class BatchAlertAdmin(ReadOnlyAdmin):
    list_display = ["batch", "row", "name", "outcome", "best_score", "status", "decided_by_label"]
    list_filter = ["status", "outcome"]
    search_fields = ["name"]
    list_select_related = ["batch"]


@admin.register(ClearedMatch)
class ClearedMatchAdmin(ReadOnlyAdmin):
    """Remembered clearings are written and reversed by the decisions that make them."""

    list_display = [
        "subject_name",
        "source",
        "list_entry_id",
        "company",
        "decided_by_label",
        "decided_at",
        "revoked_at",
    ]
    list_filter = ["source", "subject_kind"]
    search_fields = ["subject_name", "list_entry_id"]
    list_select_related = ["company"]
