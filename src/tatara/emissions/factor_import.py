"""Import electricity suppliers' emission factors, as users do each year from the list the
Ministry of the Environment and METI publish (a supplier's basic and adjusted factors).

Columns `fiscal_year,supplier,basis,factor,unit` and optionally `source` (CSV UTF-8, or the
first sheet of an .xlsx):

- fiscal_year: the fiscal year whose electricity use the factor applies to (2023 or FY2023);
- supplier: as activity records name it (with the tariff menu if the supplier has several);
  `default` marks the factor for electricity whose supplier has no factor of its own
  (the published alternative value);
- basis: `location` (also `basic`) or `market` (also `adjusted`);
- factor and unit: `0.000441` with `t-CO2/kWh`, `0.441` with `kg-CO2/kWh`, or a factor in
  t-CO2 with the activity unit alone (`kWh`, `MWh`).

Every row is checked first; any problem is reported with its file, row and column and
nothing is stored (`ImportRejected`). A clean file is applied in one transaction: the
factors go into the set of their fiscal year and basis (created when missing); a supplier
already in that set has its factor replaced (the row history keeps the old value).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tatara.core.audit import record_event, stamp
from tatara.core.permissions import require
from tatara.core.tabular import CellError, ImportRejected, Row, read_table, rejected_file
from tatara.emissions.choices import Activity, Basis, Scope
from tatara.emissions.models import (
    FIRST_YEAR,
    LAST_YEAR,
    SUPPLIER_LENGTH,
    EmissionFactor,
    EmissionFactorSet,
)
from tatara.emissions.quantities import same_dimension
from tatara.kpis.units import convert
from tatara.organisation.models import OrgUnit

COLUMNS = ("fiscal_year", "supplier", "basis", "factor", "unit")
OPTIONAL = ("source",)
DEFAULT_SUPPLIERS = {"default", "代替値"}
BASES = {
    "location": Basis.LOCATION,
    "location-based": Basis.LOCATION,
    "basic": Basis.LOCATION,
    "基礎": Basis.LOCATION,
    "基礎排出係数": Basis.LOCATION,
    "market": Basis.MARKET,
    "market-based": Basis.MARKET,
    "adjusted": Basis.MARKET,
    "調整後": Basis.MARKET,
    "調整後排出係数": Basis.MARKET,
}
# No grid emits 10 kg CO2 per kWh (coal plants emit about 1): a larger factor is a unit
# mistake (kg entered as t), refused rather than stored.
IMPLAUSIBLE_PER_KWH = Decimal("0.01")
FACTOR_PLACES = 12
_GAS_SUFFIX = re.compile(r"[-\s]*co2e?$", re.IGNORECASE)


def electricity_set_code(year: int, basis: str) -> str:
    return f"electricity-{basis}-fy{year}"


@dataclass
class ImportResult:
    file: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    sets_created: int = 0
    years: list[int] = field(default_factory=list)

    def summary(self) -> str:
        text = _(
            "%(file)s: %(created)d factors added, %(updated)d replaced, %(unchanged)d unchanged "
            "(%(years)s); %(sets)d new factor sets"
        ) % {
            "file": self.file,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "years": ", ".join(f"FY{y}" for y in self.years),
            "sets": self.sets_created,
        }
        if self.dry_run:
            text += _(" (dry run: nothing was stored)")
        return text


@dataclass(frozen=True)
class _Entry:
    row: Row
    year: int
    supplier: str
    basis: str
    factor: Decimal
    unit: str
    source: str


def require_whole_group(actor: Any, action: str) -> None:
    """Group-wide reference data: the action must be held on every root of the tree."""
    roots = list(OrgUnit.objects.filter(parent__isnull=True))
    if not roots:
        require(actor, action)
    for root in roots:
        require(actor, action, root)


def _parse_unit(text: str) -> tuple[Decimal, str]:
    """The unit column → (multiplier turning the factor into t-CO2, the activity unit)."""
    if "/" not in text:
        mass, activity_unit = "t", text
    else:
        mass, activity_unit = (part.strip() for part in text.split("/", 1))
        mass = _GAS_SUFFIX.sub("", mass) or "t"
    activity_unit = activity_unit.strip()
    same_dimension(activity_unit, "kWh")
    return convert(Decimal(1), mass, "t"), activity_unit


def _validate(table: Any) -> tuple[list[_Entry], list[CellError]]:
    errors: list[CellError] = []
    entries: list[_Entry] = []
    seen: dict[tuple[int, str, str], int] = {}
    for row in table.rows:
        before = len(errors)
        year = _year(row, errors)
        supplier = " ".join(row.text("supplier").split())
        if not supplier:
            errors.append(
                row.error(
                    "supplier",
                    _("is empty; name the supplier, or write “default” for the default factor"),
                )
            )
        elif len(supplier) > SUPPLIER_LENGTH:
            errors.append(
                row.error("supplier", _("is longer than %(n)d characters") % {"n": SUPPLIER_LENGTH})
            )
        if supplier.casefold() in DEFAULT_SUPPLIERS:
            supplier = ""
        basis_text = row.text("basis")
        basis = BASES.get(basis_text.casefold())
        if basis is None:
            errors.append(
                row.error(
                    "basis",
                    _("“%(value)s” is not a basis; use location (basic) or market (adjusted)")
                    % {"value": basis_text},
                )
            )
        factor = _factor(row, errors)
        source = " ".join(row.text("source").split()) or _("imported from %(file)s") % {
            "file": row.file
        }
        if len(errors) > before or year is None or basis is None or factor is None:
            continue
        key = (year, supplier.casefold(), basis)
        if key in seen:
            errors.append(row.error(None, _("duplicate of row %(row)d") % {"row": seen[key]}))
            continue
        seen[key] = row.number
        entries.append(_Entry(row, year, supplier, basis, factor[0], factor[1], source))
    return entries, errors


def _year(row: Row, errors: list[CellError]) -> int | None:
    text = row.text("fiscal_year")
    match = re.fullmatch(r"(?:FY)?\s*(\d{4})(?:\.0*)?", text, re.IGNORECASE)
    if match is None or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        errors.append(
            row.error(
                "fiscal_year",
                _("“%(value)s” is not a fiscal year; write it as 2023 or FY2023") % {"value": text},
            )
        )
        return None
    return int(match[1])


def _factor(row: Row, errors: list[CellError]) -> tuple[Decimal, str] | None:
    text = row.text("factor").replace(",", "")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite():
        errors.append(
            row.error("factor", _("“%(value)s” is not a number") % {"value": row.text("factor")})
        )
        return None
    if number < 0:
        errors.append(row.error("factor", _("cannot be negative")))
        return None
    unit_text = row.text("unit")
    try:
        multiplier, activity_unit = _parse_unit(unit_text)
    except ValidationError as exc:
        errors.append(
            row.error(
                "unit",
                _("“%(value)s” is not a factor unit (t-CO2/kWh, kg-CO2/kWh, kWh, MWh): %(problem)s")
                % {"value": unit_text, "problem": " ".join(exc.messages)},
            )
        )
        return None
    factor = (number * multiplier).normalize()
    per_kwh = factor / convert(Decimal(1), activity_unit, "kWh")
    if per_kwh > IMPLAUSIBLE_PER_KWH:
        errors.append(
            row.error(
                "factor",
                _(
                    "%(value)s t-CO2/%(unit)s is implausibly large for electricity; "
                    "is the factor in kg-CO2 rather than t-CO2?"
                )
                % {"value": factor, "unit": activity_unit},
            )
        )
        return None
    exponent = factor.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -FACTOR_PLACES:
        errors.append(
            row.error(
                "factor",
                _("has more than %(n)d decimal places in t-CO2") % {"n": FACTOR_PLACES},
            )
        )
        return None
    return factor, activity_unit


def _set_errors(entries: list[_Entry]) -> list[CellError]:
    """A new set for a year and basis must not overlap a set already covering that year."""
    errors = []
    checked: set[tuple[int, str]] = set()
    for entry in entries:
        key = (entry.year, entry.basis)
        if key in checked:
            continue
        checked.add(key)
        if EmissionFactorSet.objects.filter(code=electricity_set_code(*key)).exists():
            continue
        try:
            _new_set(entry.year, entry.basis, entry.row.file).clean()
        except ValidationError as exc:
            errors.append(entry.row.error("fiscal_year", " ".join(exc.messages)))
    return errors


def _new_set(year: int, basis: str, file: str) -> EmissionFactorSet:
    return EmissionFactorSet(
        code=electricity_set_code(year, basis),
        name=f"Electricity FY{year} ({basis}-based)",
        basis=basis,
        valid_from=year,
        valid_to=year,
        source=f"Electricity suppliers' factors, imported from {file}",
    )


def _read(file: str | Path | IO[bytes], name: str | None) -> Any:
    label = name or (
        Path(file).name if isinstance(file, str | Path) else getattr(file, "name", None) or "upload"
    )
    label = Path(str(label)).name
    try:
        data = Path(file).read_bytes() if isinstance(file, str | Path) else file.read()
    except OSError as exc:
        raise rejected_file(
            label, _("cannot read the file (%(error)s)") % {"error": exc.strerror or exc}
        ) from exc
    return read_table(io.BytesIO(data), name=label, required=COLUMNS, optional=OPTIONAL)


def import_supplier_factors(
    *,
    actor: Any,
    file: str | Path | IO[bytes],
    name: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Validate the whole file, then apply it all or nothing (see the module docstring).
    Raises PermissionDenied (the actor may not manage emissions for the whole group) or
    ImportRejected."""
    require_whole_group(actor, "emissions.manage")
    table = _read(file, name)
    entries, errors = _validate(table)
    if not table.rows:
        errors.append(CellError(table.file, table.sheet, None, None, _("the file has no factors")))
    errors += _set_errors(entries)
    if errors:
        raise ImportRejected(errors)
    result = ImportResult(file=table.file, dry_run=dry_run)
    result.years = sorted({e.year for e in entries})
    with transaction.atomic():
        sets: dict[tuple[int, str], EmissionFactorSet] = {}
        for entry in entries:
            key = (entry.year, entry.basis)
            if key not in sets:
                sets[key] = _set_for(entry, actor, result)
            _apply(entry, sets[key], actor, result)
        record_event(
            actor=actor,
            verb="emission_factors.imported",
            data={
                "file": table.file,
                "years": result.years,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return result


def _set_for(entry: _Entry, actor: Any, result: ImportResult) -> EmissionFactorSet:
    code = electricity_set_code(entry.year, entry.basis)
    existing = EmissionFactorSet.objects.select_for_update().filter(code=code).first()
    if existing is not None:
        return existing
    factor_set = _new_set(entry.year, entry.basis, entry.row.file)
    try:
        factor_set.full_clean()
    except ValidationError as exc:  # a set was added meanwhile
        raise ImportRejected([entry.row.error("fiscal_year", " ".join(exc.messages))]) from exc
    stamp(factor_set, actor, f"imported from {entry.row.file}")
    factor_set.save()
    result.sets_created += 1
    return factor_set


def _apply(entry: _Entry, factor_set: EmissionFactorSet, actor: Any, result: ImportResult) -> None:
    factor = EmissionFactor.objects.filter(
        factor_set=factor_set, activity=Activity.ELECTRICITY, supplier__iexact=entry.supplier
    ).first()
    if factor is None:
        factor = EmissionFactor(
            factor_set=factor_set, activity=Activity.ELECTRICITY, supplier=entry.supplier
        )
        result.created += 1
    elif (Decimal(factor.factor), factor.unit, factor.source) == (
        entry.factor,
        entry.unit,
        entry.source,
    ):
        result.unchanged += 1
        return
    else:
        result.updated += 1
    factor.factor = entry.factor
    factor.unit = entry.unit
    factor.scope = Scope.SCOPE_2
    factor.source = entry.source
    try:
        factor.full_clean()
    except ValidationError as exc:
        raise ImportRejected([entry.row.error(None, " ".join(exc.messages))]) from exc
    stamp(factor, actor, f"imported from {entry.row.file}")
    factor.save()
