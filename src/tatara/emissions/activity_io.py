"""Activity data in and out as CSV or Excel: what sites consumed, one row per unit, period,
activity and supplier.

Columns `org_unit,period,activity,quantity` and optionally `unit,supplier,source`:

- org_unit: the unit's code (the importer needs `emissions.change` on it);
- period: a calendar month `2019-04` or a fiscal year `FY2019` (or `2019`);
- activity: a code (electricity, city-gas, lpg, lng, heavy-oil-a, heavy-oil-bc, diesel,
  gasoline, kerosene, coking-coal, steam-coal, anthracite, industrial-steam, steam,
  hot-water, cold-water), its English label or its Japanese name (都市ガス, A重油, 一般炭 …);
- quantity and unit: as on the invoice (`80` `MWh`, `2500` `L`, `12.5` `千m3`), in any
  spelling of quantities.py; an empty unit is the activity's standard unit (kWh, m3, t, kL,
  GJ);
- supplier: electricity only, as its factor table names it.

The whole file is checked first, every check on every row in one pass: the fields, the unit
(unknown spellings and units of another kind refused with the accepted ones), a factor for
the fiscal year (a fuel the ordinance's tables have no factor for that year is refused
here), duplicates, and a month overlapping a fiscal-year record (in the file or already
stored). Any problem → `ImportRejected` listing them all with file, row and column, nothing
stored. A clean file is applied in one transaction through `services.record_activity` (which
checks the permission gate and the rules once more). Notes (`ton` read as the metric tonne)
come back on the result. An export of a fiscal year writes the same columns, so an exported
file imports again unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tatara.core import fiscal
from tatara.core.audit import record_event
from tatara.core.permissions import can, require
from tatara.core.tabular import (
    CONTENT_TYPES,
    FORMATS,
    CellError,
    ImportRejected,
    Row,
    Table,
    read_source,
    read_table,
    rejected_file,
    write_table,
)
from tatara.emissions import services
from tatara.emissions.choices import ALIASES, Activity
from tatara.emissions.models import SUPPLIER_LENGTH, ActivityRecord
from tatara.kpis.table_io import parse_period
from tatara.organisation.models import OrgUnit

if TYPE_CHECKING:
    from tatara.core.jobs import JobOutcome, Reporter
    from tatara.core.models import Job

COLUMNS = ("org_unit", "period", "activity", "quantity")
OPTIONAL = ("unit", "supplier", "source")
ALL_COLUMNS = (*COLUMNS, *OPTIONAL)
SOURCE_LENGTH = 300
JOB_KIND = "emissions.activity_import"
PROGRESS_EVERY = 100

Progress = Callable[[int, int, str], None]


@dataclass
class ActivityImportResult:
    file: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = _(
            "%(file)s: %(created)d activity records added, %(updated)d corrected, "
            "%(unchanged)d unchanged"
        ) % {
            "file": self.file,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            text += _(" (dry run: nothing was stored)")
        if self.notes:
            text += " " + _("Notes: %(notes)s") % {"notes": " ".join(self.notes)}
        return text


@dataclass(frozen=True)
class _Entry:
    row: Row
    unit: OrgUnit
    start: dt.date
    end: dt.date
    activity: str
    quantity: Decimal
    entered_unit: str
    supplier: str
    source: str


def _label(start: dt.date, end: dt.date) -> str:
    if (start, end) == fiscal.bounds(fiscal.year_of(start)):
        return fiscal.label(fiscal.year_of(start))
    return start.strftime("%Y-%m")


def _activity(row: Row, errors: list[CellError]) -> str | None:
    text = row.text("activity")
    by_name = {str(label).casefold(): code for code, label in Activity.choices}
    code = text.casefold().replace("_", "-").replace(" ", "-")
    if code in Activity.values:
        return code
    if text.casefold() in by_name:
        return by_name[text.casefold()]
    if code in ALIASES or text.casefold() in ALIASES:
        return str(ALIASES.get(code) or ALIASES[text.casefold()])
    errors.append(
        row.error(
            "activity",
            _("“%(value)s” is not an activity; use one of %(known)s")
            % {"value": text, "known": ", ".join(Activity.values)},
        )
    )
    return None


def _quantity(row: Row, errors: list[CellError]) -> Decimal | None:
    text = row.text("quantity").replace(",", "")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite():
        errors.append(
            row.error(
                "quantity", _("“%(value)s” is not a number") % {"value": row.text("quantity")}
            )
        )
        return None
    if number < 0:
        errors.append(row.error("quantity", _("cannot be negative")))
        return None
    return number


class _Units:
    """Units named in the file, and whether the actor may enter data for each (cached)."""

    def __init__(self, table: Table, actor: Any) -> None:
        self.actor = actor
        codes = {row.text("org_unit") for row in table.rows}
        self.units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
        self.allowed: dict[int, bool] = {}

    def get(self, row: Row, errors: list[CellError]) -> OrgUnit | None:
        code = row.text("org_unit")
        unit = self.units.get(code)
        if not code:
            errors.append(row.error("org_unit", _("is empty")))
            return None
        if unit is not None and unit.pk not in self.allowed:
            self.allowed[unit.pk] = can(self.actor, "emissions.change", unit)
        if unit is None or not self.allowed[unit.pk]:
            # a unit outside the scope is not confirmed to exist
            errors.append(
                row.error(
                    "org_unit",
                    _("unknown unit code %(code)s, or outside your scope (emissions.change)")
                    % {"code": repr(code)},
                )
            )
            return None
        return unit


def _validate(table: Table, actor: Any) -> tuple[list[_Entry], list[CellError], list[str]]:
    """Every check on every row, each as soon as the fields it needs are readable (so a bad
    quantity does not hide an overlap); returns the entries, the errors and the notes."""
    units = _Units(table, actor)
    entries: list[_Entry] = []
    errors: list[CellError] = []
    notes: list[str] = []
    seen: dict[tuple[Any, ...], int] = {}
    periods: list[tuple[Row, OrgUnit, str, str, dt.date, dt.date]] = []
    for row in table.rows:
        before = len(errors)
        unit = units.get(row, errors)
        period: tuple[dt.date, dt.date] | None = None
        raw_period = row.values.get("period")
        try:
            period = parse_period(raw_period)
        except ValueError:
            errors.append(
                row.error(
                    "period",
                    _(
                        "“%(value)s” is not a period; write a month as 2019-04 or a fiscal year as FY2019"
                    )
                    % {"value": row.text("period")},
                )
            )
        activity = _activity(row, errors)
        quantity = _quantity(row, errors)
        entered_unit = ""
        if activity is not None:
            try:
                parsed = services.activity_unit(activity, row.text("unit"))
            except ValidationError as exc:
                errors.append(row.error("unit", " ".join(exc.messages)))
            else:
                entered_unit = parsed.code
                if parsed.note:
                    notes.append(
                        _("%(file)s, row %(row)d: %(note)s")
                        % {"file": row.file, "row": row.number, "note": parsed.note}
                    )
        if activity is not None and period is not None:
            try:
                services.check_factor_year(activity, fiscal.year_of(period[0]))
            except ValidationError as exc:
                errors.append(row.error("period", " ".join(exc.messages)))
        supplier = services.clean_supplier(row.text("supplier"))
        if supplier and activity is not None and activity != Activity.ELECTRICITY:
            errors.append(row.error("supplier", _("only electricity has a supplier")))
        if len(supplier) > SUPPLIER_LENGTH:
            errors.append(
                row.error("supplier", _("is longer than %(n)d characters") % {"n": SUPPLIER_LENGTH})
            )
        source = " ".join(row.text("source").split())
        if len(source) > SOURCE_LENGTH:
            errors.append(
                row.error("source", _("is longer than %(n)d characters") % {"n": SOURCE_LENGTH})
            )
        if unit is not None and period is not None and activity is not None:
            key = (unit.pk, activity, supplier.casefold(), period)
            if key in seen:
                errors.append(row.error(None, _("duplicate of row %(row)d") % {"row": seen[key]}))
                continue
            seen[key] = row.number
            periods.append((row, unit, activity, supplier, *period))
        if len(errors) > before:
            continue
        assert unit is not None and period is not None
        assert activity is not None and quantity is not None
        entries.append(
            _Entry(row, unit, *period, activity, quantity, entered_unit, supplier, source)
        )
    errors += _overlaps(periods)
    errors.sort(key=lambda error: error.row or 0)  # in the file's order (stable within a row)
    return entries, errors, notes


def _overlaps(
    periods: list[tuple[Row, OrgUnit, str, str, dt.date, dt.date]],
) -> list[CellError]:
    """A month and the fiscal year around it, for one unit, activity and supplier: both in
    the file, or one in the file and the other already stored (and not in the file)."""
    errors: list[CellError] = []
    by_key: dict[tuple[int, str, str], list[tuple[Row, dt.date, dt.date]]] = {}
    for row, unit, activity, supplier, start, end in periods:
        by_key.setdefault((unit.pk, activity, supplier.casefold()), []).append((row, start, end))
    for (unit_pk, activity, supplier), rows in by_key.items():
        label = services.activity_label(activity)
        for index, (row, start, end) in enumerate(rows):
            clash = next(
                (
                    other
                    for other in rows[:index]
                    if other[1] <= end
                    and other[2] >= start
                    and (other[1], other[2]) != (start, end)
                ),
                None,
            )
            if clash is not None:
                errors.append(
                    row.error(
                        "period",
                        _(
                            "%(activity)s for %(period)s overlaps row %(other)d (%(other_period)s); "
                            "record either months or the whole fiscal year"
                        )
                        % {
                            "activity": label,
                            "period": _label(start, end),
                            "other": clash[0].number,
                            "other_period": _label(clash[1], clash[2]),
                        },
                    )
                )
                continue
            stored = (
                ActivityRecord.objects.filter(
                    org_unit_id=unit_pk,
                    activity=activity,
                    supplier__iexact=supplier,
                    period_start__lte=end,
                    period_end__gte=start,
                )
                .exclude(period_start=start, period_end=end)
                .order_by("period_start")
            )
            stored_clash = next(
                (
                    record
                    for record in stored
                    if not any(
                        (r[1], r[2]) == (record.period_start, record.period_end) for r in rows
                    )
                ),
                None,
            )
            if stored_clash is not None:
                errors.append(
                    row.error(
                        "period",
                        _(
                            "%(activity)s for %(period)s overlaps the record already stored for "
                            "%(other_period)s; record either months or the whole fiscal year"
                        )
                        % {
                            "activity": label,
                            "period": _label(start, end),
                            "other_period": _label(
                                stored_clash.period_start, stored_clash.period_end
                            ),
                        },
                    )
                )
    return errors


_FIELD_COLUMNS = {
    "period_start": "period",
    "quantity": "quantity",
    "unit": "unit",
    "supplier": "supplier",
    "activity": "activity",
    "source": "source",
}


def _row_errors(row: Row, exc: ValidationError) -> list[CellError]:
    if hasattr(exc, "error_dict"):
        return [
            row.error(_FIELD_COLUMNS.get(field), " ".join(messages))
            for field, messages in exc.message_dict.items()
        ]
    return [row.error(None, " ".join(exc.messages))]


def _read(source: str | Path | IO[bytes], name: str | None) -> Table:
    label, data = read_source(source, name)
    table = read_table(io.BytesIO(data), name=label, required=COLUMNS, optional=OPTIONAL)
    if not table.rows:
        raise rejected_file(label, _("the file has no activity data"))
    return table


def import_activity(
    source: str | Path | IO[bytes],
    *,
    actor: Any,
    name: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ActivityImportResult:
    """Validate the whole file, then record every row (or correct the record) in one
    transaction through services.record_activity; any problem → ImportRejected listing all of
    them, nothing stored. Raises PermissionDenied when the actor may enter activity data
    nowhere."""

    def report(done: int, total: int, message: str) -> None:
        if progress is not None:
            progress(done, total, message)

    if not can(actor, "emissions.change"):
        raise PermissionDenied("not allowed: emissions.change")
    report(0, 0, _("Reading the file"))
    table = _read(source, name)
    report(0, len(table.rows), _("Checking %(n)d rows") % {"n": len(table.rows)})
    entries, errors, notes = _validate(table, actor)
    if errors:
        raise ImportRejected(errors)
    result = ActivityImportResult(table.file, dry_run=dry_run, notes=notes)
    applying = _("Applying %(n)d rows") % {"n": len(entries)}
    with transaction.atomic():
        for done, entry in enumerate(entries, start=1):
            if done % PROGRESS_EVERY == 0:
                report(done, len(entries), applying)
            existing = ActivityRecord.objects.filter(
                org_unit=entry.unit,
                activity=entry.activity,
                supplier__iexact=entry.supplier,
                period_start=entry.start,
                period_end=entry.end,
            ).first()
            if existing is not None and (
                Decimal(existing.quantity),
                existing.unit,
                existing.source,
            ) == (entry.quantity, entry.entered_unit, entry.source):
                result.unchanged += 1
                continue
            try:
                # a savepoint per row, so that every refused row is reported
                with transaction.atomic():
                    services.record_activity(
                        actor=actor,
                        org_unit=entry.unit,
                        activity=entry.activity,
                        period_start=entry.start,
                        period_end=entry.end,
                        quantity=entry.quantity,
                        unit=entry.entered_unit,
                        supplier=entry.supplier,
                        source=entry.source,
                    )
            except ValidationError as exc:
                errors += _row_errors(entry.row, exc)
                continue
            if existing is None:
                result.created += 1
            else:
                result.updated += 1
        if errors:
            transaction.set_rollback(True)
            raise ImportRejected(errors)
        report(len(entries), len(entries), _("Saving"))
        record_event(
            actor=actor,
            verb="emission_activity.imported",
            data={
                "file": table.file,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "dry_run": dry_run,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return result


# --- export -------------------------------------------------------------------------------


def activity_rows(*, viewer: Any, year: int, unit: OrgUnit | None = None) -> list[list[Any]]:
    """The activity records of fiscal year `year` the viewer may see (of `unit` alone, when
    given), in the import's columns."""
    start, end = fiscal.bounds(year)
    records = (
        ActivityRecord.objects.visible_to(viewer, "emissions.view")
        .filter(period_start__gte=start, period_end__lte=end)
        .select_related("org_unit")
        .order_by("org_unit__path", "period_start", "period_end", "activity", "supplier")
    )
    if unit is not None:
        records = records.filter(org_unit=unit)
    return [
        [
            r.org_unit.code,
            _label(r.period_start, r.period_end),
            r.activity,
            Decimal(r.quantity).normalize(),
            r.unit,
            r.supplier,
            r.source,
        ]
        for r in records
    ]


def export_activity(
    *, viewer: Any, year: int, fmt: str = "csv", unit: OrgUnit | None = None
) -> tuple[bytes, str, str]:
    """(file bytes, content type, file name) of a fiscal year's activity data."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
    rows = activity_rows(viewer=viewer, year=year, unit=unit)
    data = write_table(ALL_COLUMNS, rows, fmt, "activity")
    who = f"-{unit.code}" if unit is not None else ""
    return data, CONTENT_TYPES[fmt], f"tatara-FY{year}{who}-activity.{fmt}"


# --- as a background job ------------------------------------------------------------------


def start_activity_import(
    *, actor: Any, upload: Any, org_unit: OrgUnit, fiscal_year: int, dry_run: bool
) -> Job:
    """Queue an activity data file to be checked (and, unless `dry_run`, applied) in the
    background, filed under `org_unit` (the unit whose page it was uploaded from)."""
    from tatara.core.jobs import start_job

    require(actor, "emissions.change", org_unit)
    file_name = Path(getattr(upload, "name", "") or "activity").name
    label = (
        _("Check activity data %(file)s") if dry_run else _("Import activity data %(file)s")
    ) % {"file": file_name}
    return start_job(
        actor=actor,
        kind=JOB_KIND,
        label=label,
        org_unit=org_unit,
        runner="tatara.emissions.activity_io.run_activity_import",
        input_file=upload,
        params={
            "file_name": file_name,
            "dry_run": dry_run,
            "return_url": reverse("emissions:activity", args=[org_unit.code, fiscal_year]),
        },
    )


def run_activity_import(*, job: Job, report: Reporter) -> JobOutcome:
    """The job's runner: import the stored file as the person who uploaded it."""
    from tatara.core.jobs import JobOutcome

    dry_run = bool(job.params.get("dry_run", False))
    with job.input_file.open("rb") as handle:
        result = import_activity(
            handle,
            name=job.params.get("file_name") or Path(job.input_file.name).name,
            actor=job.created_by,
            dry_run=dry_run,
            progress=report,
        )
    counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    return JobOutcome(
        summary=result.summary(),
        details={"counts": counts, "dry_run": dry_run, "notes": result.notes},
    )
