from __future__ import annotations

from rest_framework import mixins, serializers
from rest_framework.routers import DefaultRouter

from tatara.core.api import ScopedViewSet
from tatara.organisation.models import OrgUnit, Person


class OrgUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    parent: serializers.SlugRelatedField[OrgUnit] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
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


class OrgUnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Organisation units in the caller's scope."""

    base_queryset = OrgUnit.objects.select_related("parent").order_by("path")
    view_action = "organisation.view"
    serializer_class = OrgUnitSerializer
    filterset_fields = ["kind", "country", "consolidated"]


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """People (from the HR master) in the caller's scope."""

    base_queryset = Person.objects.select_related("org_unit").order_by("employee_number")
    view_action = "organisation.view"
    serializer_class = PersonSerializer
    filterset_fields = ["is_active", "employment_type"]


def register(router: DefaultRouter) -> None:
    router.register("org-units", OrgUnitViewSet, basename="org-unit")
    router.register("people", PersonViewSet, basename="person")
