"""Transactions: created and screened, the latest run with its reasons, the shipment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tatara.core.api import unit_field
from tatara.export_control import reasons, services
from tatara.export_control.api.common import (
    VIEW,
    UsableRecordField,
    _call,
    _one_of,
    _WriteViewSet,
)
from tatara.export_control.api.records import ScreeningHitSerializer
from tatara.export_control.choices import (
    Outcome,
    PartyRole,
    TransactionKind,
    TransactionStatus,
)
from tatara.export_control.models import (
    Item,
    Party,
    ScreeningRun,
    Transaction,
)

# --- transactions ----------------------------------------------------------------------------


class ReasonSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="party, country, item or end_use.")
    severity = serializers.CharField(help_text="info, review, licence_required or blocked.")
    code = serializers.CharField(help_text="The rule, e.g. party-strong-hit, country-group-d.")
    text = serializers.CharField(help_text="The reason in English, as recorded.")
    message = serializers.SerializerMethodField(
        help_text="The reason in the request's language (Accept-Language)."
    )
    params = serializers.DictField(required=False, help_text="The values in the message.")
    party = serializers.IntegerField(required=False, allow_null=True)
    party_name = serializers.CharField(required=False)
    strong = serializers.BooleanField(required=False)
    hits = ScreeningHitSerializer(many=True, required=False)
    item_code = serializers.CharField(required=False)
    term = serializers.CharField(required=False)
    category = serializers.CharField(required=False)

    def get_message(self, reason: dict[str, Any]) -> str:
        return reasons.render(reason)


class ScreeningRunSerializer(serializers.ModelSerializer[ScreeningRun]):
    outcome = serializers.CharField(help_text=_one_of(Outcome))
    trigger = serializers.CharField(help_text="save, change, rescreen or manual.")
    reasons = ReasonSerializer(many=True)
    list_versions = serializers.ListField(child=serializers.JSONField())

    class Meta:
        model = ScreeningRun
        fields = [
            "id",
            "at",
            "trigger",
            "actor_label",
            "destination_group",
            "outcome",
            "reasons",
            "list_versions",
        ]


class TransactionLineSerializer(serializers.Serializer[Any]):
    item = UsableRecordField(Item, usable_above=True)
    quantity = serializers.DecimalField(max_digits=18, decimal_places=4, default=Decimal(1))
    unit = serializers.CharField(required=False, allow_blank=True, default="")


class TransactionPartySerializer(serializers.Serializer[Any]):
    party = UsableRecordField(Party, usable_above=True)
    role = serializers.CharField(help_text=_one_of(PartyRole))


class TransactionSerializer(serializers.ModelSerializer[Transaction]):
    org_unit = unit_field("export_control.view")
    transaction_kind = serializers.ChoiceField(
        choices=TransactionKind.choices, default=TransactionKind.SHIPMENT
    )
    status = serializers.CharField(read_only=True, help_text=_one_of(TransactionStatus))
    lines = TransactionLineSerializer(many=True, required=False)
    parties = TransactionPartySerializer(many=True, required=False, source="party_links")
    latest_run = serializers.SerializerMethodField()
    licence_needed_for = serializers.SerializerMethodField(
        help_text="Codes of the items a licence valid on the shipment date must still cover."
    )
    shipment_findings = serializers.SerializerMethodField(
        help_text="What the shipment lacked of the decision its last screening required "
        "(shipped-while-blocked, shipped-prohibited, shipped-without-decision, "
        "shipped-without-licence, shipped-outside-licence); empty when clean or not shipped."
    )

    class Meta:
        model = Transaction
        fields = [
            "id",
            "org_unit",
            "reference",
            "transaction_kind",
            "date",
            "destination",
            "end_use",
            "status",
            "shipped_on",
            "lines",
            "parties",
            "latest_run",
            "licence_needed_for",
            "shipment_findings",
        ]
        read_only_fields = ["shipped_on"]

    def get_licence_needed_for(self, transaction: Transaction) -> list[str]:
        return [code for _pk, code in services.standing_of(transaction).missing]

    def get_shipment_findings(self, transaction: Transaction) -> list[str]:
        return list(services.shipment_findings_of(transaction))

    @extend_schema_field(ScreeningRunSerializer(allow_null=True))
    def get_latest_run(self, transaction: Transaction) -> dict[str, Any] | None:
        run = services.latest_run(transaction)
        return ScreeningRunSerializer(run, context=self.context).data if run else None


def _transaction_arguments(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "lines" in data:
        data["lines"] = [dict(line) for line in data["lines"]]
    if "party_links" in data:
        data["parties"] = [dict(link) for link in data.pop("party_links")]
    return data


class ShipmentSerializer(serializers.Serializer[Any]):
    shipped_on = serializers.DateField()


class TransactionViewSet(mixins.UpdateModelMixin, _WriteViewSet):
    """Transactions; each create or change is screened (a new run), the result in latest_run."""

    base_queryset = Transaction.objects.select_related("org_unit").prefetch_related(
        "lines", "party_links"
    )
    view_action = VIEW
    serializer_class = TransactionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = "[0-9]+"

    def perform_create(self, serializer: Any) -> None:
        data = _transaction_arguments(serializer.validated_data)
        serializer.instance = _call(services.create_transaction, actor=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        data = _transaction_arguments(serializer.validated_data)
        data.pop("org_unit", None)
        serializer.instance = _call(
            services.update_transaction,
            actor=self.request.user,
            transaction=serializer.instance,
            **data,
        )

    @extend_schema(request=None, responses=ScreeningRunSerializer)
    @action(detail=True, methods=["post"])
    def screen(self, request: Request, pk: str) -> Response:
        """Screen the transaction again now (a new run)."""
        run = _call(services.screen_transaction, actor=request.user, transaction=self.get_object())
        return Response(ScreeningRunSerializer(run, context=self.get_serializer_context()).data)

    @extend_schema(responses=ScreeningRunSerializer(many=True))
    @action(detail=True, methods=["get"])
    def runs(self, request: Request, pk: str) -> Response:
        """Every screening run of the transaction, newest first."""
        transaction = self.get_object()
        return Response(
            ScreeningRunSerializer(
                transaction.runs.all(), many=True, context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=ShipmentSerializer, responses=TransactionSerializer)
    @action(detail=True, methods=["post"])
    def shipment(self, request: Request, pk: str) -> Response:
        """Record the day the transaction shipped."""
        body = ShipmentSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        transaction = _call(
            services.record_shipment,
            actor=request.user,
            transaction=self.get_object(),
            shipped_on=body.validated_data["shipped_on"],
        )
        return Response(
            TransactionSerializer(transaction, context=self.get_serializer_context()).data
        )
