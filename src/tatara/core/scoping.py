"""ScopedQuerySet: `Model.objects.visible_to(user, action)` on every scoped model."""

from __future__ import annotations

from typing import Any, Self

from django.db import models


class ScopedQuerySet(models.QuerySet[Any]):
    """A queryset that knows how its model is scoped by the organisation tree.

    The model names the path to its org unit in `scope_field` ("org_unit", "owner_unit",
    "initiative__owner_unit"); `scope_field = None` marks group-wide reference data.
    """

    def visible_to(self, user: Any, action: str) -> Self:
        from tatara.core.permissions import filter_by_scope

        if "." not in action:
            raise ValueError(f"actions are namespaced ('cycle.view'), got {action!r}")
        field = getattr(self.model, "scope_field", "org_unit")
        filtered: Self = filter_by_scope(self, user, action, field)
        return filtered
