"""Admin for screening lists: read-only. Versions are written by `screening.services.load_list`
(the gate, the diff and the audit event live there)."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tatara.screening.models import ListVersion, ScreeningList


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


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
