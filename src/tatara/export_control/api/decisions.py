"""Decisions on a transaction's screening and the second approval of an override."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tatara.core.api import ScopedViewSet, service_errors
from tatara.core.permissions import can
from tatara.export_control import services
from tatara.export_control.api.common import (
    REVIEW,
    VIEW,
    UsableRecordField,
    _call,
)
from tatara.export_control.choices import (
    ApprovalGround,
    DecisionKind,
)
from tatara.export_control.models import (
    Decision,
    Transaction,
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
