"""REST API of the KPI area, write side: record, submit, approve and return observations;
create and change targets and link them to initiatives; open and follow collection rounds.

Thin over the services, which check the gate: rows outside the caller's `kpis.view` scope
answer 404, actions refused 403, and a service's ValidationError 400 with its field messages
(core.api.service_errors). The observation and target endpoints extend the read side's
viewsets (same addresses: GET lists, POST creates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from tatara.core.api import ScopedPrimaryKeyField, ScopedViewSet, service_errors, unit_field
from tatara.core.permissions import can
from tatara.cycle import selectors as cycle_selectors
from tatara.cycle.services import get_or_create_fiscal_year
from tatara.kpis import api as read_api
from tatara.kpis import collection, initiative_ratings, rounds, services, table_io
from tatara.kpis.choices import ObservationStatus, TargetKind
from tatara.kpis.models import CollectionRound, Metric, Observation, Target
from tatara.organisation.models import OrgUnit

# --- serializers --------------------------------------------------------------------------
# Choice sets the read side already names in the schema (ObservationStatusEnum,
# EvaluationRecordKindEnum) are described here as plain strings: the same set in a second
# component under the same field name cannot be given a clean enum name.


@extend_schema_field(
    {"type": "string", "description": "One of: " + ", ".join(TargetKind.values) + "."}
)
class KindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TargetKind.choices, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "readOnly": True,
        "description": "One of: " + ", ".join(ObservationStatus.values) + ".",
    }
)
class StatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ObservationStatus.choices, read_only=True, **kwargs)


def _period(text: str) -> tuple[dt.date, dt.date]:
    try:
        return table_io.parse_period(text)
    except ValueError as exc:
        raise serializers.ValidationError("a period such as FY2019 or 2019-04") from exc


class ObservationDetailSerializer(read_api.ObservationSerializer):
    """An observation with its workflow fields."""

    status = StatusField()

    class Meta(read_api.ObservationSerializer.Meta):
        fields = [
            *read_api.ObservationSerializer.Meta.fields,
            "jump_reason",
            "return_note",
            "collection_round",
        ]


class RecordSerializer(serializers.Serializer[Any]):
    metric: serializers.SlugRelatedField[Metric] = serializers.SlugRelatedField(
        slug_field="code", queryset=Metric.objects.all()
    )
    org_unit: serializers.SlugRelatedField[OrgUnit] = unit_field("kpis.view")
    period = serializers.CharField(help_text="FY2019 for a fiscal year, 2019-04 for a month.")
    value = serializers.DecimalField(max_digits=24, decimal_places=8)
    unit = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="As entered; empty for the metric's unit (kWh is converted into MWh).",
    )
    source = serializers.CharField(  # type: ignore[assignment]
        required=False, allow_blank=True, default="", max_length=300
    )
    collection_round = ScopedPrimaryKeyField(
        queryset=CollectionRound.objects.all(),
        action="kpis.view",
        required=False,
        allow_null=True,
        default=None,
    )

    def validate_period(self, value: str) -> tuple[dt.date, dt.date]:
        return _period(value)


class SubmitSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the value moved more than the jump limit (required then).",
    )


class ReturnSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(help_text="What the unit should correct.")


class TargetWriteSerializer(serializers.Serializer[Any]):
    metric: serializers.SlugRelatedField[Metric] = serializers.SlugRelatedField(
        slug_field="code", queryset=Metric.objects.all()
    )
    fiscal_year = serializers.IntegerField(min_value=1901, max_value=2199)
    org_unit: serializers.SlugRelatedField[OrgUnit] = unit_field("kpis.view")
    kind = KindField()
    value = serializers.DecimalField(
        max_digits=24, decimal_places=8, required=False, allow_null=True, default=None
    )
    base_year = serializers.IntegerField(
        min_value=1901, max_value=2199, required=False, allow_null=True, default=None
    )
    legal_parameter = serializers.CharField(required=False, allow_blank=True, default="")


class TargetChangeSerializer(serializers.Serializer[Any]):
    """Fields left out keep their value."""

    kind = KindField(required=False)
    value = serializers.DecimalField(
        max_digits=24, decimal_places=8, required=False, allow_null=True
    )
    base_year = serializers.IntegerField(
        min_value=1901, max_value=2199, required=False, allow_null=True
    )
    legal_parameter = serializers.CharField(required=False, allow_blank=True)


class LinkSerializer(serializers.Serializer[Any]):
    initiative = serializers.IntegerField(help_text="The initiative's id (same fiscal year).")


class LinkedSerializer(serializers.Serializer[Any]):
    target = serializers.IntegerField()
    initiatives = serializers.ListField(child=serializers.IntegerField())


class RoundSerializer(serializers.ModelSerializer[CollectionRound]):
    org_unit: serializers.SlugRelatedField[OrgUnit] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    fiscal_year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    metrics: serializers.SlugRelatedField[Metric] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    units: serializers.SlugRelatedField[OrgUnit] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = CollectionRound
        fields = [
            "id",
            "title",
            "org_unit",
            "fiscal_year",
            "period_start",
            "period_end",
            "deadline",
            "metrics",
            "units",
            "is_closed",
        ]


class RoundOpenSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    org_unit: serializers.SlugRelatedField[OrgUnit] = unit_field(
        "kpis.view", help_text="The requesting unit."
    )
    fiscal_year = serializers.IntegerField(min_value=1901, max_value=2199)
    period = serializers.CharField(help_text="FY2019 for the fiscal year, 2019-04 for a month.")
    deadline = serializers.DateField()
    metrics: serializers.SlugRelatedField[Metric] = serializers.SlugRelatedField(
        slug_field="code", queryset=Metric.objects.all(), many=True
    )
    units: serializers.SlugRelatedField[OrgUnit] = unit_field(
        "kpis.view",
        many=True,
        help_text="Units asked, within the requesting unit's subtree.",
    )

    def validate_period(self, value: str) -> tuple[dt.date, dt.date]:
        return _period(value)


class UnitStatusSerializer(serializers.Serializer[Any]):
    org_unit = serializers.CharField()
    expected = serializers.IntegerField(help_text="Metrics asked.")
    submitted = serializers.IntegerField(help_text="Metrics answered (submitted or approved).")
    approved = serializers.IntegerField()
    state = serializers.ChoiceField(
        choices=[rounds.NOT_STARTED, rounds.IN_PROGRESS, rounds.SUBMITTED, rounds.APPROVED]
    )
    overdue = serializers.BooleanField()


class RoundStatusSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    org_unit = serializers.CharField(help_text="The requesting unit.")
    deadline = serializers.DateField()
    is_closed = serializers.BooleanField()
    units = UnitStatusSerializer(many=True, help_text="The asked units in the caller's scope.")


# --- viewsets -----------------------------------------------------------------------------


def _require_somewhere(request: Request, action: str) -> None:
    """403 for a caller who may not `action` anywhere; a unit outside the caller's scope is
    then refused by the scoped field as one that does not exist (400)."""
    if not can(request.user, action):
        raise service_errors(DjangoPermissionDenied(f"not allowed: {action}"))


def _call(function: Any, **kwargs: Any) -> Any:
    try:
        return function(**kwargs)
    except (DjangoValidationError, DjangoPermissionDenied) as exc:
        raise service_errors(exc) from exc


class ObservationWriteViewSet(mixins.CreateModelMixin, read_api.ObservationViewSet):
    """Observations in the caller's scope; POST records a value (a draft, or corrects one)."""

    def get_serializer_class(self) -> Any:
        if self.action in ("list", "retrieve"):
            return read_api.ObservationSerializer
        return ObservationDetailSerializer

    def _detail(self, observation: Observation, code: int = status.HTTP_200_OK) -> Response:
        observation.refresh_from_db()
        return Response(ObservationDetailSerializer(observation).data, status=code)

    @extend_schema(request=RecordSerializer, responses={201: ObservationDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a value for a metric, unit and period as a draft (kpis.change)."""
        _require_somewhere(request, "kpis.change")
        given = RecordSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        observation = _call(
            services.record_observation,
            actor=request.user,
            metric=data["metric"],
            org_unit=data["org_unit"],
            period_start=data["period"][0],
            period_end=data["period"][1],
            value=services.plain_number(data["value"]),  # as typed: 1500, not 1500.00000000
            unit=data["unit"],
            source=data["source"],
            collection_round=data["collection_round"],
        )
        return self._detail(observation, status.HTTP_201_CREATED)

    @extend_schema(request=SubmitSerializer, responses=ObservationDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """draft → submitted (kpis.submit). A large change against the previous period needs
        a `reason`: without one, 400 with the message on `jump_reason`."""
        observation = self.get_object()
        given = SubmitSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        _call(
            services.submit_observation,
            actor=request.user,
            observation=observation,
            reason=given.validated_data["reason"],
        )
        return self._detail(observation)

    @extend_schema(request=None, responses=ObservationDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """submitted → approved (kpis.approve)."""
        observation = self.get_object()
        _call(services.approve_observation, actor=request.user, observation=observation)
        return self._detail(observation)

    @extend_schema(request=ReturnSerializer, responses=ObservationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        """submitted → draft with a note (kpis.approve)."""
        observation = self.get_object()
        given = ReturnSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        _call(
            services.return_observation,
            actor=request.user,
            observation=observation,
            note=given.validated_data["note"],
        )
        return self._detail(observation)


class TargetWriteViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, read_api.TargetViewSet):
    """Targets in the caller's scope; POST creates one, PATCH changes its kind and value
    (kpis.manage)."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def _detail(self, target: Target, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.base_queryset.get(pk=target.pk)
        return Response(read_api.TargetSerializer(fresh).data, status=code)

    @extend_schema(request=TargetWriteSerializer, responses={201: read_api.TargetSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _require_somewhere(request, "kpis.manage")
        given = TargetWriteSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        base = data["base_year"]
        target = _call(
            services.create_target,
            actor=request.user,
            metric=data["metric"],
            fiscal_year=get_or_create_fiscal_year(data["fiscal_year"]),
            org_unit=data["org_unit"],
            kind=data["kind"],
            value=data["value"],
            base_year=get_or_create_fiscal_year(base) if base else None,
            legal_parameter=data["legal_parameter"],
        )
        return self._detail(target, status.HTTP_201_CREATED)

    @extend_schema(request=TargetChangeSerializer, responses=read_api.TargetSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        given = TargetChangeSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        base = data.get("base_year", target.base_year.year if target.base_year else None)
        _call(
            services.update_target,
            actor=request.user,
            target=target,
            kind=data.get("kind", target.kind),
            value=data.get("value", target.value),
            base_year=get_or_create_fiscal_year(base) if base else None,
            legal_parameter=data.get("legal_parameter", target.legal_parameter),
        )
        return self._detail(target)

    @extend_schema(exclude=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=LinkSerializer, responses=LinkedSerializer)
    @action(detail=True, methods=["post"])
    def initiatives(self, request: Request, pk: str) -> Response:
        """Link the target to an initiative of the same fiscal year (kpis.manage)."""
        target = self.get_object()
        given = LinkSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        initiative = (
            cycle_selectors.initiatives(viewer=request.user)
            .filter(pk=given.validated_data["initiative"])
            .first()
        )
        if initiative is None:
            raise serializers.ValidationError({"initiative": ["No such initiative."]})
        _call(
            initiative_ratings.link_target,
            actor=request.user,
            target=target,
            initiative=initiative,
        )
        ids = sorted(target.initiatives.values_list("pk", flat=True))
        return Response({"target": target.pk, "initiatives": ids})


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Collection rounds requested by, or asking, a unit in the caller's scope."""

    serializer_class = RoundSerializer
    filterset_fields = ["is_closed"]

    def get_queryset(self) -> Any:
        return (
            collection.visible_rounds(self.request.user)
            .select_related("org_unit", "fiscal_year")
            .prefetch_related("metrics", "units")
            .order_by("deadline", "pk")
        )

    @extend_schema(request=RoundOpenSerializer, responses={201: RoundSerializer})
    def create(self, request: Request) -> Response:
        """Open a round: ask units (within `org_unit`) for metrics over one period
        (kpis.manage on `org_unit`)."""
        _require_somewhere(request, "kpis.manage")
        given = RoundOpenSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            made = rounds.open_round(
                actor=request.user,
                org_unit=data["org_unit"],
                title=data["title"],
                fiscal_year=data["fiscal_year"],
                period_start=data["period"][0],
                period_end=data["period"][1],
                deadline=data["deadline"],
                metrics=data["metrics"],
                units=data["units"],
            )
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            if isinstance(detail, dict) and "period_start" in detail:
                detail["period"] = detail.pop("period_start")
            raise serializers.ValidationError(detail) from exc
        except DjangoPermissionDenied as exc:
            raise service_errors(exc) from exc
        return Response(
            RoundSerializer(self.get_queryset().get(pk=made.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses=RoundStatusSerializer)
    @action(detail=True, methods=["get"])
    def status(self, request: Request, pk: str) -> Response:
        """Where each asked unit in the caller's scope stands."""
        found = self.get_object()
        view = collection.round_views(request.user, [found], timezone.localdate())[0]
        return Response(
            {
                "id": found.pk,
                "org_unit": found.org_unit.code,
                "deadline": found.deadline,
                "is_closed": found.is_closed,
                "units": [
                    {
                        "org_unit": u.unit.code,
                        "expected": u.expected,
                        "submitted": u.submitted,
                        "approved": u.approved,
                        "state": u.state,
                        "overdue": u.overdue,
                    }
                    for u in view.units
                ],
            }
        )


# --- registration -------------------------------------------------------------------------


def _extend(router: DefaultRouter, prefix: str, viewset: Any) -> None:
    """Serve `prefix` with `viewset`, a subclass of the read side's viewset registered there,
    so that one address answers GET (the read side's) and POST/PATCH (this module's)."""
    for index, (registered, current, basename) in enumerate(router.registry):
        if registered == prefix:
            if not issubclass(viewset, current):
                raise TypeError(f"{viewset.__name__} does not extend {current.__name__}")
            router.registry[index] = (registered, viewset, basename)
            return
    raise LookupError(f"the read side registers no {prefix!r}; register it first")


def register(router: DefaultRouter) -> None:
    """After `tatara.kpis.api.register`: extends its observation and target endpoints."""
    _extend(router, "kpis/observations", ObservationWriteViewSet)
    _extend(router, "kpis/targets", TargetWriteViewSet)
    router.register("kpis/rounds", RoundViewSet, basename="kpi-round")
