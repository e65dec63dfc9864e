"""Items and parties (with their screening and blocks) and their files (record_io_api.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from tatara.core.api import service_errors, unit_field
from tatara.export_control import services
from tatara.export_control.api.common import (
    REVIEW,
    VIEW,
    UsableRecordField,
    _call,
    _one_of,
    _WriteViewSet,
)
from tatara.export_control.choices import (
    ItemKind,
    PartyKind,
    PartyRole,
)
from tatara.export_control.models import (
    ControlRow,
    Item,
    Party,
    PartyBlock,
)
from tatara.export_control.record_io_api import RecordFilesMixin
from tatara.export_control.selectors import usable
from tatara.screening import namesakes

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
