"""Shared API plumbing (scoped viewsets, error mapping from services) and the kernel's own
endpoints: the fiscal years' lock and the reopening of a closed year."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.viewsets import GenericViewSet

from tatara.core import year_lock
from tatara.core.models import FiscalYear, ReopeningStatus, YearReopening
from tatara.core.permissions import can


class ScopedRelatedMixin:
    """A related-record field that offers and accepts only records the caller may `action`
    (`<area>.view`): a code or id outside the caller's scope gets DRF's "does not exist",
    exactly like one that does not exist; the services then check the right to act on what
    the caller sees. Used by every writable serializer of a scoped model (issue 10)."""

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        self.scope_action = action
        super().__init__(*args, **kwargs)

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is None:  # a serializer made without context would accept nothing
            raise ImproperlyConfigured(
                "a scoped field needs the request in its serializer's context "
                '(Serializer(data=…, context={"request": request}))'
            )
        return queryset.visible_to(request.user, self.scope_action)


class ScopedSlugField(ScopedRelatedMixin, serializers.SlugRelatedField):  # type: ignore[type-arg,unused-ignore]
    """A scoped record by its code (an org unit by `code`)."""


class ScopedPrimaryKeyField(ScopedRelatedMixin, serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg,unused-ignore]
    """A scoped record by its id (a KPI collection round)."""


def unit_field(action: str, **kwargs: Any) -> Any:
    """An org unit by its code, among the units the caller may `action`."""
    from tatara.organisation.models import OrgUnit

    return ScopedSlugField(
        slug_field="code", queryset=OrgUnit.objects.all(), action=action, **kwargs
    )


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


# --- closed fiscal years and their reopening (core/year_lock.py) -------------------------


class YearReopeningSerializer(serializers.ModelSerializer[YearReopening]):
    fiscal_year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    changes = serializers.SerializerMethodField(
        help_text="Changes made under this reopening on records in the caller's scope."
    )

    class Meta:
        model = YearReopening
        fields = [
            "id",
            "fiscal_year",
            "status",
            "reason",
            "requested_by_label",
            "requested_at",
            "approved_by_label",
            "approved_at",
            "ended_by_label",
            "ended_at",
            "changes",
        ]
        read_only_fields = fields

    def get_changes(self, obj: YearReopening) -> int:
        request = self.context.get("request")
        return year_lock.visible_changes(obj, viewer=getattr(request, "user", None)).count()


class YearLockSerializer(serializers.ModelSerializer[FiscalYear]):
    closed = serializers.SerializerMethodField(
        help_text="Closed and not reopened: none of the year's records may change."
    )
    reopening = serializers.SerializerMethodField(
        help_text="The reopening asked for or open now, if any."
    )

    class Meta:
        model = FiscalYear
        fields = ["year", "start_date", "end_date", "closed_at", "closed_by_label", "closed"]
        fields += ["reopening"]
        read_only_fields = fields

    def get_closed(self, obj: FiscalYear) -> bool:
        return year_lock.is_closed(obj)

    @extend_schema_field(YearReopeningSerializer(allow_null=True))
    def get_reopening(self, obj: FiscalYear) -> dict[str, Any] | None:
        pending = obj.reopenings.filter(
            status__in=[ReopeningStatus.REQUESTED, ReopeningStatus.OPEN]
        ).first()
        if pending is None:
            return None
        return dict(YearReopeningSerializer(pending, context=self.context).data)


class ReopenSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text="What must be corrected in the closed year, and why.")


class ReopeningChangeSerializer(serializers.Serializer[Any]):
    created_at = serializers.DateTimeField()
    actor_label = serializers.CharField()
    target_type = serializers.CharField(allow_null=True, help_text="app_label.model")
    target_id = serializers.CharField()
    target_repr = serializers.CharField()
    what = serializers.CharField(help_text="The write that passed the lock.")


def _fiscal_view(request: Request) -> None:
    if not can(request.user, year_lock.VIEW):
        raise exceptions.PermissionDenied(f"not allowed: {year_lock.VIEW}")


class YearLockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Fiscal years and their lock: `close` closes a year (or ends its reopening), `reopen`
    asks for a reopening with a reason (it opens once a second person approves it)."""

    serializer_class = YearLockSerializer
    pagination_class = None
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    def get_queryset(self) -> Any:
        if not getattr(self, "swagger_fake_view", False):
            _fiscal_view(self.request)
        return FiscalYear.objects.order_by("-year")

    @extend_schema(request=None, responses=YearLockSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, year: str) -> Response:
        """Close the year (fiscal.close, group-wide); closing a reopened year ends the
        reopening."""
        fiscal_year = self.get_object()
        try:
            year_lock.close_year(actor=request.user, year=fiscal_year)
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise service_errors(exc) from exc
        fiscal_year.refresh_from_db()
        return Response(YearLockSerializer(fiscal_year, context={"request": request}).data)

    @extend_schema(request=ReopenSerializer, responses={201: YearReopeningSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, year: str) -> Response:
        """Ask for the closed year to be reopened (fiscal.reopen, group-wide)."""
        fiscal_year = self.get_object()
        given = ReopenSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            reopening = year_lock.request_reopening(
                actor=request.user, year=fiscal_year, reason=given.validated_data["reason"]
            )
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise service_errors(exc) from exc
        return Response(
            YearReopeningSerializer(reopening, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class YearReopeningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Reopenings of closed fiscal years: approve (a second person, fiscal.approve) or
    withdraw one awaiting approval; `changes` lists what was changed under it."""

    base_queryset = YearReopening.objects.select_related("fiscal_year")
    view_action = year_lock.VIEW
    serializer_class = YearReopeningSerializer
    filterset_fields = ["status", "fiscal_year__year"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return YearReopening.objects.none()
        _fiscal_view(self.request)
        return super().get_queryset()

    def _run(self, function: Any) -> Response:
        reopening = self.get_object()
        try:
            function(actor=self.request.user, reopening=reopening)
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise service_errors(exc) from exc
        reopening.refresh_from_db()
        return Response(YearReopeningSerializer(reopening, context={"request": self.request}).data)

    @extend_schema(request=None, responses=YearReopeningSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """The second approval: someone other than the person who asked (400 otherwise)."""
        return self._run(year_lock.approve_reopening)

    @extend_schema(request=None, responses=YearReopeningSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Withdraw (or refuse) a reopening awaiting approval."""
        return self._run(year_lock.withdraw_reopening)

    @extend_schema(request=None, responses=ReopeningChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def changes(self, request: Request, pk: str) -> Response:
        reopening = self.get_object()
        rows = year_lock.visible_changes(reopening, viewer=request.user).select_related(
            "target_type"
        )
        return Response(
            [
                {
                    "created_at": e.created_at,
                    "actor_label": e.actor_label,
                    "target_type": (
                        f"{e.target_type.app_label}.{e.target_type.model}"
                        if e.target_type
                        else None
                    ),
                    "target_id": e.target_id,
                    "target_repr": e.target_repr,
                    "what": str(e.data.get("what", "")),
                }
                for e in rows
            ]
        )


def register(router: DefaultRouter) -> None:
    router.register("year-locks", YearLockViewSet, basename="year-lock")
    router.register("year-reopenings", YearReopeningViewSet, basename="year-reopening")
