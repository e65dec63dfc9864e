"""Import electricity suppliers' emission factors, as users do each year from the list the
Ministry of the Environment and METI publish (a supplier's basic and adjusted factors).

Columns `fiscal_year,supplier,basis,factor,unit` and optionally `results_year,source` (CSV
UTF-8, or the first sheet of an .xlsx):

- fiscal_year: the emission year — the fiscal year whose electricity use the factor applies
  to (2023 or FY2023). The Ministries' list used for FY2023 emissions is the one titled with
  the suppliers' FY2022 results ("令和4年度実績", published in FY2023, for the reports of
  FY2024: "令和6年提出用");
- results_year: optional, the supplier's results year the list names (2022 for the above);
  it must be the year before fiscal_year, which catches a list entered under its results
  year. Empty: the year before fiscal_year;
- supplier: as activity records name it (with the tariff menu if the supplier has several);
  `default` marks the factor for electricity whose supplier has no factor of its own
  (the published alternative value);
- basis: `location` (also `basic`) or `market` (also `adjusted`);
- factor and unit: `0.000441` with `t-CO2/kWh`, `0.441` with `kg-CO2/kWh`, `441` with
  `kg-CO2/MWh` or `g-CO2/kWh`, or a factor in t-CO2 with the activity unit alone (`kWh`,
  `MWh`, `千kWh`). The factor must be plausible (plausibility.py): 0, or 0.000001–0.002
  t-CO2/kWh; outside it the message gives the reading that would be plausible.

Every row is checked first, and every check runs on every row (fields, plausibility,
duplicates, years overlapping another set) so one pass reports all problems, each with its
file, row and column; then nothing is stored (`ImportRejected`). A clean file is applied in
one transaction: the factors go into the set of their fiscal year and basis (created when
missing). A supplier already in that set with a different factor gets a new version of it;
the old version stays, and calculations already posted keep it (decision 0020).
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
from django.utils import timezone
from django.utils.translation import gettext as _

from tatara.core.audit import record_event, stamp
from tatara.core.permissions import require_whole_group
from tatara.core.tabular import CellError, ImportRejected, Row, read_table, rejected_file
from tatara.emissions import plausibility
from tatara.emissions.choices import Activity, Basis, Scope
from tatara.emissions.models import (
    FIRST_YEAR,
    LAST_YEAR,
    SUPPLIER_LENGTH,
    EmissionFactor,
    EmissionFactorSet,
)
from tatara.emissions.quantities import ELECTRIC, Unit, factor_unit

COLUMNS = ("fiscal_year", "supplier", "basis", "factor", "unit")
OPTIONAL = ("results_year", "source")
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
FACTOR_PLACES = 12


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
    # one line per factor that got a new version: "FY2019 market Tokyo Power: 0.000455 → …"
    changed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = _(
            "%(file)s: %(created)d factors added, %(updated)d changed as new versions, "
            "%(unchanged)d unchanged (%(years)s); %(sets)d new factor sets"
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
    results_year: int


def _validate(table: Any) -> tuple[list[_Entry], list[CellError]]:
    """Every check on every row; the rows' years and bases also go to `_set_errors`, so a
    row with a bad factor is still told that its year overlaps another set."""
    errors: list[CellError] = []
    entries: list[_Entry] = []
    placed: list[tuple[Row, int, str]] = []
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
        results_year = _results_year(row, year, errors)
        source = " ".join(row.text("source").split()) or _("imported from %(file)s") % {
            "file": row.file
        }
        if year is not None and basis is not None:
            placed.append((row, year, basis))
        named = bool(row.text("supplier"))
        if year is not None and basis is not None and named:
            key = (year, supplier.casefold(), basis)
            if key in seen:
                errors.append(row.error(None, _("duplicate of row %(row)d") % {"row": seen[key]}))
                continue
            seen[key] = row.number
        if len(errors) > before or year is None or basis is None or factor is None:
            continue
        assert results_year is not None
        entries.append(
            _Entry(row, year, supplier, basis, factor[0], factor[1].code, source, results_year)
        )
    return entries, errors + _set_errors(placed)


def _results_year(row: Row, year: int | None, errors: list[CellError]) -> int | None:
    """The supplier's results year: given, it must be the year before the emission year."""
    text = row.text("results_year")
    if not text:
        return year - 1 if year is not None else None
    match = re.fullmatch(r"(?:FY)?\s*(\d{4})(?:\.0*)?", text, re.IGNORECASE)
    if match is None:
        errors.append(
            row.error(
                "results_year",
                _("“%(value)s” is not a fiscal year; write it as 2022 or FY2022") % {"value": text},
            )
        )
        return None
    given = int(match[1])
    if year is not None and given != year - 1:
        errors.append(
            row.error(
                "results_year",
                _(
                    "factors computed from FY%(given)d results apply to FY%(next)d emissions, "
                    "but fiscal_year says FY%(year)d; fiscal_year is the emission year (the "
                    "year the electricity was used)"
                )
                % {"given": given, "next": given + 1, "year": year},
            )
        )
        return None
    return given


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


def _factor(row: Row, errors: list[CellError]) -> tuple[Decimal, Unit] | None:
    text = row.text("factor").replace(",", "")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    valid = True
    if not number.is_finite():
        errors.append(
            row.error("factor", _("“%(value)s” is not a number") % {"value": row.text("factor")})
        )
        valid = False
    elif number < 0:
        errors.append(row.error("factor", _("cannot be negative")))
        valid = False
    unit_text = row.text("unit")
    try:
        multiplier, activity_unit = factor_unit(unit_text, (ELECTRIC,))
    except ValidationError as exc:
        errors.append(
            row.error(
                "unit",
                _(
                    "“%(value)s” is not a factor unit (t-CO2/kWh, kg-CO2/kWh, kg-CO2/MWh, "
                    "kWh, MWh): %(problem)s"
                )
                % {"value": unit_text, "problem": " ".join(exc.messages)},
            )
        )
        return None
    if not valid:
        return None
    try:
        plausibility.check(Activity.ELECTRICITY, number, multiplier, activity_unit, unit_text)
    except ValidationError as exc:
        errors.append(row.error("factor", " ".join(exc.messages)))
        return None
    factor = (number * multiplier).normalize()
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


def _set_errors(placed: list[tuple[Row, int, str]]) -> list[CellError]:
    """A new set for a year and basis must not overlap a set already covering that year."""
    errors = []
    checked: set[tuple[int, str]] = set()
    for row, year, basis in placed:
        key = (year, basis)
        if key in checked:
            continue
        checked.add(key)
        if EmissionFactorSet.objects.filter(code=electricity_set_code(*key)).exists():
            continue
        try:
            _new_set(year, basis, row.file).clean()
        except ValidationError as exc:
            errors.append(row.error("fiscal_year", " ".join(exc.messages)))
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
    """Add the supplier's factor, or — when it differs from the version in force — record it
    as the next version; the version in force is kept, marked replaced."""
    versions = EmissionFactor.objects.filter(
        factor_set=factor_set, activity=Activity.ELECTRICITY, supplier__iexact=entry.supplier
    )
    current = versions.current().select_for_update().first()
    if current is not None and (
        Decimal(current.factor),
        current.unit,
        current.source,
        current.results_year,
    ) == (entry.factor, entry.unit, entry.source, entry.results_year):
        result.unchanged += 1
        return
    last = versions.order_by("-version").first()
    factor = EmissionFactor(
        factor_set=factor_set,
        activity=Activity.ELECTRICITY,
        supplier=current.supplier if current is not None else entry.supplier,
        factor=entry.factor,
        unit=entry.unit,
        scope=Scope.SCOPE_2,
        source=entry.source,
        results_year=entry.results_year,
        version=(last.version + 1) if last is not None else 1,
        recorded_at=timezone.now(),
    )
    if current is None:
        result.created += 1
    else:
        result.updated += 1
        result.changed.append(
            _(
                "FY%(year)d %(basis)s-based, %(who)s: %(old)s → %(new)s t-CO2/%(unit)s (version %(v)d)"
            )
            % {
                "year": entry.year,
                "basis": entry.basis,
                "who": entry.supplier or _("default"),
                "old": _plain(Decimal(current.factor)),
                "new": _plain(entry.factor),
                "unit": entry.unit,
                "v": factor.version,
            }
        )
    try:
        factor.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise ImportRejected([entry.row.error(None, " ".join(exc.messages))]) from exc
    if current is not None:  # out of force first: one version in force at a time
        current.superseded_at = factor.recorded_at
        stamp(current, actor, f"replaced by version {factor.version} from {entry.row.file}")
        current.save(update_fields=["superseded_at"])
    stamp(factor, actor, f"imported from {entry.row.file}")
    factor.save()
    if current is not None:
        current.superseded_by = factor
        current.save(update_fields=["superseded_by"])


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"
