"""Shared API plumbing: scoped viewsets and error mapping from services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.viewsets import GenericViewSet


def service_errors(exc: Exception) -> exceptions.APIException:
    """Turn a service's Django exception into the matching DRF one."""
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    raise exc


class ScopedViewSet(GenericViewSet):
    """A viewset whose queryset always passes through the permission gate.

    Subclasses set `base_queryset` and `view_action` ("cycle.view"); rows outside the
    user's scope are simply not there (404), never "forbidden", so their existence leaks not.
    """

    base_queryset: Any = None
    view_action: str = ""

    def get_queryset(self) -> Any:
        return self.base_queryset.visible_to(self.request.user, self.view_action)
