"""Admin of the shared kernel, and `ReadOnlyAdmin` for the areas: records written only by
services (which hold the gate, the checks and the domain events) are listed, searched and
shown with their row history in the admin, never added, changed or deleted there."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from tatara.core.models import AuditEvent, FiscalYear, YearReopening


class ReadOnly:
    """No adding, changing or deleting in the admin."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, SimpleHistoryAdmin):
    """Lists, search and row history; nothing written here. django-simple-history's page of an
    old version accepts a POST that reverts the row to it for anyone who may *view* the history;
    here that page only shows the version."""

    def history_form_view(
        self, request: Any, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(FiscalYear)
class FiscalYearAdmin(ReadOnly, admin.ModelAdmin):
    """Fiscal years are made by the cycle's services and closed by core.year_lock: a closed
    year's dates and lock are a record, not configuration."""

    list_display = ["year", "start_date", "end_date", "closed_at", "closed_by_label"]


@admin.register(YearReopening)
class YearReopeningAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["fiscal_year", "status", "requested_by_label", "approved_by_label"]
    list_filter = ["status"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "verb", "target_repr"]
    list_filter = ["verb"]
    search_fields = ["target_repr", "actor_label"]
