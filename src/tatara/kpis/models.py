"""KPIs: metrics (group-wide reference data), dated legal parameters, targets and observations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tatara.core.models import FiscalYear, TranslatableModel
from tatara.core.scoping import ScopedQuerySet
from tatara.cycle.models import Subject
from tatara.kpis.choices import (
    Aggregation,
    Direction,
    Frequency,
    MetricKind,
    ObservationStatus,
    TargetKind,
)
from tatara.kpis.units import check_unit
from tatara.organisation.models import OrgUnit

DIGITS, PLACES = 24, 8


class Metric(TranslatableModel):
    """What is measured: a code, a unit (a pint unit string) and how it aggregates.

    A ratio (landfill rate = landfilled / generated, in percent) or an intensity (CO2 per
    production unit) names its numerator and denominator metrics; up the organisation tree it
    is recomputed from their sums, never averaged.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=40, validators=[check_unit])
    kind = models.CharField(
        _("kind"), max_length=20, choices=MetricKind.choices, default=MetricKind.ABSOLUTE
    )
    numerator = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("numerator"),
    )
    denominator = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("denominator"),
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=20, choices=Aggregation.choices, default=Aggregation.SUM
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.YEARLY
    )
    owner_unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner unit"),
    )
    subject = models.ForeignKey(
        Subject,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="metrics",
        verbose_name=_("subject"),
    )
    gri_disclosure = models.CharField(_("GRI disclosure"), max_length=40, blank=True)
    jump_threshold = models.DecimalField(
        _("jump threshold"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "Share of change against the previous period (0.5 = 50%) above which a submission "
            "needs a reason; empty: the site-wide setting."
        ),
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = None  # group-wide reference data
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("metric")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="absolute")
                | models.Q(numerator__isnull=False, denominator__isnull=False),
                name="metric_parts_for_ratio_and_intensity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.unit})"

    @property
    def is_derived(self) -> bool:
        return self.kind != MetricKind.ABSOLUTE


class LegalParameter(models.Model):
    """A dated statutory value (the employment rate for persons with disabilities): each row
    applies from `valid_from` until the next row of the same code."""

    code = models.SlugField(_("code"), max_length=60)
    value = models.DecimalField(_("value"), max_digits=DIGITS, decimal_places=PLACES)
    unit = models.CharField(_("unit of measure"), max_length=40, validators=[check_unit])
    valid_from = models.DateField(_("valid from"))
    source = models.TextField(_("source"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "valid_from"]
        verbose_name = _("legal parameter")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="legal_parameter_dated")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.value} {self.unit} from {self.valid_from}"


class Target(models.Model):
    """A metric's target for one fiscal year and scope unit."""

    metric = models.ForeignKey(
        Metric, on_delete=models.PROTECT, related_name="targets", verbose_name=_("metric")
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("fiscal year")
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="kpi_targets", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TargetKind.choices)
    value = models.DecimalField(
        _("value"),
        max_digits=DIGITS,
        decimal_places=PLACES,
        null=True,
        blank=True,
        help_text=_("For a reduction: the targeted reduction in percent."),
    )
    base_year = models.ForeignKey(
        FiscalYear,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("base year"),
    )
    legal_parameter = models.SlugField(_("legal parameter"), max_length=60, blank=True)
    initiatives = models.ManyToManyField(
        "cycle.Initiative",
        blank=True,
        related_name="kpi_targets",
        verbose_name=_("initiatives"),
        help_text=_("Initiatives of the yearly cycle this target measures."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["fiscal_year", "metric", "org_unit"]
        verbose_name = _("target")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "fiscal_year", "org_unit"], name="target_one_per_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.metric.code} {self.kind} {self.value or ''}".rstrip()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("kpi_collect:target-edit", args=[self.pk])


class Observation(models.Model):
    """One value of a metric for an org unit and a period (a month or a fiscal year).

    `value` is in the metric's unit; what was entered is kept in `original_value` and
    `original_unit`.
    """

    metric = models.ForeignKey(
        Metric, on_delete=models.PROTECT, related_name="observations", verbose_name=_("metric")
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="kpi_observations", verbose_name=_("unit")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=DIGITS, decimal_places=PLACES)
    original_value = models.DecimalField(
        _("value as entered"), max_digits=DIGITS, decimal_places=PLACES
    )
    original_unit = models.CharField(_("unit as entered"), max_length=40)
    source = models.CharField(_("source"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ObservationStatus.choices,
        default=ObservationStatus.DRAFT,
        db_index=True,
    )
    # who submitted it (a user, or for the command line and jobs only the label): the
    # approver must be someone else (core.approvals, rule "kpis.observation")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_by_label = models.CharField(_("submitted by"), max_length=150, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    jump_reason = models.TextField(
        _("reason for the change"),
        blank=True,
        help_text=_("Required when the value moves more than the jump threshold."),
    )
    evidence = models.FileField(
        _("evidence file"), upload_to="kpis/evidence/%Y/%m/", blank=True, max_length=300
    )
    collection_round = models.ForeignKey(
        "CollectionRound",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
        verbose_name=_("collection round"),
    )
    return_note = models.TextField(_("reason for returning"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["metric", "org_unit", "period_start"]
        verbose_name = _("observation")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "org_unit", "period_start", "period_end"],
                name="observation_one_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="observation_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["metric", "period_start", "status"])]

    def __str__(self) -> str:
        return f"{self.metric.code} {self.org_unit.code} {self.period_start}: {self.value}"

    @property
    def decimal_value(self) -> Decimal:
        return Decimal(self.value)


class CollectionRound(models.Model):
    """The CSR office asks units for a set of metrics for one period, by a deadline."""

    title = models.CharField(_("title"), max_length=200)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="kpi_rounds",
        verbose_name=_("requested by"),
        help_text=_("The unit running the round; the units asked must lie within it."),
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("fiscal year")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    deadline = models.DateField(_("deadline"))
    metrics = models.ManyToManyField(Metric, related_name="rounds", verbose_name=_("metrics"))
    units = models.ManyToManyField(
        OrgUnit, related_name="kpi_rounds_asked", verbose_name=_("units asked")
    )
    is_closed = models.BooleanField(_("closed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["-deadline", "title"]
        verbose_name = _("collection round")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="round_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class RatingOverride(models.Model):
    """The CSR office's rating for an initiative instead of the one its targets suggest."""

    initiative = models.OneToOneField(
        "cycle.Initiative",
        on_delete=models.CASCADE,
        related_name="kpi_rating_override",
        verbose_name=_("initiative"),
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "initiative__owner_unit"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating override")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=3), name="override_rating_1_3"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} → {self.rating}"
