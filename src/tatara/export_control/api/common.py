"""What the export-control API modules share: the actions, the field of a usable record
(the group's customer master too), the write viewset that refuses before reading a body."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from tatara.core.api import ScopedPrimaryKeyField, ScopedViewSet, service_errors
from tatara.core.permissions import can
from tatara.export_control.selectors import usable

VIEW = "export_control.view"
CHANGE = "export_control.change"
REVIEW = "export_control.review"


def _one_of(choices: Any) -> str:
    return "One of: " + ", ".join(choices.values) + "."


def _call(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except (DjangoPermissionDenied, DjangoValidationError) as exc:
        raise service_errors(exc) from exc


@extend_schema_field(OpenApiTypes.INT)
class UsableRecordField(ScopedPrimaryKeyField):
    """A related row by id among the rows the caller may see — with `usable_above`, also the
    items and parties of the units above theirs (selectors.usable): the group's customer
    master, read-only, for a company's transactions."""

    def __init__(
        self, model: Any, action_name: str = VIEW, usable_above: bool = False, **kwargs: Any
    ) -> None:
        self.usable_above = usable_above
        super().__init__(queryset=model.objects.all(), action=action_name, **kwargs)

    def get_queryset(self) -> Any:
        if self.usable_above:
            model = self.queryset.model  # type: ignore[union-attr]
            return usable(model, viewer=self.context["request"].user, action=self.scope_action)
        return super().get_queryset()


class _WriteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # refuse before validating the body: a unit outside the scope is neither confirmed
        # nor denied
        if not can(request.user, CHANGE):
            raise service_errors(DjangoPermissionDenied(f"not allowed: {CHANGE}"))
        return super().create(request, *args, **kwargs)
