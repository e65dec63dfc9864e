"""Control-list rows and countries with their dated groups (read only; group-wide
reference data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers

from tatara.core.api import ScopedViewSet
from tatara.export_control.api.common import (
    VIEW,
)
from tatara.export_control.countries import group_on
from tatara.export_control.models import (
    ControlRow,
    Country,
)

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
