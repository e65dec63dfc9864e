"""REST API of the yearly cycle: thin over services and selectors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from tatara.core.api import ScopedViewSet, service_errors, unit_field
from tatara.core.permissions import can
from tatara.cycle import services, table_export
from tatara.cycle.choices import Column, Rating
from tatara.cycle.models import CycleYear, Initiative, Subject


class SubjectSerializer(serializers.ModelSerializer[Subject]):
    title_ja = serializers.SerializerMethodField()

    class Meta:
        model = Subject
        fields = ["id", "number", "code", "title", "title_ja", "iso26000_clause", "iso26000_title"]

    def get_title_ja(self, obj: Subject) -> str:
        return str(obj.localized("title", "ja"))


class CycleYearSerializer(serializers.ModelSerializer[CycleYear]):
    year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    start_date = serializers.DateField(source="fiscal_year.start_date", read_only=True)
    end_date = serializers.DateField(source="fiscal_year.end_date", read_only=True)

    class Meta:
        model = CycleYear
        fields = [
            "year",
            "start_date",
            "end_date",
            "phase",
            "plan_due",
            "results_due",
            "review_due",
            "note",
        ]
        read_only_fields = ["phase"]


class InitiativeSerializer(serializers.ModelSerializer[Initiative]):
    year = serializers.IntegerField(source="cycle.fiscal_year.year", read_only=True)
    subject = serializers.SlugRelatedField(slug_field="number", queryset=Subject.objects.all())
    owner_unit = unit_field("cycle.view")
    planned = serializers.ListField(child=serializers.CharField(), write_only=False)
    results = serializers.ListField(child=serializers.CharField(), read_only=True)
    next_planned = serializers.ListField(child=serializers.CharField(), required=False)
    predecessor: serializers.PrimaryKeyRelatedField[Initiative] = (
        serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    )

    class Meta:
        model = Initiative
        fields = [
            "id",
            "year",
            "subject",
            "position",
            "owner_unit",
            "status",
            "planned",
            "results",
            "proposed_rating",
            "rating",
            "next_planned",
            "review_note",
            "notes",
            "predecessor",
            "drafted_by_label",
            "proposed_by_label",
            "plan_waiver",
            "rating_waiver",
        ]
        read_only_fields = [
            "status",
            "proposed_rating",
            "rating",
            "review_note",
            "position",
            "drafted_by_label",
            "proposed_by_label",
            "plan_waiver",
            "rating_waiver",
        ]

    def to_representation(self, instance: Initiative) -> dict[str, Any]:
        data = super().to_representation(instance)
        for field, column in (
            ("planned", Column.PLANNED),
            ("results", Column.RESULT),
            ("next_planned", Column.NEXT),
        ):
            data[field] = [m.text for m in instance.items(column)]
        return data


class ItemsSerializer(serializers.Serializer[Any]):
    results = serializers.ListField(child=serializers.CharField(), required=False)
    next_planned = serializers.ListField(child=serializers.CharField(), required=False)
    planned = serializers.ListField(child=serializers.CharField(), required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class OpenYearSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="FY2019 = 2019")


WAIVER_HELP = (
    "Segregation of duties: why the CSR Management Office takes this second step itself (it "
    "drafted the plan, or proposed the rating). Required then; refused for anyone else."
)


class RatingSerializer(serializers.Serializer[Any]):
    rating = serializers.ChoiceField(choices=Rating.choices, required=False)
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Why, when the rating differs from the one proposed before (required then).",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Why, when the confirmed rating differs from the proposal (required then).",
    )
    waiver = serializers.CharField(required=False, allow_blank=True, help_text=WAIVER_HELP)


class ApproveSerializer(serializers.Serializer[Any]):
    waiver = serializers.CharField(required=False, allow_blank=True, help_text=WAIVER_HELP)


class CycleYearChangeSerializer(serializers.Serializer[Any]):
    """Fields left out keep their value."""

    plan_due = serializers.DateField(required=False, allow_null=True)
    results_due = serializers.DateField(required=False, allow_null=True)
    review_due = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class SubjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The subjects of the CSR table (ISO 26000 core subjects and two framework items)."""

    base_queryset = Subject.objects.all()
    view_action = "cycle.view"
    serializer_class = SubjectSerializer
    pagination_class = None


class FiscalYearViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Fiscal years of the cycle; PATCH changes the deadlines and note (cycle.manage, an open
    year only), `carry-forward` opens the next one and closes this one, `table` exports."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    base_queryset = CycleYear.objects.select_related("fiscal_year").order_by("-fiscal_year__year")
    view_action = "cycle.view"
    serializer_class = CycleYearSerializer
    lookup_field = "year"
    lookup_url_kwarg = "year"
    lookup_value_regex = r"\d{4}"

    def get_object(self) -> CycleYear:
        obj = self.get_queryset().filter(fiscal_year__year=self.kwargs["year"]).first()
        if obj is None:
            raise Http404
        return obj

    @extend_schema(
        request=OpenYearSerializer,
        responses=CycleYearSerializer,
    )
    def create(self, request: Request) -> Response:
        body = OpenYearSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            cycle = services.open_year(actor=request.user, year=body.validated_data["year"])
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise service_errors(exc) from exc
        return Response(CycleYearSerializer(cycle).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CycleYearChangeSerializer, responses=CycleYearSerializer)
    def partial_update(self, request: Request, year: str) -> Response:
        cycle = self.get_object()
        body = CycleYearChangeSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            updated = services.update_year(
                actor=request.user,
                cycle=cycle,
                plan_due=data.get("plan_due", cycle.plan_due),
                results_due=data.get("results_due", cycle.results_due),
                review_due=data.get("review_due", cycle.review_due),
                note=data.get("note", cycle.note),
            )
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise service_errors(exc) from exc
        return Response(CycleYearSerializer(updated).data)

    @extend_schema(request=None, responses=CycleYearSerializer)
    @action(detail=True, methods=["post"], url_path="carry-forward")
    def carry_forward(self, request: Request, year: str) -> Response:
        try:
            new_cycle = services.carry_forward(actor=request.user, cycle=self.get_object())
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise service_errors(exc) from exc
        return Response(CycleYearSerializer(new_cycle).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=list(table_export.FORMATS), default="csv"
            )
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="table")
    def table(self, request: Request, year: str) -> HttpResponse:
        """The year's table in the seed's four columns: csv, xlsx, md, html or pdf."""
        fmt = request.query_params.get("format", "csv")
        if fmt not in table_export.FORMATS:
            raise serializers.ValidationError(
                {"format": f"one of {', '.join(table_export.FORMATS)}"}
            )
        if not can(request.user, "cycle.export"):
            raise service_errors(DjangoPermissionDenied("not allowed: cycle.export"))
        cycle = self.get_object()
        data, content_type, filename = table_export.export_table(
            viewer=request.user, year=cycle.year, fmt=fmt
        )
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class InitiativeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Initiatives (rated rows) and their transitions: approve → results → propose → confirm."""

    base_queryset = Initiative.objects.select_related(
        "cycle__fiscal_year", "subject", "owner_unit"
    ).prefetch_related("measures")
    view_action = "cycle.view"
    serializer_class = InitiativeSerializer
    filterset_fields = {
        "cycle__fiscal_year__year": ["exact"],
        "subject__number": ["exact"],
        "status": ["exact"],
        "rating": ["exact"],
    }
    ordering_fields = ["subject__number", "position", "rating"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Refuse before validating the body, so that a unit code outside the caller's scope
        # is neither confirmed nor denied.
        if not can(request.user, "cycle.manage"):
            raise service_errors(DjangoPermissionDenied("not allowed: cycle.manage"))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        year = str(self.request.query_params.get("year") or self.request.data.get("year") or "")
        cycle = CycleYear.objects.filter(
            fiscal_year__year=int(year) if year.isdigit() else -1
        ).first()
        if cycle is None:
            raise serializers.ValidationError(
                {"year": "open the fiscal year first (POST /api/v1/fiscal-years/)"}
            )
        data = serializer.validated_data
        try:
            serializer.instance = services.create_initiative(
                actor=self.request.user,
                cycle=cycle,
                subject=data["subject"],
                owner_unit=data["owner_unit"],
                planned=data["planned"],
                next_planned=data.get("next_planned", []),
                notes=data.get("notes", ""),
            )
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise service_errors(exc) from exc

    def _run(self, fn: Any, **kwargs: Any) -> Response:
        initiative = self.get_object()
        try:
            fn(actor=self.request.user, initiative=initiative, **kwargs)
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise service_errors(exc) from exc
        fresh = self.get_queryset().get(pk=initiative.pk)
        return Response(InitiativeSerializer(fresh).data)

    @extend_schema(request=ApproveSerializer, responses=InitiativeSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve the draft plan (cycle.approve); its drafter only with a `waiver`."""
        body = ApproveSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        return self._run(services.approve_plan, waiver=body.validated_data.get("waiver", ""))

    @extend_schema(request=ItemsSerializer, responses=InitiativeSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request: Request, pk: str) -> Response:
        body = ItemsSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        return self._run(
            services.revise_plan,
            planned=body.validated_data.get("planned", []),
            reason=body.validated_data.get("reason", ""),
        )

    @extend_schema(request=ItemsSerializer, responses=InitiativeSerializer)
    @action(detail=True, methods=["post"])
    def results(self, request: Request, pk: str) -> Response:
        body = ItemsSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self._run(
            services.enter_results,
            results=data.get("results"),
            next_planned=data.get("next_planned"),
            notes=data.get("notes"),
        )

    @extend_schema(request=RatingSerializer, responses=InitiativeSerializer)
    @action(detail=True, methods=["post"], url_path="propose-rating")
    def propose_rating(self, request: Request, pk: str) -> Response:
        body = RatingSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        if "rating" not in body.validated_data:
            raise serializers.ValidationError({"rating": "required"})
        return self._run(
            services.propose_rating,
            rating=int(body.validated_data["rating"]),
            comment=body.validated_data.get("comment", ""),
        )

    @extend_schema(request=RatingSerializer, responses=InitiativeSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-rating")
    def confirm_rating(self, request: Request, pk: str) -> Response:
        body = RatingSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        rating = body.validated_data.get("rating")
        return self._run(
            services.confirm_rating,
            rating=int(rating) if rating else None,
            note=body.validated_data.get("note", ""),
            waiver=body.validated_data.get("waiver", ""),
        )

    @extend_schema(request=RatingSerializer, responses=InitiativeSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str) -> Response:
        body = RatingSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        return self._run(services.return_for_rework, note=body.validated_data.get("note", ""))


def register(router: DefaultRouter) -> None:
    router.register("subjects", SubjectViewSet, basename="subject")
    router.register("fiscal-years", FiscalYearViewSet, basename="fiscal-year")
    router.register("initiatives", InitiativeViewSet, basename="initiative")
