"""Reads of the organisation tree and people, always scoped to the viewer."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from tatara.organisation.models import OrgUnit, Person


def units(*, viewer: Any, action: str = "organisation.view") -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.visible_to(viewer, action)
        .select_related("parent")
        .annotate(people_count=Count("people", filter=Q(people__is_active=True)))
        .order_by("path")
    )


def people(*, viewer: Any, action: str = "organisation.view") -> QuerySet[Person]:
    return Person.objects.visible_to(viewer, action).select_related("org_unit")
