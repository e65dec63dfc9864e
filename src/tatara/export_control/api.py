"""REST API of the export_control area under /api/v1/export-control/: control rows and
countries (read), items, parties (with their screening), transactions (create → screened; the
latest run with its reasons), decisions (POST) and the second approval of an override
(POST decisions/{id}/approve/), parties blocked in the party master (POST parties/{id}/block/,
unblock/, unblock/approve/, parties/block-from-alert/), and items and parties in and out of files (record_io_api.py:
import/, import/{job}/, export/). Thin over services; reads through the gate
("export_control.view"), rows outside the caller's scope answer 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from tatara.core.api import ScopedPrimaryKeyField, ScopedViewSet, service_errors, unit_field
from tatara.core.permissions import can
from tatara.export_control import reasons, services
from tatara.export_control.choices import (
    ApprovalGround,
    DecisionKind,
    ItemKind,
    Outcome,
    PartyKind,
    PartyRole,
    TransactionKind,
    TransactionStatus,
)
from tatara.export_control.countries import group_on
from tatara.export_control.models import (
    ControlRow,
    Country,
    Decision,
    Item,
    Party,
    PartyBlock,
    ScreeningRun,
    Transaction,
)
from tatara.export_control.record_io_api import RecordFilesMixin
from tatara.export_control.selectors import usable
from tatara.screening import namesakes

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


# --- reference data ---------------------------------------------------------------------------


class ControlRowSerializer(serializers.ModelSerializer[ControlRow]):
    title_ja = serializers.SerializerMethodField()

    class Meta:
        model = ControlRow
        fields = ["code", "title", "title_ja", "source"]

    def get_title_ja(self, row: ControlRow) -> str:
        return str(row.localized("title", "ja"))


class CountryPeriodSerializer(serializers.Serializer[Any]):
    group = serializers.CharField(help_text="A, B, C or D.")
    arms_embargo = serializers.BooleanField()
    embargo = serializers.BooleanField()
    valid_from = serializers.DateField()
    verified = serializers.BooleanField()
    note = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]


class CountrySerializer(serializers.ModelSerializer[Country]):
    name_ja = serializers.SerializerMethodField()
    group = serializers.SerializerMethodField(help_text="The group on `on` (default today).")
    periods = CountryPeriodSerializer(many=True, read_only=True)

    class Meta:
        model = Country
        fields = ["code", "name", "name_ja", "group", "periods"]

    def get_name_ja(self, country: Country) -> str:
        return str(country.localized("name", "ja"))

    def get_group(self, country: Country) -> str | None:
        period = group_on(country, self.context.get("on") or dt.date.today())
        return period.group if period else None


class ControlRowViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Rows of Japan's Export Trade Control Order, Appended Table 1 (16 = catch-all)."""

    base_queryset = ControlRow.objects.all()
    view_action = VIEW
    serializer_class = ControlRowSerializer
    lookup_field = "code"
    lookup_value_regex = "[0-9-]+"
    pagination_class = None


ON = OpenApiParameter("on", OpenApiTypes.DATE, description="The day of the group (default today).")


@extend_schema(parameters=[ON])
class CountryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Countries with their dated Japanese export-control groups."""

    base_queryset = Country.objects.prefetch_related("periods")
    view_action = VIEW
    serializer_class = CountrySerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z]{2}"
    pagination_class = None

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        raw = self.request.query_params.get("on") if hasattr(self, "request") else None
        try:
            context["on"] = dt.date.fromisoformat(raw) if raw else None
        except ValueError as exc:
            raise serializers.ValidationError({"on": "YYYY-MM-DD"}) from exc
        return context

    def get_object(self) -> Any:
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object()


# --- items and parties ------------------------------------------------------------------------


class ItemSerializer(serializers.ModelSerializer[Item]):
    org_unit = unit_field("export_control.view")
    control_row = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ControlRow.objects.all(),
        allow_null=True,
        required=False,
        help_text="Appended Table 1 row (1 … 15, 16 = catch-all only); null: not listed.",
    )
    item_kind = serializers.ChoiceField(choices=ItemKind.choices, default=ItemKind.GOODS)

    class Meta:
        model = Item
        fields = [
            "id",
            "org_unit",
            "code",
            "name",
            "item_kind",
            "control_row",
            "sub_item",
            "catch_all_applicable",
            "foreign_classifications",
            "notes",
        ]


class ScreeningHitSerializer(serializers.Serializer[Any]):
    score = serializers.FloatField()
    list_source = serializers.CharField()
    list_name = serializers.CharField()
    list_entry_id = serializers.CharField()
    matched_name = serializers.CharField()
    strength = serializers.CharField(help_text="strong, alert or weak.")
    programmes = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField())
    screened_name = serializers.CharField()
    entry_identity = serializers.CharField(
        required=False, help_text="Who the list entry is (a hash of its names, dates, ids)."
    )
    cleared_before = serializers.SerializerMethodField(
        help_text="Cleared before as not a match (decision 0019): the clearing as the viewer "
        'may see it ({"visible": true, "id", "decision_url", "decided_by", "reason", ...}, '
        'or {"visible": false}); null when not.'
    )

    def get_cleared_before(self, hit: Any) -> dict[str, Any] | None:
        clearing = hit.get("cleared_before") if isinstance(hit, dict) else None
        if not clearing:
            return None
        mark = namesakes.MarkerCache.of(self.context).get(clearing)
        return mark.to_json() if mark else None


class PartyBlockSerializer(serializers.ModelSerializer[PartyBlock]):
    class Meta:
        model = PartyBlock
        fields = [
            "id",
            "reason",
            "alert",
            "blocked_by_label",
            "blocked_at",
            "lift_reason",
            "lift_requested_by_label",
            "lift_requested_at",
            "lifted_by_label",
            "lifted_at",
        ]
        read_only_fields = fields


class PartySerializer(serializers.ModelSerializer[Party]):
    org_unit = unit_field("export_control.view")
    party_kind = serializers.ChoiceField(choices=PartyKind.choices, default=PartyKind.ENTITY)
    aliases = serializers.ListField(child=serializers.CharField(), required=False)
    roles = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_one_of(PartyRole)
    )
    identifiers = serializers.DictField(child=serializers.CharField(), required=False)
    screening_outcome = serializers.CharField(
        read_only=True, help_text="clear, review or strong (empty: not screened)."
    )
    screening_hits = ScreeningHitSerializer(many=True, read_only=True)
    block = serializers.SerializerMethodField(
        help_text="The block in force in the party master (null: not blocked)."
    )

    class Meta:
        model = Party
        fields = [
            "id",
            "org_unit",
            "code",
            "name",
            "party_kind",
            "aliases",
            "address",
            "country",
            "date_of_birth",
            "identifiers",
            "roles",
            "screened_at",
            "screening_outcome",
            "screening_hits",
            "block",
        ]
        read_only_fields = ["screened_at"]

    @extend_schema_field(PartyBlockSerializer(allow_null=True))
    def get_block(self, party: Party) -> dict[str, Any] | None:
        block = party.active_block()
        return PartyBlockSerializer(block).data if block else None


class ReasonBodySerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class AlertBlockSerializer(serializers.Serializer[Any]):
    alert = serializers.IntegerField(help_text="A batch alert confirmed as a match.")
    reason = serializers.CharField()
    party = UsableRecordField(
        Party, action_name=REVIEW, usable_above=True, required=False, allow_null=True
    )
    code = serializers.CharField(required=False, allow_blank=True, default="")


class _WriteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # refuse before validating the body: a unit outside the scope is neither confirmed
        # nor denied
        if not can(request.user, CHANGE):
            raise service_errors(DjangoPermissionDenied(f"not allowed: {CHANGE}"))
        return super().create(request, *args, **kwargs)


class ItemViewSet(RecordFilesMixin, mixins.UpdateModelMixin, _WriteViewSet):
    """Items and technologies with their classification."""

    records = "items"
    base_queryset = Item.objects.select_related("org_unit", "control_row")
    view_action = VIEW
    serializer_class = ItemSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return usable(Item, viewer=self.request.user, queryset=self.base_queryset)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = _call(services.create_item, actor=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("org_unit", None)
        serializer.instance = _call(
            services.update_item, actor=self.request.user, item=serializer.instance, **data
        )


class PartyViewSet(RecordFilesMixin, mixins.UpdateModelMixin, _WriteViewSet):
    """Customers, consignees, end users and intermediaries, with their last screening."""

    records = "parties"
    base_queryset = Party.objects.select_related("org_unit")
    view_action = VIEW
    serializer_class = PartySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return usable(Party, viewer=self.request.user, queryset=self.base_queryset)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = _call(services.create_party, actor=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("org_unit", None)
        serializer.instance = _call(
            services.update_party, actor=self.request.user, party=serializer.instance, **data
        )

    @extend_schema(request=None, responses=PartySerializer)
    @action(detail=True, methods=["post"])
    def screen(self, request: Request, pk: str) -> Response:
        """Screen the party again against the active lists."""
        party = _call(services.screen_party, actor=request.user, party=self.get_object())
        return Response(PartySerializer(party, context=self.get_serializer_context()).data)

    def _party_response(self, party: Party, status: int = 200) -> Response:
        party.refresh_from_db()
        data = PartySerializer(party, context=self.get_serializer_context()).data
        return Response(data, status=status)

    @extend_schema(request=ReasonBodySerializer, responses=PartySerializer)
    @action(detail=True, methods=["post"])
    def block(self, request: Request, pk: str) -> Response:
        """Block the party in the party master: every open transaction it is on is blocked."""
        body = ReasonBodySerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        party = self.get_object()
        _call(services.block_party, actor=request.user, party=party, **body.validated_data)
        return self._party_response(party)

    @extend_schema(request=ReasonBodySerializer, responses=PartySerializer)
    @action(detail=True, methods=["post"])
    def unblock(self, request: Request, pk: str) -> Response:
        """Ask to lift the party's block, with a reason (another person approves)."""
        body = ReasonBodySerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        party = self.get_object()
        block = party.active_block()
        if block is None:
            raise service_errors(DjangoValidationError(f"{party} is not blocked."))
        _call(
            services.request_party_unblock,
            actor=request.user,
            block=block,
            reason=body.validated_data["reason"],
        )
        return self._party_response(party)

    @extend_schema(request=None, responses=PartySerializer)
    @action(detail=True, methods=["post"], url_path="unblock/approve")
    def approve_unblock(self, request: Request, pk: str) -> Response:
        """Lift the party's block: the second approval ("export_control.approve", not the
        person who asked)."""
        party = self.get_object()
        block = party.active_block()
        if block is None:
            raise service_errors(DjangoValidationError(f"{party} is not blocked."))
        _call(services.approve_party_unblock, actor=request.user, block=block)
        return self._party_response(party)

    @extend_schema(request=AlertBlockSerializer, responses={201: PartySerializer})
    @action(detail=False, methods=["post"], url_path="block-from-alert")
    def block_from_alert(self, request: Request) -> Response:
        """Block the party a confirmed batch alert names in the party master of the batch's
        unit (`party`, or by `code`, or by name), or create it blocked."""
        from tatara.screening.models import BatchAlert

        body = AlertBlockSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        alert = (
            BatchAlert.objects.visible_to(request.user, "screening.view")
            .select_related("batch__org_unit")
            .filter(pk=data.pop("alert"))
            .first()
        )
        if alert is None:
            raise NotFound()
        block = _call(services.block_party_from_alert, actor=request.user, alert=alert, **data)
        return self._party_response(block.party, status=201)


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


# --- decisions -------------------------------------------------------------------------------


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    transaction = UsableRecordField(Transaction)
    decision_kind = serializers.ChoiceField(choices=DecisionKind.choices)
    is_pending_approval = serializers.BooleanField(read_only=True)
    items = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        write_only=True,
        help_text="A licence: the ids of the transaction's items it covers (required).",
    )
    licensed_items: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    approval_grounds = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Why it needs a second approval: " + ", ".join(ApprovalGround.values) + ".",
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "transaction",
            "screening_run",
            "decision_kind",
            "reason",
            "licence_number",
            "valid_from",
            "valid_until",
            "items",
            "licensed_items",
            "approval_grounds",
            "decided_by_label",
            "decided_at",
            "needs_second_approval",
            "is_pending_approval",
            "approved_by_label",
            "approved_at",
            "retention_until",
        ]
        read_only_fields = [
            "screening_run",
            "decided_by_label",
            "decided_at",
            "needs_second_approval",
            "approved_by_label",
            "approved_at",
            "retention_until",
        ]


class DecisionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Decisions on screened transactions; clearing a strong hit waits for a second approval."""

    base_queryset = Decision.objects.select_related("transaction")
    view_action = VIEW
    serializer_class = DecisionSerializer
    lookup_value_regex = "[0-9]+"

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not can(request.user, REVIEW):
            raise service_errors(DjangoPermissionDenied(f"not allowed: {REVIEW}"))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        if data["decision_kind"] != DecisionKind.LICENCE:
            data.pop("items", None)
        serializer.instance = _call(services.decide, actor=self.request.user, **data)

    @extend_schema(request=None, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """The second approval of a decision that needs one (another user,
        "export_control.approve"): see its approval_grounds."""
        decision = _call(services.approve_override, actor=request.user, decision=self.get_object())
        return Response(DecisionSerializer(decision, context=self.get_serializer_context()).data)


def register(router: DefaultRouter) -> None:
    router.register("export-control/control-rows", ControlRowViewSet, basename="export-row")
    router.register("export-control/countries", CountryViewSet, basename="export-country")
    router.register("export-control/items", ItemViewSet, basename="export-item")
    router.register("export-control/parties", PartyViewSet, basename="export-party")
    router.register(
        "export-control/transactions", TransactionViewSet, basename="export-transaction"
    )
    router.register("export-control/decisions", DecisionViewSet, basename="export-decision")
