from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tatara.organisation import services
from tatara.organisation.models import OrgUnit, Person, RoleAssignment


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "parent", "country", "consolidated", "is_active"]
    list_filter = ["kind", "country", "consolidated"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]

    def save_model(self, request: Any, obj: OrgUnit, form: Any, change: bool) -> None:
        """Creations and moves go through the services, which keep the scope path right."""
        if not change:
            created = services.create_unit(
                actor=request.user,
                code=obj.code,
                name=obj.name,
                kind=obj.kind,
                parent=obj.parent,
                country=obj.country,
                consolidated=obj.consolidated,
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            obj._state.adding = False
            return
        if "parent" in form.changed_data and obj.parent is not None:
            new_parent = obj.parent
            obj.parent_id = OrgUnit.objects.values_list("parent_id", flat=True).get(pk=obj.pk)
            super().save_model(request, obj, form, change)
            services.move_unit(actor=request.user, unit=obj, new_parent=new_parent)
            return
        super().save_model(request, obj, form, change)


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["employee_number", "full_name", "org_unit", "employment_type", "is_active"]
    list_filter = ["employment_type", "is_active"]
    search_fields = ["employee_number", "full_name", "email"]
    raw_id_fields = ["org_unit", "user"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "org_unit", "include_descendants", "active"]
    list_filter = ["role", "active"]
    raw_id_fields = ["user", "org_unit"]
