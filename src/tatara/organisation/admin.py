from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tatara.organisation.models import OrgUnit, Person, RoleAssignment


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "parent", "country", "consolidated", "is_active"]
    list_filter = ["kind", "country", "consolidated"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]


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
