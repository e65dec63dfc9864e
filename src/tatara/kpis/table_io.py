"""Observations and targets in and out of CSV and Excel files, in one layout both ways.

Observations: `metric,org_unit,period,value,unit` (+ optional `source`). `metric` and
`org_unit` are codes; `period` is `FY2019` (or `2019`) for a fiscal year, `2019-04` for a
month; `unit` may be empty (the metric's unit) or any unit of the same dimension (kWh for a
MWh metric), converted on the way in.

Targets: `metric,fiscal_year,org_unit,kind,value,base_year` (+ optional `legal_parameter`).
`kind` is a TargetKind value; `value` is empty for a legal minimum, whose `legal_parameter`
defaults to `disability-employment-rate`; `base_year` only for a reduction.

An import reads and checks the whole file first; every problem is reported with its file,
row and column, and nothing is stored unless there is none. A clean file is then applied in
one transaction through the services (so the gate, the checks and the audit trail are the
same as on the pages): a new value is recorded as a draft, an existing draft corrected, an
existing submitted or approved value refused; a new target is created, an existing one
(same metric, year and unit) updated. A row of a closed fiscal year (core.year_lock) is
refused with the others. Any failure rolls everything back.

An export writes the same columns, so a file exported re-imports unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tatara.core import fiscal, year_lock
from tatara.core.audit import record_event
from tatara.core.permissions import can, require
from tatara.core.tabular import (
    CONTENT_TYPES,
    CellError,
    ImportCounts,
    ImportRejected,
    Row,
    Table,
    read_source,
    read_table,
    write_table,
)
from tatara.kpis import services
from tatara.kpis.choices import Frequency, ObservationStatus, TargetKind
from tatara.kpis.models import Metric, Observation, Target
from tatara.kpis.units import convert
from tatara.organisation.models import OrgUnit

OBSERVATION_COLUMNS = ("metric", "org_unit", "period", "value", "unit")
OBSERVATION_OPTIONAL = ("source",)
TARGET_COLUMNS = ("metric", "fiscal_year", "org_unit", "kind", "value", "base_year")
TARGET_OPTIONAL = ("legal_parameter",)
DEFAULT_LEGAL_PARAMETER = "disability-employment-rate"
MIN_YEAR, MAX_YEAR = 1900, 2200
SOURCE_MAX = Observation._meta.get_field("source").max_length or 300

_YEAR = re.compile(r"(?:FY\s*)?(\d{4})", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


class ImportResult(ImportCounts):
    """What an import of observations or targets did (`what`: "observations" or "targets")."""


# --- parsing ------------------------------------------------------------------------------


def parse_year(text: str) -> int:
    """`FY2019` or `2019` → 2019; a ValueError otherwise."""
    match = _YEAR.fullmatch(text.strip())
    if match is None or not MIN_YEAR <= int(match[1]) <= MAX_YEAR:
        raise ValueError(text)
    return int(match[1])


def parse_period(value: Any) -> tuple[dt.date, dt.date]:
    """`FY2019`/`2019` → the fiscal year, `2019-04` → the month (an Excel date → its month);
    a ValueError otherwise."""
    if isinstance(value, dt.date):  # Excel turned "2019-04" into a date
        return services.month_bounds(value.year, value.month)
    text = str(value if value is not None else "").strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    month = _MONTH.fullmatch(text)
    if month is not None:
        year, number = int(month[1]), int(month[2])
        if not (1 <= number <= 12 and MIN_YEAR <= year <= MAX_YEAR):
            raise ValueError(text)
        return services.month_bounds(year, number)
    return fiscal.bounds(parse_year(text))


def _number(row: Row, column: str, errors: list[CellError]) -> Decimal | None:
    text = row.text(column)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors.append(row.error(column, _("“%(value)s” is not a number") % {"value": text}))
        return None
    return number


def _read(
    source: str | Path | IO[bytes], name: str | None, required: Sequence[str], optional: Any
) -> Table:
    label, data = read_source(source, name)
    table = read_table(io.BytesIO(data), name=label, required=required, optional=optional)
    if not table.rows:
        raise ImportRejected([CellError(label, table.sheet, None, None, _("the file has no rows"))])
    return table


class _Lookups:
    """Metrics and units named in the file, and the actor's right on each unit (cached)."""

    def __init__(self, table: Table, actor: Any, action: str) -> None:
        self.actor, self.action = actor, action
        codes = {row.text("org_unit") for row in table.rows}
        self.metrics = {m.code: m for m in Metric.objects.all()}
        self.units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
        self._allowed: dict[int, bool] = {}

    def metric(self, row: Row, errors: list[CellError]) -> Metric | None:
        code = row.text("metric")
        if not code:
            errors.append(row.error("metric", _("is empty")))
            return None
        metric = self.metrics.get(code)
        if metric is None:
            errors.append(row.error("metric", _("unknown metric %(code)s") % {"code": repr(code)}))
        return metric

    def unit(self, row: Row, errors: list[CellError]) -> OrgUnit | None:
        code = row.text("org_unit")
        if not code:
            errors.append(row.error("org_unit", _("is empty")))
            return None
        unit = self.units.get(code)
        if unit is None:
            errors.append(
                row.error("org_unit", _("unknown unit code %(code)s") % {"code": repr(code)})
            )
            return None
        if unit.pk not in self._allowed:
            self._allowed[unit.pk] = can(self.actor, self.action, unit)
        if not self._allowed[unit.pk]:
            errors.append(
                row.error(
                    "org_unit",
                    _("unit %(code)s is outside your scope (%(action)s)")
                    % {"code": repr(code), "action": self.action},
                )
            )
            return None
        return unit


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


# --- observations -------------------------------------------------------------------------


@dataclass
class _ObservationEntry:
    row: Row
    metric: Metric
    unit: OrgUnit
    start: dt.date
    end: dt.date
    value: Decimal
    entered_unit: str
    source: str


def _closed_year_error(
    row: Row, column: str, years: Sequence[int], closed: set[int]
) -> CellError | None:
    """A row touching a closed fiscal year: refused like any other bad cell."""
    touched = sorted(set(years) & closed)
    if not touched:
        return None
    return row.error(column, year_lock.closed_message(touched[0]))


def _observation_entries(table: Table, lookups: _Lookups) -> tuple[list[Any], list[CellError]]:
    errors: list[CellError] = []
    entries: list[_ObservationEntry] = []
    seen: dict[tuple[Any, ...], int] = {}
    closed_years = year_lock.closed_years()
    for row in table.rows:
        before = len(errors)
        metric = lookups.metric(row, errors)
        unit = lookups.unit(row, errors)
        period: tuple[dt.date, dt.date] | None = None
        try:
            period = parse_period(row.values.get("period"))
        except ValueError:
            errors.append(
                row.error(
                    "period",
                    _(
                        "“%(value)s” is not a period; use FY2019 (or 2019) for a fiscal year, 2019-04 for a month"
                    )
                    % {"value": row.text("period")},
                )
            )
        if period is not None and metric is not None:
            try:
                services.check_period(metric, *period)
            except ValidationError as exc:
                errors.append(row.error("period", " ".join(exc.messages)))
                period = None
        if period is not None:
            refused = _closed_year_error(
                row, "period", year_lock.years_of_period(*period), closed_years
            )
            if refused is not None:
                errors.append(refused)
                period = None
        value = _number(row, "value", errors)
        entered_unit = row.text("unit") or (metric.unit if metric else "")
        if metric is not None and value is not None:
            try:
                convert(value, entered_unit, metric.unit)
            except ValidationError as exc:
                errors.append(row.error("unit", " ".join(exc.messages)))
        source = row.text("source")
        if len(source) > SOURCE_MAX:
            errors.append(
                row.error("source", _("is longer than %(n)d characters") % {"n": SOURCE_MAX})
            )
        if metric is not None and unit is not None and period is not None:
            key = (metric.pk, unit.pk, *period)
            if key in seen:
                errors.append(
                    row.error(
                        "period",
                        _("%(metric)s of %(unit)s for %(period)s is already on row %(row)d")
                        % {
                            "metric": metric.code,
                            "unit": unit.code,
                            "period": services.period_label(*period),
                            "row": seen[key],
                        },
                    )
                )
            else:
                seen[key] = row.number
        if len(errors) == before:
            assert metric and unit and period and value is not None
            entries.append(
                _ObservationEntry(row, metric, unit, *period, value, entered_unit, source)
            )
    return entries, errors


def _observation_conflicts(
    entries: list[_ObservationEntry],
) -> tuple[dict[tuple[Any, ...], Any], list[CellError]]:
    """Existing values the file touches (one query), and the rows that may not be applied:
    a value already submitted, or a month and a whole year of the same monthly metric."""
    if not entries:
        return {}, []
    years = {fiscal.year_of(e.start) for e in entries}
    first, last = fiscal.bounds(min(years))[0], fiscal.bounds(max(years))[1]
    existing = {
        (o.metric_id, o.org_unit_id, o.period_start, o.period_end): o
        for o in Observation.objects.filter(
            metric_id__in={e.metric.pk for e in entries},
            org_unit_id__in={e.unit.pk for e in entries},
            period_start__gte=first,
            period_end__lte=last,
        ).only(
            "pk",
            "metric_id",
            "org_unit_id",
            "period_start",
            "period_end",
            "status",
            "original_value",
            "original_unit",
            "source",
        )
    }
    # (metric, unit, fiscal year) → which kinds of period exist, in the database or the file
    kinds: dict[tuple[int, int, int], set[str]] = {}
    for metric_id, unit_id, start, end in [
        *existing,
        *((e.metric.pk, e.unit.pk, e.start, e.end) for e in entries),
    ]:
        kind = "year" if services.is_fiscal_year(start, end) else "month"
        kinds.setdefault((metric_id, unit_id, fiscal.year_of(start)), set()).add(kind)
    errors = []
    for entry in entries:
        found = existing.get((entry.metric.pk, entry.unit.pk, entry.start, entry.end))
        if found is not None and found.status != ObservationStatus.DRAFT:
            errors.append(
                entry.row.error(
                    "value",
                    _("this value was already %(status)s; it can no longer be changed")
                    % {"status": found.get_status_display().lower()},
                )
            )
        year = fiscal.year_of(entry.start)
        if entry.metric.frequency == Frequency.MONTHLY and kinds[
            (entry.metric.pk, entry.unit.pk, year)
        ] == {"year", "month"}:
            errors.append(
                entry.row.error(
                    "period",
                    _(
                        "%(metric)s of %(unit)s in FY%(year)d would be entered both for the "
                        "whole year and by month (in this file or already), counting it twice"
                    )
                    % {"metric": entry.metric.code, "unit": entry.unit.code, "year": year},
                )
            )
    return existing, errors


_FIELD_COLUMNS = {"period_start": "period", "value": "value", "unit": "unit", "source": "source"}


def import_observations(
    source: str | Path | IO[bytes],
    *,
    actor: Any,
    name: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Validate the whole file, then record every row as a draft (or correct the draft) in one
    transaction. Raises ImportRejected (nothing stored) or PermissionDenied."""
    if not can(actor, "kpis.change"):
        raise PermissionDenied("not allowed: kpis.change")
    table = _read(source, name, OBSERVATION_COLUMNS, OBSERVATION_OPTIONAL)
    entries, errors = _observation_entries(table, _Lookups(table, actor, "kpis.change"))
    existing, conflicts = _observation_conflicts(entries)
    errors += conflicts
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row or 0))
    result = ImportResult("observations", table.file, dry_run=dry_run)
    with transaction.atomic():
        for entry in entries:
            found = existing.get((entry.metric.pk, entry.unit.pk, entry.start, entry.end))
            if (
                found is not None
                and Decimal(found.original_value) == entry.value
                and found.original_unit == entry.entered_unit
                and found.source == entry.source
            ):
                result.unchanged += 1
                continue
            try:
                services.record_observation(
                    actor=actor,
                    metric=entry.metric,
                    org_unit=entry.unit,
                    period_start=entry.start,
                    period_end=entry.end,
                    value=entry.value,
                    unit=entry.entered_unit,
                    source=entry.source,
                )
            except ValidationError as exc:  # changed since validation; roll everything back
                raise ImportRejected(
                    [
                        entry.row.error(_FIELD_COLUMNS.get(field), " ".join(messages))
                        for field, messages in _messages(exc).items()
                    ]
                ) from exc
            if found is None:
                result.created += 1
            else:
                result.updated += 1
        record_event(
            actor=actor,
            verb="kpi_observations.imported",
            data={
                "file": table.file,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return result


# --- targets ------------------------------------------------------------------------------


@dataclass
class _TargetEntry:
    row: Row
    metric: Metric
    unit: OrgUnit
    year: int
    kind: str
    value: Decimal | None
    base_year: int | None
    legal_parameter: str


def _year_cell(row: Row, column: str, errors: list[CellError]) -> int | None:
    """The fiscal year in `column`, None when empty or wrong (then with an error)."""
    text = row.text(column)
    if not text:
        return None
    try:
        return parse_year(text)
    except ValueError:
        errors.append(
            row.error(
                column, _("“%(value)s” is not a fiscal year; use 2019 or FY2019") % {"value": text}
            )
        )
        return None


def _target_entries(table: Table, lookups: _Lookups) -> tuple[list[_TargetEntry], list[CellError]]:
    errors: list[CellError] = []
    entries: list[_TargetEntry] = []
    seen: dict[tuple[int, int, int], int] = {}
    closed_years = year_lock.closed_years()
    for row in table.rows:
        before = len(errors)
        metric = lookups.metric(row, errors)
        unit = lookups.unit(row, errors)
        if not row.text("fiscal_year"):
            errors.append(row.error("fiscal_year", _("is empty")))
        year = _year_cell(row, "fiscal_year", errors)
        base_year = _year_cell(row, "base_year", errors)
        if row.text("base_year") and base_year is None:
            base_year = 0  # reported above; keeps "needs a base year" from adding to it
        kind = row.text("kind")
        legal_parameter = row.text("legal_parameter")
        value: Decimal | None = None
        if kind == TargetKind.LEGAL_MINIMUM:
            legal_parameter = legal_parameter or DEFAULT_LEGAL_PARAMETER
            if row.text("value"):
                errors.append(
                    row.error(
                        "value",
                        _(
                            "a legal-minimum target takes its value from the legal parameter; leave it empty"
                        ),
                    )
                )
        else:
            if row.text("value"):
                value = _number(row, "value", errors)
            if legal_parameter:
                errors.append(
                    row.error(
                        "legal_parameter", _("only a legal-minimum target names a legal parameter")
                    )
                )
        if base_year is not None and kind != TargetKind.REDUCE_VS_BASE:
            errors.append(row.error("base_year", _("only a reduction target has a base year")))
        if year is not None:
            refused = _closed_year_error(row, "fiscal_year", [year], closed_years)
            if refused is not None:
                errors.append(refused)
        if len(errors) == before and year is not None:
            try:
                value = services.check_target(
                    kind=kind,
                    value=value,
                    year=year,
                    base_year=base_year,
                    legal_parameter=legal_parameter,
                )
            except ValidationError as exc:
                for field, messages in _messages(exc).items():
                    column = field if field in TARGET_COLUMNS or field in TARGET_OPTIONAL else None
                    errors.append(row.error(column, " ".join(messages)))
        if metric is not None and unit is not None and year is not None:
            key = (metric.pk, unit.pk, year)
            if key in seen:
                errors.append(
                    row.error(
                        "metric",
                        _(
                            "the target of %(metric)s for %(unit)s in FY%(year)d is already on row %(row)d"
                        )
                        % {
                            "metric": metric.code,
                            "unit": unit.code,
                            "year": year,
                            "row": seen[key],
                        },
                    )
                )
            else:
                seen[key] = row.number
        if len(errors) == before:
            assert metric and unit and year is not None
            entries.append(
                _TargetEntry(row, metric, unit, year, kind, value, base_year, legal_parameter)
            )
    return entries, errors


def import_targets(
    source: str | Path | IO[bytes],
    *,
    actor: Any,
    name: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Validate the whole file, then create each target or update the existing one (same
    metric, year and unit) in one transaction. Raises ImportRejected or PermissionDenied."""
    from tatara.cycle.services import get_or_create_fiscal_year

    if not can(actor, "kpis.manage"):
        raise PermissionDenied("not allowed: kpis.manage")
    table = _read(source, name, TARGET_COLUMNS, TARGET_OPTIONAL)
    entries, errors = _target_entries(table, _Lookups(table, actor, "kpis.manage"))
    if errors:
        raise ImportRejected(errors)
    existing = {
        (t.metric_id, t.org_unit_id, t.fiscal_year.year): t
        for t in Target.objects.filter(
            metric_id__in={e.metric.pk for e in entries},
            org_unit_id__in={e.unit.pk for e in entries},
            fiscal_year__year__in={e.year for e in entries},
        ).select_related("fiscal_year", "base_year", "org_unit", "metric")
    }
    result = ImportResult("targets", table.file, dry_run=dry_run)
    with transaction.atomic():
        for entry in entries:
            base = get_or_create_fiscal_year(entry.base_year) if entry.base_year else None
            found = existing.get((entry.metric.pk, entry.unit.pk, entry.year))
            try:
                if found is None:
                    services.create_target(
                        actor=actor,
                        metric=entry.metric,
                        fiscal_year=get_or_create_fiscal_year(entry.year),
                        org_unit=entry.unit,
                        kind=entry.kind,
                        value=entry.value,
                        base_year=base,
                        legal_parameter=entry.legal_parameter,
                    )
                    result.created += 1
                    continue
                before = _target_cells(found)
                updated = services.update_target(
                    actor=actor,
                    target=found,
                    kind=entry.kind,
                    value=entry.value,
                    base_year=base,
                    legal_parameter=entry.legal_parameter,
                )
            except ValidationError as exc:
                raise ImportRejected(
                    [
                        entry.row.error(field if field in TARGET_COLUMNS else None, " ".join(m))
                        for field, m in _messages(exc).items()
                    ]
                ) from exc
            if _target_cells(updated) == before:
                result.unchanged += 1
            else:
                result.updated += 1
        record_event(
            actor=actor,
            verb="kpi_targets.imported",
            data={
                "file": table.file,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return result


# --- export -------------------------------------------------------------------------------


def _cell(value: Decimal | None) -> Decimal | str:
    """A stored number for a file cell (written plainly by to_file), "" for none."""
    return Decimal(value).normalize() if value is not None else ""


def _target_cells(target: Target) -> list[Any]:
    return [
        target.metric.code,
        target.fiscal_year.year,
        target.org_unit.code,
        target.kind,
        _cell(target.value),
        target.base_year.year if target.base_year is not None else "",
        target.legal_parameter,
    ]


def observation_rows(
    *,
    viewer: Any,
    year: int,
    metric: str | None = None,
    unit: str | None = None,
    statuses: Sequence[str] | None = None,
) -> list[list[Any]]:
    """The observations of fiscal year `year` the viewer may export, in the import's
    columns: the value and unit as entered. `unit` keeps that unit and the units below."""
    require(viewer, "kpis.export")
    first, last = fiscal.bounds(year)
    rows = Observation.objects.visible_to(viewer, "kpis.export").filter(
        period_start__gte=first, period_end__lte=last
    )
    if metric:
        if not Metric.objects.filter(code=metric).exists():
            raise ValidationError(_("Unknown metric %(code)s.") % {"code": metric})
        rows = rows.filter(metric__code=metric)
    if unit:
        top = OrgUnit.objects.visible_to(viewer, "kpis.export").filter(code=unit).first()
        if top is None:
            raise ValidationError(_("Unknown unit %(code)s.") % {"code": unit})
        rows = rows.filter(org_unit__path__startswith=top.path)
    if statuses:
        unknown = set(statuses) - set(ObservationStatus.values)
        if unknown:
            raise ValidationError(
                _("Unknown status %(status)s; use %(choices)s.")
                % {
                    "status": ", ".join(sorted(unknown)),
                    "choices": ", ".join(ObservationStatus.values),
                }
            )
        rows = rows.filter(status__in=statuses)
    return [
        [
            o.metric.code,
            o.org_unit.code,
            services.period_label(o.period_start, o.period_end),
            _cell(o.original_value),
            o.original_unit,
            o.source,
        ]
        for o in rows.select_related("metric", "org_unit").order_by(
            "metric__code", "org_unit__code", "period_start", "period_end"
        )
    ]


def target_rows(*, viewer: Any, year: int) -> list[list[Any]]:
    """The targets of fiscal year `year` the viewer may export, in the import's columns."""
    require(viewer, "kpis.export")
    targets = (
        Target.objects.visible_to(viewer, "kpis.export")
        .filter(fiscal_year__year=year)
        .select_related("metric", "fiscal_year", "org_unit", "base_year")
        .order_by("metric__code", "org_unit__code")
    )
    return [_target_cells(t) for t in targets]


def export_observations(
    *,
    viewer: Any,
    year: int,
    fmt: str = "csv",
    metric: str | None = None,
    unit: str | None = None,
    statuses: Sequence[str] | None = None,
) -> tuple[bytes, str, str]:
    """(file bytes, content type, file name)."""
    rows = observation_rows(viewer=viewer, year=year, metric=metric, unit=unit, statuses=statuses)
    columns = (*OBSERVATION_COLUMNS, *OBSERVATION_OPTIONAL)
    data = write_table(columns, rows, fmt, "observations")
    return data, CONTENT_TYPES[fmt], f"kpi-observations-FY{year}.{fmt}"


def export_targets(*, viewer: Any, year: int, fmt: str = "csv") -> tuple[bytes, str, str]:
    rows = target_rows(viewer=viewer, year=year)
    data = write_table((*TARGET_COLUMNS, *TARGET_OPTIONAL), rows, fmt, "targets")
    return data, CONTENT_TYPES[fmt], f"kpi-targets-FY{year}.{fmt}"
