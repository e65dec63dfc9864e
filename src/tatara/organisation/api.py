from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers
from rest_framework.routers import DefaultRouter

from tatara.core.api import ScopedViewSet
from tatara.core.tabular.api import TableFilesMixin
from tatara.organisation import structure_io
from tatara.organisation.models import OrgUnit, Person, RoleAssignment


class OrgUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    parent: serializers.SlugRelatedField[OrgUnit] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )  # type: ignore[assignment]

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "parent",
            "country",
            "consolidated",
            "is_active",
            "depth",
        ]


class PersonSerializer(serializers.ModelSerializer[Person]):
    org_unit: serializers.SlugRelatedField[OrgUnit] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "employee_number",
            "full_name",
            "email",
            "org_unit",
            "job_level",
            "employment_type",
            "hire_date",
            "leave_date",
            "language",
            "is_active",
        ]


class OrgUnitViewSet(
    TableFilesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """Organisation units in the caller's scope; import/ and export/ in the columns of
    `tatara organisation import-units` (structure_io.py)."""

    base_queryset = OrgUnit.objects.select_related("parent").order_by("path")
    view_action = "organisation.view"
    serializer_class = OrgUnitSerializer
    filterset_fields = ["kind", "country", "consolidated"]
    import_spec = "tatara.organisation.structure_io.UNITS"

    def export_table(self, viewer: Any, fmt: str) -> tuple[bytes, str, str]:
        return structure_io.export("units", viewer=viewer, fmt=fmt)


class RoleAssignmentSerializer(serializers.ModelSerializer[RoleAssignment]):
    username = serializers.CharField(source="user.username", read_only=True)
    unit: serializers.SlugRelatedField[OrgUnit] = serializers.SlugRelatedField(
        source="org_unit", slug_field="code", read_only=True
    )

    class Meta:
        model = RoleAssignment
        fields = ["id", "username", "role", "unit", "include_descendants"]


class RoleAssignmentViewSet(
    TableFilesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """The active role grants on units in the caller's scope; import/ and export/ in the
    columns of `tatara organisation import-roles`."""

    base_queryset = (
        RoleAssignment.objects.filter(active=True)
        .select_related("user", "org_unit")
        .order_by("org_unit__path", "user__username", "role")
    )
    view_action = "organisation.view"
    serializer_class = RoleAssignmentSerializer
    filterset_fields = ["role"]
    import_spec = "tatara.organisation.structure_io.ROLES"

    def export_table(self, viewer: Any, fmt: str) -> tuple[bytes, str, str]:
        return structure_io.export("roles", viewer=viewer, fmt=fmt)


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """People (from the HR master) in the caller's scope."""

    base_queryset = Person.objects.select_related("org_unit").order_by("employee_number")
    view_action = "organisation.view"
    serializer_class = PersonSerializer
    filterset_fields = ["is_active", "employment_type"]


def register(router: DefaultRouter) -> None:
    router.register("org-units", OrgUnitViewSet, basename="org-unit")
    router.register("people", PersonViewSet, basename="person")
    router.register("role-assignments", RoleAssignmentViewSet, basename="role-assignment")
