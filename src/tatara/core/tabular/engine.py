"""The import engine: a spec (columns, a row function that calls a service) applied to a file,
all or nothing, with every error of the file in one report.

    read the file (files.read_table: type, encoding, size, header against the columns)
    read every cell of every row (columns.Column.read), and the file's key unique
    the spec's own checks over all records (`check`)
    -- any error so far: the rows that read well are applied with a savepoint each and
    rolled back, to add what the services refuse; ImportRejected with all of it, nothing
    stored: one report for the whole file --
    in one transaction: `before`, the row function for every record, `after`
    -- a row function that refuses a row (RowError, ValidationError) --
    the transaction is rolled back and run again with a savepoint per row, so that every
    refused row is reported, not only the first; then ImportRejected, nothing stored
    a dry run rolls back at the end, after counting what would have changed

The row function reports each record's outcome through `context.result.record(...)`;
`after` may report records removed (an HR master's leavers). One audit event per import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tatara.core.tabular.columns import Column, Invalid, columns_help
from tatara.core.tabular.files import (
    CellError,
    ImportRejected,
    Row,
    Table,
    read_table,
    rejected_file,
)
from tatara.core.tabular.results import ImportCounts

Progress = Callable[[int, int, str], None]


class RowError(Exception):
    """Raised by a row function: this row cannot be applied (`column`: the cell to blame)."""

    def __init__(self, message: str, column: str | None = None):
        self.message, self.column = message, column
        super().__init__(message)


@dataclass
class Record:
    """One row read: its values by column key, for the columns the file has."""

    row: Row
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def error(self, column: str | None, message: str) -> CellError:
        return self.row.error(column, message)


@dataclass
class ImportContext:
    """What a row function may use: who imports, the options of this run, the file's
    columns, the result so far, and `state` for what `before` loads (emptied for a rerun)."""

    spec: ImportSpec
    actor: Any
    options: dict[str, Any]
    dry_run: bool
    result: ImportCounts
    table: Table | None = None
    records: list[Record] = field(default_factory=list)  # every row read, once checked
    state: dict[str, Any] = field(default_factory=dict)
    progress: Progress | None = None
    total: int = 0  # the units of work progress counts: the rows, plus what `before` adds
    _cache: dict[str, Any] = field(default_factory=dict)

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        """A value loaded once per import (a look-up's codes)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def has(self, column: str) -> bool:
        """Whether the file has this column (a column left out leaves its field alone)."""
        return self.table is not None and column in self.table.columns

    def report(self, done: int, total: int, message: str) -> None:
        if self.progress is not None:
            self.progress(done, total, message)


RowFunction = Callable[[Record, ImportContext], None]


@dataclass(frozen=True)
class ImportSpec:
    """One import, declared: its columns, the permission it needs, its row function."""

    what: str  # the thing imported, a word: "people", "units"
    action: str  # the permission the importer needs (the gate: core.permissions.require)
    columns: tuple[Column, ...]
    apply_row: RowFunction
    name: str = ""  # "<area>.<what>_import": the kind of its background jobs
    label: Any = ""  # what the file is, for people: "HR master", "organisation units"
    # the run's own settings a job stores (JSON) and gives back: name → "date" | "bool" | "str"
    option_types: dict[str, str] = field(default_factory=dict)
    key: str | None = None  # a column whose values must be unique within the file
    check: Callable[[list[Record], ImportContext], Iterable[CellError]] | None = None
    before: Callable[[ImportContext], None] | None = None
    after: Callable[[ImportContext], None] | None = None
    event: str = ""  # the audit verb of an import
    event_data: Callable[[ImportContext], dict[str, Any]] | None = None
    detail_labels: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    progress_every: int = 200
    needs_rows: bool = False  # refuse a file with a header and no rows

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)

    def help_lines(self) -> list[str]:
        return columns_help(self.columns)


class _Refused(Exception):
    """A row function refused a row on the fast path: rerun with a savepoint per row."""


def read_records(spec: ImportSpec, context: ImportContext) -> tuple[list[Record], list[CellError]]:
    """Every cell of every row read, the key checked unique, the spec's checks run: the
    records (a cell that could not be read is absent) and every problem found."""
    assert context.table is not None
    table = context.table
    present = [c for c in spec.columns if c.name in table.columns]
    errors: list[CellError] = []
    records: list[Record] = []
    seen: dict[Any, int] = {}
    for row in table.rows:
        values: dict[str, Any] = {}
        for column in present:
            try:
                values[column.key] = column.read(row, context)
            except Invalid as exc:
                errors.append(row.error(column.name, str(exc)))
        if spec.key is not None:
            key_column = spec.column(spec.key)
            value = values.get(key_column.key)
            if value not in (None, ""):
                if value in seen:
                    errors.append(
                        row.error(
                            spec.key,
                            _("%(value)s appears again (first on row %(row)d)")
                            % {"value": value, "row": seen[value]},
                        )
                    )
                else:
                    seen[value] = row.number
        records.append(Record(row, values))
    if spec.check is not None:  # on every row too: a cell that could not be read is absent
        errors.extend(spec.check(records, context))
    return records, errors


def spec_order(spec: ImportSpec, column: str | None) -> int:
    names = [c.name for c in spec.columns]
    return names.index(column) if column in names else len(names)


def _refusal(record: Record, exc: Exception, spec: ImportSpec) -> list[CellError]:
    if isinstance(exc, RowError):
        return [record.error(exc.column, exc.message)]
    assert isinstance(exc, ValidationError)
    by_key = {c.key: c.name for c in spec.columns} | {c.name: c.name for c in spec.columns}
    if hasattr(exc, "error_dict"):
        return [
            record.error(by_key.get(name), message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [record.error(None, message) for message in exc.messages]


def _apply(
    context: ImportContext, records: Sequence[Record], *, collect: bool, finish: bool = True
) -> list[CellError]:
    spec = context.spec
    errors: list[CellError] = []
    context.total = len(records)
    if spec.before is not None:
        spec.before(context)  # loads what the rows change; may add work (leavers) to the total
    total = context.total
    applying = _("Applying changes")
    context.report(0, total, applying)
    for done, record in enumerate(records, start=1):
        if done % spec.progress_every == 0:
            context.report(done, total, applying)
        try:
            if collect:
                with transaction.atomic():
                    spec.apply_row(record, context)
            else:
                spec.apply_row(record, context)
        except (RowError, ValidationError) as exc:
            if not collect:
                raise _Refused from exc
            errors.extend(_refusal(record, exc, spec))
    if spec.after is not None and finish and not errors:
        spec.after(context)
    return errors


def _fresh(context: ImportContext) -> None:
    context.state.clear()
    context.result = _new_result(context.spec, context.result.file, context.dry_run)


def _new_result(spec: ImportSpec, file: str, dry_run: bool) -> ImportCounts:
    return ImportCounts(
        what=spec.what, file=file, dry_run=dry_run, detail_labels=dict(spec.detail_labels)
    )


def run_import(
    spec: ImportSpec,
    source: str | Path | IO[bytes],
    *,
    actor: Any,
    name: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    **options: Any,
) -> ImportCounts:
    """Apply the file all or nothing (ImportRejected: every error, nothing stored). `options`
    are the run's own settings (an HR master's date), given to the row function."""
    from tatara.core.audit import record_event
    from tatara.core.permissions import require

    require(actor, spec.action)
    context = ImportContext(
        spec=spec,
        actor=actor,
        options=options,
        dry_run=dry_run,
        result=_new_result(spec, "", dry_run),
        progress=progress,
    )
    context.report(0, 0, _("Reading the file"))
    table = read_table(
        source, name=name, required=spec.required, optional=spec.optional, sheet=spec.sheet
    )
    if spec.needs_rows and not table.rows:
        raise rejected_file(table.file, _("the file has no rows"))
    context.table = table
    context.result.file = table.file
    context.report(0, len(table.rows), _("Checking %(n)d rows") % {"n": len(table.rows)})
    records, errors = read_records(spec, context)
    context.records = records
    if errors:
        # One report: what the services would refuse among the rows that read well, too
        # (applied with a savepoint each, then rolled back), so a file is fixed in one go.
        bad = {e.row for e in errors}
        readable = [r for r in records if r.row.number not in bad]
        with transaction.atomic():
            errors += _apply(context, readable, collect=True, finish=False)
            transaction.set_rollback(True)
        errors.sort(key=lambda e: (e.row or 0, spec_order(spec, e.column)))
        raise ImportRejected(errors)
    try:
        with transaction.atomic():
            _apply(context, records, collect=False)
            context.report(context.total, context.total, _("Saving"))
            if spec.event:
                data = {"file": table.file, "summary": context.result.summary(), "dry_run": dry_run}
                if spec.event_data is not None:
                    data |= spec.event_data(context)
                record_event(actor=actor, verb=spec.event, data=data)
            if dry_run:
                transaction.set_rollback(True)
    except _Refused:
        _fresh(context)
        with transaction.atomic():
            errors = _apply(context, records, collect=True)
            transaction.set_rollback(True)
        if not errors:  # refused once, applied on the rerun: say so rather than store it
            errors = [CellError(table.file, None, None, None, _("a row was refused; try again"))]
        raise ImportRejected(errors) from None
    return context.result
