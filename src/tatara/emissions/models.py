"""Emissions: versioned emission factor tables, GWP values (group-wide reference data) and the
activity data (energy and fuel consumed) of each unit and period."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tatara.core.scoping import ScopedQuerySet
from tatara.emissions import plausibility
from tatara.emissions.choices import KINDS, Activity, Basis, Report, Scope
from tatara.emissions.quantities import check_unit, parse_for
from tatara.organisation.models import OrgUnit

DIGITS, PLACES = 24, 8
SUPPLIER_LENGTH = 200
FIRST_YEAR, LAST_YEAR = 1990, 2200


def _year(label: Any, *, null: bool = False) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        null=null,
        blank=null,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )


class EmissionFactorSet(models.Model):
    """One dated version of a factor table: the fuel factors of an ordinance, or the
    electricity factors of one fiscal year on one basis. It applies to the fiscal years
    `valid_from` … `valid_to` (open-ended when empty); ranges of one basis do not overlap."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    valid_from = _year(_("valid from fiscal year"))
    valid_to = _year(_("valid to fiscal year"), null=True)
    source = models.TextField(_("source"), blank=True)
    verify = models.TextField(
        _("to verify"),
        blank=True,
        help_text=_("What is still to be checked against the official text; empty: checked."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = None  # group-wide reference data
    history = HistoricalRecords()

    class Meta:
        ordering = ["basis", "valid_from"]
        verbose_name = _("emission factor set")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="factor_set_years_ordered",
            )
        ]

    def __str__(self) -> str:
        end = f"FY{self.valid_to}" if self.valid_to else "…"
        return f"{self.name} (FY{self.valid_from}–{end})"

    def applies_to(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)

    def clean(self) -> None:
        if self.valid_from is None or not self.basis:
            return
        others = EmissionFactorSet.objects.filter(basis=self.basis).exclude(pk=self.pk)
        if self.valid_to is not None:
            others = others.filter(valid_from__lte=self.valid_to)
        overlapping = others.filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=self.valid_from)
        ).first()
        if overlapping is not None:
            raise ValidationError(
                _("The years overlap those of the factor set %(other)s.")
                % {"other": str(overlapping)}
            )


class FactorQuerySet(ScopedQuerySet):
    def current(self) -> FactorQuerySet:
        """The versions in force (not replaced by a later version)."""
        return self.filter(superseded_at__isnull=True)


class EmissionFactor(models.Model):
    """One dated version of a factor: t-CO2 emitted per `unit` of an activity (2.62 t per kL
    of diesel; 0.000441 t per kWh of a supplier's electricity). `unit` is a spelling of
    quantities.py ("kWh", "kL", "t", "1000 m3", "GJ").

    A factor is never edited in place: a changed value, unit or source is a new version
    (`version` + 1) and the old one gets `superseded_by`, so posted calculations keep the
    version they used. One version in force per set, activity and supplier."""

    factor_set = models.ForeignKey(
        EmissionFactorSet,
        on_delete=models.CASCADE,
        related_name="factors",
        verbose_name=_("factor set"),
    )
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices)
    supplier = models.CharField(
        _("supplier"),
        max_length=SUPPLIER_LENGTH,
        blank=True,
        help_text=_("Electricity supplier (and tariff menu); empty for fuels and for the default."),
    )
    unit = models.CharField(_("per unit of activity"), max_length=40, validators=[check_unit])
    factor = models.DecimalField(
        _("t-CO2 per unit"),
        max_digits=DIGITS,
        decimal_places=12,
        validators=[MinValueValidator(0)],
    )
    scope = models.PositiveSmallIntegerField(_("scope"), choices=Scope.choices)
    source = models.TextField(_("source"), blank=True, help_text=_("Empty: the set's source."))
    results_year = models.PositiveSmallIntegerField(
        _("supplier's results year"),
        null=True,
        blank=True,
        help_text=_(
            "Electricity: the fiscal year of the supplier's results the published factor is "
            "computed from (the year before the emission year the set applies to)."
        ),
    )
    verify = models.TextField(
        _("to verify"),
        blank=True,
        help_text=_("What is still to be checked against the official text; empty: checked."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="previous",
        verbose_name=_("replaced by"),
    )
    superseded_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    objects = FactorQuerySet.as_manager()
    scope_field = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["factor_set", "activity", "supplier", "version"]
        verbose_name = _("emission factor")
        constraints = [
            models.UniqueConstraint(
                fields=["factor_set", "activity", "supplier"],
                condition=models.Q(superseded_at__isnull=True),
                name="factor_one_current_per_set",
            ),
            models.UniqueConstraint(
                fields=["factor_set", "activity", "supplier", "version"],
                name="factor_version_unique",
            ),
            models.CheckConstraint(condition=models.Q(factor__gte=0), name="factor_not_negative"),
        ]

    def __str__(self) -> str:
        who = f" {self.supplier}" if self.supplier else ""
        return f"{self.activity}{who}: {self.factor} t-CO2/{self.unit} (v{self.version})"

    @property
    def source_text(self) -> str:
        return self.source or self.factor_set.source

    @property
    def verify_text(self) -> str:
        return self.verify or self.factor_set.verify

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def clean(self) -> None:
        if self.activity not in KINDS or not self.unit or self.factor is None:
            return
        try:
            unit = parse_for(self.unit, KINDS[self.activity], str(Activity(self.activity).label))
            plausibility.check(
                self.activity, Decimal(self.factor), Decimal(1), unit, f"t-CO2/{unit.code}"
            )
        except ValidationError as exc:
            raise ValidationError({"factor": exc.messages}) from exc


class GwpValue(models.Model):
    """Global warming potential of a gas in one IPCC assessment report (t-CO2e per t)."""

    gas = models.CharField(_("gas"), max_length=40)
    report = models.CharField(_("assessment report"), max_length=4, choices=Report.choices)
    horizon = models.PositiveSmallIntegerField(_("time horizon (years)"), default=100)
    value = models.DecimalField(_("GWP"), max_digits=DIGITS, decimal_places=PLACES)
    source = models.TextField(_("source"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "gas"]
        verbose_name = _("GWP value")
        constraints = [
            models.UniqueConstraint(fields=["gas", "report", "horizon"], name="gwp_one_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.gas} {self.report} GWP{self.horizon} = {self.value}"


class ActivityRecord(models.Model):
    """Energy or fuel a unit consumed in a period (a calendar month or a fiscal year), as
    entered: 12,000 kWh from supplier X, 3.2 kL of diesel."""

    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="emission_activities",
        verbose_name=_("unit"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices)
    supplier = models.CharField(
        _("supplier"),
        max_length=SUPPLIER_LENGTH,
        blank=True,
        help_text=_("Electricity only: the supplier (and tariff menu) as in its factor table."),
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=DIGITS, decimal_places=PLACES, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(
        _("unit of measure"),
        max_length=40,
        validators=[check_unit],
        help_text=_("In the canonical spelling of the unit entered (千m3 is kept as 1000 m3)."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["org_unit", "period_start", "activity", "supplier"]
        verbose_name = _("activity record")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "activity", "supplier", "period_start", "period_end"],
                name="activity_one_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="activity_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(activity="electricity") | models.Q(supplier=""),
                name="activity_supplier_only_for_electricity",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="activity_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["org_unit", "period_start"])]

    def __str__(self) -> str:
        who = f" ({self.supplier})" if self.supplier else ""
        return (
            f"{self.org_unit.code} {self.period_start}–{self.period_end} "
            f"{self.activity}{who}: {self.quantity} {self.unit}"
        )

    @property
    def period(self) -> str:
        """ "2019-04" for a month, "FY2019" for a fiscal year (the import's period column)."""
        from tatara.core import fiscal

        year = fiscal.year_of(self.period_start)
        if (self.period_start, self.period_end) == fiscal.bounds(year):
            return fiscal.label(year)
        return self.period_start.strftime("%Y-%m")


class EmissionCalculation(models.Model):
    """A calculation as it was posted to the KPIs: the figures, one line per activity and
    supplier with the factor version it used, and — for a recalculation — the calculation it
    replaces and what changed (factor versions, quantities, figures). Kept as posted: a
    later factor version never changes it; posting again records a new one."""

    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="emission_calculations",
        verbose_name=_("unit"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    basis = models.CharField(_("electricity basis"), max_length=10, choices=Basis.choices)
    scope1_t = models.DecimalField(_("Scope 1 (t-CO2)"), max_digits=DIGITS, decimal_places=PLACES)
    scope2_t = models.DecimalField(_("Scope 2 (t-CO2)"), max_digits=DIGITS, decimal_places=PLACES)
    total_t = models.DecimalField(_("total (t-CO2)"), max_digits=DIGITS, decimal_places=PLACES)
    lines = models.JSONField(_("lines"), default=list)
    factors = models.ManyToManyField(
        EmissionFactor, related_name="calculations", verbose_name=_("factor versions used")
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("recalculation of"),
    )
    changes = models.JSONField(_("changes since the calculation it replaces"), default=list)
    observations = models.JSONField(_("KPI observations written"), default=dict)
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)
    posted_by = models.CharField(_("posted by"), max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["org_unit", "period_start", "basis", "-posted_at", "-pk"]
        verbose_name = _("posted emission calculation")
        indexes = [models.Index(fields=["org_unit", "period_start", "period_end", "basis"])]

    def __str__(self) -> str:
        return f"{self.org_unit.code} {self.period_start}–{self.period_end} {self.basis} #{self.pk}"

    @property
    def is_recalculation(self) -> bool:
        return self.replaces_id is not None
