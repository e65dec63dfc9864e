"""Every write of the emissions area, and the calculation of Scope 1 and 2 CO2 from activity
data. Each write checks the permission gate itself on the org unit, so pages, API, CLI and
jobs cannot differ. The import of electricity suppliers' factors lives in factor_import.py
and is re-exported here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tatara.core import fiscal, year_lock
from tatara.core.audit import record_event, stamp
from tatara.core.permissions import require
from tatara.emissions import quantities, recalculation
from tatara.emissions.choices import (
    ELECTRICITY_BASES,
    KINDS,
    STANDARD_UNITS,
    Activity,
    Basis,
    Report,
    Scope,
)
from tatara.emissions.factor_import import ImportResult, import_supplier_factors
from tatara.emissions.models import (
    ActivityRecord,
    EmissionCalculation,
    EmissionFactor,
    EmissionFactorSet,
    GwpValue,
)
from tatara.emissions.quantities import in_factor_unit
from tatara.kpis import services as kpi_services
from tatara.kpis.choices import Frequency
from tatara.kpis.models import Metric, Observation
from tatara.organisation.models import OrgUnit

__all__ = [
    "Calculation",
    "ImportResult",
    "Line",
    "Posted",
    "ResolvedFactor",
    "activity_unit",
    "calculate",
    "check_factor_year",
    "check_period",
    "co2e",
    "factor_for",
    "import_supplier_factors",
    "plain",
    "post_to_kpis",
    "record_activity",
]

CO2_METRIC = "co2-emissions"  # Scope 1 + 2
SCOPE1_METRIC = "co2-scope1"
SCOPE2_METRIC = "co2-scope2"
POSTED_METRICS = (SCOPE1_METRIC, SCOPE2_METRIC, CO2_METRIC)
POSTED_PLACES = Decimal("0.001")  # a kilogram: the factors carry three significant digits
STORED_PLACES = Decimal("0.00000001")  # the places of EmissionCalculation's figures
ZERO = Decimal(0)
MONTHS_IN_YEAR = 12

Period = tuple[dt.date, dt.date]


def activity_label(activity: str) -> str:
    """ "City gas" for "city-gas" (the code stays in data files and the API)."""
    return str(Activity(activity).label) if activity in Activity.values else activity


def basis_word(basis: str) -> str:
    """The basis as a word for messages that say "…-based" ("location", "market")."""
    words: dict[str, str] = {
        Basis.LOCATION.value: _("location"),
        Basis.MARKET.value: _("market"),
        Basis.FUEL.value: _("fuel"),
    }
    return words.get(str(basis), str(basis))


def clean_supplier(text: str) -> str:
    return " ".join((text or "").split())


def check_period(start: dt.date, end: dt.date) -> None:
    """A calendar month or a whole fiscal year: the rule of the kpis area's observations of a
    monthly metric (tatara.kpis.services.check_period), which the result is posted to."""
    kpi_services.check_period(Metric(code="activity-data", frequency=Frequency.MONTHLY), start, end)


def plain(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent: 37.925000 → "37.925", 1E+2 → "100"."""
    return kpi_services.plain_number(Decimal(value))


def _label(start: dt.date, end: dt.date) -> str:
    fy_start, fy_end = fiscal.bounds(fiscal.year_of(start))
    if (start, end) == (fy_start, fy_end):
        return fiscal.label(fiscal.year_of(start))
    return start.strftime("%Y-%m")


# --- activity data ------------------------------------------------------------------------


@transaction.atomic
def record_activity(
    *,
    actor: Any,
    org_unit: OrgUnit,
    activity: str,
    period_start: dt.date,
    period_end: dt.date,
    quantity: Decimal | float | int | str,
    unit: str = "",
    supplier: str = "",
    source: str = "",
) -> ActivityRecord:
    """Enter (or correct) what a unit consumed in a month or a fiscal year.

    The quantity is kept as entered, in any unit of the activity's kind (MWh or kWh, L or kL,
    kg or t, 千m3 or m3), stored in the unit's canonical spelling; a unit of another kind or
    an unknown one is refused with the accepted spellings. A fuel or heat needs a factor for
    the period's fiscal year (LNG before the revised ordinance is refused here, not when
    calculating). One record per unit, activity, supplier and period; a month and the fiscal
    year around it cannot both be recorded.
    """
    require(actor, "emissions.change", org_unit)
    if activity not in Activity.values:
        raise ValidationError(
            {
                "activity": _("Unknown activity %(activity)s; use one of %(known)s.")
                % {"activity": activity, "known": ", ".join(Activity.values)}
            }
        )
    check_period(period_start, period_end)
    supplier = clean_supplier(supplier)
    if supplier and activity != Activity.ELECTRICITY:
        raise ValidationError({"supplier": _("Only electricity has a supplier.")})
    amount = kpi_services.parse_decimal(quantity, "quantity")
    if amount < 0:
        raise ValidationError({"quantity": _("The quantity cannot be negative.")})
    typed_unit = (unit or "").strip()
    try:
        entered_unit = activity_unit(activity, typed_unit).code
    except ValidationError as exc:
        raise ValidationError({"unit": exc.messages}) from exc
    try:
        check_factor_year(activity, fiscal.year_of(period_start))
    except ValidationError as exc:
        raise ValidationError({"period_start": exc.messages}) from exc
    same = ActivityRecord.objects.filter(
        org_unit=org_unit, activity=activity, supplier__iexact=supplier
    )
    overlapping = (
        same.filter(period_start__lte=period_end, period_end__gte=period_start)
        .exclude(period_start=period_start, period_end=period_end)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _(
                "%(activity)s for %(period)s overlaps the record for %(other)s; "
                "record either months or the whole fiscal year."
            )
            % {
                "activity": activity,
                "period": _label(period_start, period_end),
                "other": _label(overlapping.period_start, overlapping.period_end),
            }
        )
    record = same.filter(period_start=period_start, period_end=period_end).first()
    if record is None:
        record = ActivityRecord(
            org_unit=org_unit,
            activity=activity,
            supplier=supplier,
            period_start=period_start,
            period_end=period_end,
        )
    record.quantity = amount
    record.unit = entered_unit
    record.source = source
    record.full_clean()
    stamp(record, actor)
    record.save()
    # the activity of a closed fiscal year is its record (core.year_lock), like the
    # observations its calculation posts (kpis.services.record_observation checks them too)
    year_lock.require_open_period(
        actor=actor,
        start=period_start,
        end=period_end,
        what="emission_activity.recorded",
        target=record,
        org_unit=org_unit,
    )
    record_event(
        actor=actor,
        verb="emission_activity.recorded",
        target=record,
        org_unit=org_unit,
        data={
            "activity": activity,
            "supplier": supplier,
            "quantity": str(amount),
            "unit": entered_unit,
            **({"unit_as_typed": typed_unit} if typed_unit and typed_unit != entered_unit else {}),
            "period": _label(period_start, period_end),
        },
    )
    return record


def activity_unit(activity: str, text: str) -> quantities.Unit:
    """The unit `text` names for `activity` (its standard unit when empty), or a
    ValidationError listing the spellings the activity accepts."""
    return quantities.parse_for(
        text or STANDARD_UNITS[activity], KINDS[activity], activity_label(activity)
    )


def fuel_factor_years(activity: str) -> list[tuple[int, int | None]]:
    """The fiscal-year ranges of the ordinance's factor sets that have `activity`."""
    sets = EmissionFactorSet.objects.filter(
        basis=Basis.FUEL,
        factors__activity=activity,
        factors__superseded_at__isnull=True,
    ).order_by("valid_from")
    return [(s.valid_from, s.valid_to) for s in sets.distinct()]


def check_factor_year(activity: str, year: int) -> None:
    """A fuel or heat must have a factor valid in fiscal year `year` (electricity factors are
    imported by users, often after the activity data, so they are checked when
    calculating). The message says which years have one."""
    if activity == Activity.ELECTRICITY or _find(activity, year, Basis.FUEL, "") is not None:
        return
    years = fuel_factor_years(activity)
    spans = ", ".join(
        f"FY{a}–FY{b}" if b else _("FY%(year)d onwards") % {"year": a} for a, b in years
    )
    raise ValidationError(
        _(
            "%(activity)s has no emission factor for FY%(year)d in the ordinance's factor "
            "tables, so it cannot be calculated; factors exist for %(spans)s."
        )
        % {"activity": activity_label(activity), "year": year, "spans": spans or "—"}
        if years
        else _("%(activity)s has no emission factor in the ordinance's factor tables.")
        % {"activity": activity_label(activity)}
    )


# --- factors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedFactor:
    factor: EmissionFactor
    warning: str = ""


def _find(activity: str, year: int, basis: str, supplier: str) -> EmissionFactor | None:
    valid = Q(factor_set__valid_from__lte=year) & (
        Q(factor_set__valid_to__isnull=True) | Q(factor_set__valid_to__gte=year)
    )
    return (
        EmissionFactor.objects.current()
        .filter(valid, activity=activity, factor_set__basis=basis, supplier__iexact=supplier)
        .select_related("factor_set")
        .order_by("-factor_set__valid_from")
        .first()
    )


def factor_for(
    activity: str, fiscal_year: int, *, supplier: str = "", basis: str = Basis.MARKET
) -> ResolvedFactor:
    """The factor applying to `activity` in `fiscal_year`, from the set valid that year.

    Fuels: the fuel set of the year. Electricity: the supplier's factor on `basis`; failing
    that the default (supplier-less) factor on `basis`, then the location-based default,
    each fallback with a warning. A ValidationError names activity, supplier and year when
    nothing applies.
    """
    if activity not in Activity.values:
        raise ValidationError(_("Unknown activity %(activity)s.") % {"activity": activity})
    if activity != Activity.ELECTRICITY:
        found = _find(activity, fiscal_year, Basis.FUEL, "")
        if found is None:
            raise ValidationError(
                _(
                    "No emission factor for %(activity)s in FY%(year)d: no factor set valid that year has one."
                )
                % {"activity": activity_label(activity), "year": fiscal_year}
            )
        return ResolvedFactor(found)
    if basis not in ELECTRICITY_BASES:
        raise ValidationError(
            _("Electricity is calculated on a location or market basis, not %(basis)s.")
            % {"basis": basis_word(basis)}
        )
    supplier = clean_supplier(supplier)
    candidates = [(basis, supplier)]
    if supplier:
        candidates.append((basis, ""))
    if basis != Basis.LOCATION:
        candidates.append((Basis.LOCATION, ""))
    who = _("supplier “%(supplier)s”") % {"supplier": supplier} if supplier else _("no supplier")
    for index, (candidate_basis, candidate_supplier) in enumerate(candidates):
        found = _find(activity, fiscal_year, candidate_basis, candidate_supplier)
        if found is None:
            continue
        warning = ""
        if index:
            warning = _(
                "No %(basis)s-based factor for %(who)s in FY%(year)d; the %(used)s-based "
                "default factor was used."
            ) % {
                "basis": basis_word(basis),
                "who": who,
                "year": fiscal_year,
                "used": basis_word(candidate_basis),
            }
        return ResolvedFactor(found, warning)
    raise ValidationError(
        _(
            "No emission factor for electricity from %(who)s in FY%(year)d (%(basis)s-based), "
            "and no default factor for that year; import the suppliers' factors "
            "(tatara emissions import-factors)."
        )
        % {"who": who, "year": fiscal_year, "basis": basis}
    )


# --- calculation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One activity (and supplier) of a calculation: the quantity in the factor's unit, the
    factor used, its set and source, and the t-CO2 it gives."""

    activity: str
    supplier: str
    scope: int
    quantity: Decimal
    unit: str
    factor: Decimal
    factor_set: str
    factor_set_code: str
    source: str
    co2_t: Decimal
    records: int
    warning: str = ""
    factor_id: int | None = None
    factor_version: int = 1
    factor_recorded_at: dt.datetime | None = None
    results_year: int | None = None
    verify: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.activity, self.supplier.casefold())

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "activity": self.activity,
            "supplier": self.supplier,
            "quantity": plain(self.quantity),
            "unit": self.unit,
            "factor": plain(self.factor),
            "factor_unit": f"t-CO2/{self.unit}",
            "factor_id": self.factor_id,
            "factor_version": self.factor_version,
            "factor_recorded_at": (
                self.factor_recorded_at.isoformat() if self.factor_recorded_at else None
            ),
            "results_year": self.results_year,
            "factor_set": self.factor_set,
            "factor_set_code": self.factor_set_code,
            "source": self.source,
            "verify": self.verify,
            "co2_t": plain(self.co2_t),
            "records": self.records,
            "warning": self.warning,
        }


@dataclass(frozen=True)
class Calculation:
    unit_code: str
    period_start: dt.date
    period_end: dt.date
    fiscal_year: int
    basis: str
    lines: tuple[Line, ...]

    def _sum(self, scope: int | None = None) -> Decimal:
        return sum(
            (line.co2_t for line in self.lines if scope is None or line.scope == scope), ZERO
        )

    @property
    def scope1(self) -> Decimal:
        return self._sum(Scope.SCOPE_1)

    @property
    def scope2(self) -> Decimal:
        return self._sum(Scope.SCOPE_2)

    @property
    def total(self) -> Decimal:
        return self._sum()

    @property
    def warnings(self) -> list[str]:
        return [line.warning for line in self.lines if line.warning]

    @property
    def factor_sets(self) -> list[str]:
        return list(dict.fromkeys(line.factor_set for line in self.lines))

    @property
    def period_label(self) -> str:
        return _label(self.period_start, self.period_end)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit_code,
            "period": self.period_label,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "fiscal_year": self.fiscal_year,
            "basis": self.basis,
            "scope1_t": plain(self.scope1),
            "scope2_t": plain(self.scope2),
            "total_t": plain(self.total),
            "factor_sets": self.factor_sets,
            "warnings": self.warnings,
            "lines": [line.as_dict() for line in self.lines],
        }


def _period(fiscal_year: int | None, period: Period | None) -> Period:
    if (fiscal_year is None) == (period is None):
        raise TypeError("give either fiscal_year or period")
    if fiscal_year is not None:
        return fiscal.bounds(fiscal_year)
    assert period is not None
    check_period(*period)
    return period


def calculate(
    *,
    viewer: Any,
    org_unit: OrgUnit,
    fiscal_year: int | None = None,
    period: Period | None = None,
    basis: str = Basis.MARKET,
) -> Calculation:
    """Scope 1 and Scope 2 t-CO2 of a unit's own activity records in a fiscal year (every
    month and whole-year record inside it) or in one month, with one line per activity and
    supplier. Factors come from the sets valid for the period's fiscal year; electricity on
    `basis` (market: the suppliers' adjusted factors; location: their basic factors)."""
    require(viewer, "emissions.view", org_unit)
    start, end = _period(fiscal_year, period)
    year = fiscal.year_of(start)
    whole_year = (start, end) == fiscal.bounds(year)
    records = ActivityRecord.objects.filter(
        org_unit=org_unit, period_start__gte=start, period_end__lte=end
    ).order_by("period_start")
    groups: dict[tuple[str, str], list[ActivityRecord]] = {}
    for record in records:
        groups.setdefault((record.activity, record.supplier.casefold()), []).append(record)
    order = {code: index for index, code in enumerate(Activity.values)}
    lines = []
    for (activity, _key), group in groups.items():
        supplier = group[0].supplier
        resolved = factor_for(activity, year, supplier=supplier, basis=basis)
        factor = resolved.factor
        quantity = ZERO
        for record in group:
            try:
                quantity += in_factor_unit(Decimal(record.quantity), record.unit, factor.unit)
            except ValidationError as exc:
                raise ValidationError(
                    _("%(record)s: %(problem)s")
                    % {"record": str(record), "problem": " ".join(exc.messages)}
                ) from exc
        warnings = [resolved.warning] if resolved.warning else []
        if factor.verify:
            warnings.append(
                _("The factor is still to be verified against the official text: %(what)s.")
                % {"what": factor.verify}
            )
        months = {r.period_start for r in group if (r.period_start, r.period_end) != (start, end)}
        if whole_year and len(months) == len(group) and len(months) < MONTHS_IN_YEAR:
            warnings.append(
                _("Only %(n)d of 12 months of %(activity)s are recorded.")
                % {"n": len(months), "activity": activity_label(activity)}
            )
        lines.append(
            Line(
                activity=activity,
                supplier=supplier,
                scope=factor.scope,
                quantity=quantity,
                unit=factor.unit,
                factor=Decimal(factor.factor),
                factor_set=factor.factor_set.name,
                factor_set_code=factor.factor_set.code,
                source=factor.source_text,
                co2_t=quantity * Decimal(factor.factor),
                records=len(group),
                warning=" ".join(warnings),
                factor_id=factor.pk,
                factor_version=factor.version,
                factor_recorded_at=factor.recorded_at,
                results_year=factor.results_year,
                verify=factor.verify,
            )
        )
    lines.sort(key=lambda line: (line.scope, order[line.activity], line.supplier.casefold()))
    return Calculation(
        unit_code=org_unit.code,
        period_start=start,
        period_end=end,
        fiscal_year=year,
        basis=basis,
        lines=tuple(lines),
    )


# --- GWP ----------------------------------------------------------------------------------


def co2e(
    gas: str, amount: Decimal | float | int | str, report: str = Report.AR5, horizon: int = 100
) -> Decimal:
    """t-CO2e of `amount` t of `gas` with the GWP of IPCC `report` (1 t CH4 → 28 t-CO2e with
    AR5, 27.9 with AR6)."""
    row = GwpValue.objects.filter(
        gas__iexact=gas.strip(), report=str(report).upper(), horizon=horizon
    ).first()
    if row is None:
        raise ValidationError(
            _("No %(report)s GWP%(horizon)d value for %(gas)s.")
            % {"report": report, "horizon": horizon, "gas": gas}
        )
    return kpi_services.parse_decimal(amount, "amount") * Decimal(row.value)


# --- posting to the KPIs ------------------------------------------------------------------


@dataclass(frozen=True)
class Posted:
    """The three draft observations one posting writes: Scope 1, Scope 2 and their total."""

    scope1: Observation
    scope2: Observation
    total: Observation
    calculation: EmissionCalculation | None = None

    def __iter__(self) -> Any:
        return iter((self.scope1, self.scope2, self.total))


def _posted_source(lines: list[Line], basis: str, nothing: str) -> str:
    """Stored text, kept in English like other sources of observations: the factor sets of
    the lines behind the figure (and the electricity basis when electricity is in it)."""
    sets = list(dict.fromkeys(line.factor_set for line in lines))
    if not sets:
        return f"calculated from activity data ({nothing})"
    text = f"calculated from activity data (factor set {'; '.join(sets)}"
    if any(line.activity == Activity.ELECTRICITY for line in lines):
        text += f"; electricity {basis}-based"
    return f"{text})"[:300]


@transaction.atomic
def post_to_kpis(
    *,
    actor: Any,
    org_unit: OrgUnit,
    fiscal_year: int | None = None,
    period: Period | None = None,
    basis: str = Basis.MARKET,
) -> Posted:
    """Write the calculated Scope 1, Scope 2 and their total as three draft observations of
    the kpis metrics co2-scope1, co2-scope2 and co2-emissions (t) for the unit and period,
    in one transaction, through the kpis area's service (which refuses once an observation
    was submitted: then none of the three changes). Each source names the factor sets used."""
    require(actor, "emissions.change", org_unit)
    result = calculate(
        viewer=actor, org_unit=org_unit, fiscal_year=fiscal_year, period=period, basis=basis
    )
    if not result.lines:
        raise ValidationError(
            _("%(unit)s has no activity data for %(period)s; there is nothing to post.")
            % {"unit": org_unit.code, "period": result.period_label}
        )
    metrics = Metric.objects.in_bulk(POSTED_METRICS, field_name="code")
    missing = [code for code in POSTED_METRICS if code not in metrics]
    if missing:
        raise ValidationError(
            _("The KPI metric %(code)s does not exist.") % {"code": ", ".join(missing)}
        )
    scope1 = [line for line in result.lines if line.scope == Scope.SCOPE_1]
    scope2 = [line for line in result.lines if line.scope == Scope.SCOPE_2]
    figures = (
        (SCOPE1_METRIC, result.scope1, _posted_source(scope1, basis, "no fuel records")),
        (
            SCOPE2_METRIC,
            result.scope2,
            _posted_source(scope2, basis, "no electricity or heat records"),
        ),
        (CO2_METRIC, result.total, _posted_source(list(result.lines), basis, "")),
    )
    observations = {
        code: kpi_services.record_observation(
            actor=actor,
            metric=metrics[code],
            org_unit=org_unit,
            period_start=result.period_start,
            period_end=result.period_end,
            value=value.quantize(POSTED_PLACES, rounding=ROUND_HALF_UP),
            unit="t",
            source=source,
        )
        for code, value, source in figures
    }
    stored = _store_calculation(actor, org_unit, result, observations)
    posted = Posted(
        scope1=observations[SCOPE1_METRIC],
        scope2=observations[SCOPE2_METRIC],
        total=observations[CO2_METRIC],
        calculation=stored,
    )
    record_event(
        actor=actor,
        verb="emissions.posted_to_kpis",
        target=posted.total,
        org_unit=org_unit,
        data={
            "period": result.period_label,
            "basis": basis,
            "scope1_t": plain(result.scope1),
            "scope2_t": plain(result.scope2),
            "total_t": plain(result.total),
            "observations": {code: o.pk for code, o in observations.items()},
            "factor_sets": result.factor_sets,
            "factor_versions": {
                f"{line.activity}:{line.supplier}": line.factor_version for line in result.lines
            },
            "warnings": result.warnings,
            "calculation": stored.pk,
            "recalculation_of": stored.replaces_id,
            "changes": stored.changes,
        },
    )
    return posted


def _posted_value(value: Decimal) -> str:
    return plain(Decimal(value).quantize(POSTED_PLACES, rounding=ROUND_HALF_UP))


def figures(result: Any) -> dict[str, str]:
    """The three figures as posted (to 0.001 t) of a Calculation or EmissionCalculation."""
    if isinstance(result, EmissionCalculation):
        values = (result.scope1_t, result.scope2_t, result.total_t)
    else:
        values = (result.scope1, result.scope2, result.total)
    return dict(zip(("scope1_t", "scope2_t", "total_t"), map(_posted_value, values), strict=True))


def last_posted(org_unit: OrgUnit, start: dt.date, end: dt.date, basis: str) -> Any:
    """The calculation of the unit, period and basis posted last (not yet recalculated)."""
    return (
        EmissionCalculation.objects.filter(
            org_unit=org_unit,
            period_start=start,
            period_end=end,
            basis=basis,
            replaced_by__isnull=True,
        )
        .order_by("-posted_at", "-pk")
        .first()
    )


def changes_since_posted(
    result: Calculation, org_unit: OrgUnit
) -> tuple[Any, list[dict[str, Any]]]:
    """(the calculation posted last for the result's unit, period and basis, what the result
    would change in it); (None, []) when nothing was posted."""
    previous = last_posted(org_unit, result.period_start, result.period_end, result.basis)
    if previous is None:
        return None, []
    lines = [line.as_dict() for line in result.lines]
    return previous, recalculation.changes(
        previous.lines, figures(previous), lines, figures(result)
    )


def _store_calculation(
    actor: Any, org_unit: OrgUnit, result: Calculation, observations: dict[str, Observation]
) -> EmissionCalculation:
    """Keep the posted calculation with the factor versions it used; a posting after an
    earlier one of the same unit, period and basis is stored as its recalculation, with
    what changed."""
    from tatara.core.audit import actor_label

    previous, found = changes_since_posted(result, org_unit)
    stored = EmissionCalculation.objects.create(
        org_unit=org_unit,
        period_start=result.period_start,
        period_end=result.period_end,
        basis=result.basis,
        scope1_t=result.scope1.quantize(STORED_PLACES, rounding=ROUND_HALF_UP),
        scope2_t=result.scope2.quantize(STORED_PLACES, rounding=ROUND_HALF_UP),
        total_t=result.total.quantize(STORED_PLACES, rounding=ROUND_HALF_UP),
        lines=[line.as_dict() for line in result.lines],
        replaces=previous,
        changes=found,
        observations={code: o.pk for code, o in observations.items()},
        posted_by=actor_label(actor)[:150],
    )
    stored.factors.set([line.factor_id for line in result.lines if line.factor_id])
    return stored
