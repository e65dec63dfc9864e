"""The item classification list and the customer master (parties) in from CSV or Excel.

Items: `code, name` and optionally `org_unit, item_kind, control_row, sub_item,
catch_all_applicable, foreign_classifications, notes`.
Parties: `name` and optionally `code, org_unit, party_kind, aliases, address, country,
date_of_birth, identifiers, roles` (record_columns.py: the columns and how cells are read).
Any other column refuses the file (a misspelt column would otherwise be ignored unseen).

A row is matched by its unit (`org_unit`, else the unit chosen for the import) and `code`:
an existing record gets the values of the columns the file has (the others stay as they
are), a new one is created. Items need a code; a party row without a code is always a new
party. The whole file is checked first; any problem refuses it with every error (file,
sheet, row, column) and nothing changes. A clean file is applied in one transaction through
the services (`create_item`, `update_item`, `create_party`, `update_party`: the gate, the
screening of parties and the row history are theirs), plus one audit event for the import.
A dry run checks and counts without writing anything.

The pages and the API queue an import as a background job (`start_record_import` →
`run_record_import`); the command line calls `import_records` directly.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tatara.core.audit import record_event
from tatara.core.permissions import ALL, allowed_units, require
from tatara.core.tabular import (
    CellError,
    ImportCounts,
    ImportRejected,
    Row,
    Table,
    read_source,
    read_table,
    rejected_file,
    write_csv,
)
from tatara.export_control import record_columns as layout
from tatara.export_control import services
from tatara.export_control.models import Item, Party
from tatara.export_control.party_screening import Screener, snapshot_screener
from tatara.organisation.models import OrgUnit

if TYPE_CHECKING:
    from tatara.core.jobs import JobOutcome, Reporter
    from tatara.core.models import Job

CHANGE = services.CHANGE
JOB_KINDS = {"items": "export_control.item_import", "parties": "export_control.party_import"}
PROGRESS_EVERY = 100  # rows between two progress reports while applying

Progress = Callable[[int, int, str], None]


@dataclass
class _Entry:
    row: Row
    unit: OrgUnit
    values: dict[str, Any]
    existing: Any = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class RecordImportResult(ImportCounts):
    """What an import of items or parties did (`what`: "items" or "parties")."""

    # one a row: (row, unit code, code, name, "created" | "updated" | "unchanged", fields, screening)
    rows: list[tuple[int, str, str, str, str, str, str]] = field(default_factory=list)
    screening: dict[str, int] = field(default_factory=dict)  # parties saved, by outcome

    def details(self) -> str:
        if not (self.screening.get("strong") or self.screening.get("review")):
            return ""
        return _("; screening: %(strong)d strong hit(s), %(review)d to review") % {
            "strong": self.screening.get("strong", 0),
            "review": self.screening.get("review", 0),
        }


# --- reading and checking ---------------------------------------------------------------------


def read_records_table(what: str, source: str | Path | IO[bytes], name: str | None = None) -> Table:
    """The file as a table: its type, its columns and that it has rows are checked here."""
    if what not in layout.WHAT:
        raise ValueError(f"unknown records {what!r}; use {', '.join(layout.WHAT)}")
    label, data = read_source(source, name)
    table = read_table(
        io.BytesIO(data),
        name=label,
        required=layout.REQUIRED[what],
        optional=layout.optional_columns(what),
    )
    if not table.rows:
        raise rejected_file(label, _("the file has no rows"))
    return table


def check_header(what: str, upload: Any) -> None:
    """Check an upload's type and columns at once (ImportRejected), then rewind it."""
    read_records_table(what, upload, getattr(upload, "name", None))
    upload.seek(0)


def _same(field_name: str, stored: Any, value: Any) -> bool:
    if field_name == "control_row":
        return stored == (value.pk if value is not None else None)
    if field_name == "roles":
        return set(stored or []) == set(value)
    if isinstance(stored, str):  # a form's text keeps CR LF and outer blanks; a cell does not
        stored = stored.replace("\r\n", "\n").replace("\r", "\n").strip()
    return bool(stored == value)


def _stored(record: Any, field_name: str) -> Any:
    return record.control_row_id if field_name == "control_row" else getattr(record, field_name)


def _plan(what: str, table: Table, actor: Any, unit: OrgUnit | None) -> list[_Entry]:
    """Every row checked and matched with the record it updates; ImportRejected lists every
    problem of the file."""
    found = layout.Lookups(actor, unit)
    read = layout.item_values if what == "items" else layout.party_values
    columns = [c for c in table.columns if c and c != "org_unit"]
    errors: list[CellError] = []
    entries: list[_Entry] = []
    seen: dict[tuple[int, str], int] = {}
    for row in table.rows:
        before = len(errors)
        record_unit = found.unit(row, errors)
        values = read(row, columns, found, errors)
        for required in layout.REQUIRED[what]:
            if not values.get(required):
                errors.append(row.error(required, _("is empty")))
        code = values.get("code", "")
        if record_unit is not None and code:
            key = (record_unit.pk, code)
            if key in seen:
                errors.append(
                    row.error(
                        "code",
                        _("%(code)s appears again (first on row %(row)d)")
                        % {"code": code, "row": seen[key]},
                    )
                )
            else:
                seen[key] = row.number
        if len(errors) == before:
            assert record_unit is not None
            entries.append(_Entry(row, record_unit, values))
    if errors:
        raise ImportRejected(errors)
    model: Any = Item if what == "items" else Party
    existing = {
        (r.org_unit_id, r.code): r
        for r in model.objects.filter(org_unit_id__in={e.unit.pk for e in entries})
        .exclude(code="")
        .select_related("org_unit")
    }
    for entry in entries:
        entry.existing = existing.get((entry.unit.pk, entry.values.get("code", "")))
        if entry.existing is not None:
            entry.changes = {
                name: value
                for name, value in entry.values.items()
                if name != "code" and not _same(name, _stored(entry.existing, name), value)
            }
    return entries


# --- applying ---------------------------------------------------------------------------------


def _row_errors(entry: _Entry, exc: Exception, columns: list[str]) -> list[CellError]:
    if isinstance(exc, PermissionDenied):
        return [
            entry.row.error("org_unit", _("outside your scope (%(action)s)") % {"action": CHANGE})
        ]
    assert isinstance(exc, ValidationError)
    if hasattr(exc, "error_dict"):
        return [
            entry.row.error(name if name in columns else None, " ".join(messages))
            for name, messages in exc.message_dict.items()
        ]
    return [entry.row.error(None, " ".join(exc.messages))]


def _save(what: str, entry: _Entry, actor: Any, screener: Screener) -> Any:
    if what == "items":
        if entry.existing is None:
            return services.create_item(actor=actor, org_unit=entry.unit, **entry.values)
        return services.update_item(
            actor=actor, item=entry.existing, screener=screener, **entry.changes
        )
    if entry.existing is None:
        return services.create_party(
            actor=actor, org_unit=entry.unit, screener=screener, **entry.values
        )
    return services.update_party(
        actor=actor, party=entry.existing, screener=screener, **entry.changes
    )


def import_records(
    what: str,
    source: str | Path | IO[bytes],
    *,
    actor: Any,
    name: str | None = None,
    unit: OrgUnit | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    screener: Screener | None = None,
) -> RecordImportResult:
    """Check the whole file, then (unless `dry_run`) create or update every row in one
    transaction. `unit`: the unit of rows without an `org_unit`. Raises ImportRejected
    (nothing stored) or PermissionDenied (the actor may change no records, or not in `unit`)."""

    def report(done: int, total: int, message: str) -> None:
        if progress is not None:
            progress(done, total, message)

    require(actor, CHANGE, unit)
    report(0, 0, _("Reading the file"))
    table = read_records_table(what, source, name)
    total = len(table.rows)
    report(0, total, _("Checking %(n)d rows") % {"n": total})
    entries = _plan(what, table, actor, unit)
    result = RecordImportResult(what, table.file, dry_run=dry_run)
    columns = list(table.columns)
    screen = screener or snapshot_screener()
    errors: list[CellError] = []
    with transaction.atomic():
        applying = _("Applying changes")
        report(0, total, applying)
        for done, entry in enumerate(entries, start=1):
            if done % PROGRESS_EVERY == 0:
                report(done, total, applying)
            change = "created" if entry.existing is None else "updated" if entry.changes else ""
            record = entry.existing
            if change and not dry_run:
                try:
                    record = _save(what, entry, actor, screen)
                except (ValidationError, PermissionDenied) as exc:
                    errors += _row_errors(entry, exc, columns)
                    continue
            change = change or "unchanged"
            setattr(result, change, getattr(result, change) + 1)
            outcome = ""
            if what == "parties" and record is not None and change != "unchanged" and not dry_run:
                outcome = record.screening_outcome
                result.screening[outcome] = result.screening.get(outcome, 0) + 1
            result.rows.append(
                (
                    entry.row.number,
                    entry.unit.code,
                    entry.values.get("code", ""),
                    entry.values.get("name") or (record.name if record is not None else ""),
                    change,
                    ", ".join(sorted(entry.changes)),
                    outcome,
                )
            )
        if errors:  # a service refused a row the checks let through: nothing is kept
            transaction.set_rollback(True)
            raise ImportRejected(errors)
        report(total, total, _("Saving"))
        if not dry_run:
            record_event(
                actor=actor,
                verb=f"export_control.{what}_imported",
                org_unit=unit,
                data={
                    "file": table.file,
                    "rows": total,
                    **result.counts(),
                    "screening": result.screening,
                },
            )
    return result


# --- as a background job ----------------------------------------------------------------------


def job_unit(actor: Any, unit: OrgUnit | None) -> OrgUnit | None:
    """The unit an import job is filed under: the default unit, else the highest unit where
    the actor may change records."""
    if unit is not None:
        return unit
    units = allowed_units(actor, CHANGE)
    if units is ALL:
        units = OrgUnit.objects.filter(parent__isnull=True)
    found: OrgUnit | None = units.order_by("depth", "path").first()
    return found


def start_record_import(
    *, actor: Any, what: str, upload: Any, unit: OrgUnit | None, dry_run: bool
) -> Job:
    """Queue a file of items or parties to be checked (and, unless `dry_run`, applied) in the
    background; the upload is stored with the job."""
    from tatara.core.jobs import start_job

    require(actor, CHANGE, unit)
    file_name = Path(getattr(upload, "name", "") or what).name
    if what == "items":
        label = _("Check items %(file)s") if dry_run else _("Import items %(file)s")
    else:
        label = _("Check parties %(file)s") if dry_run else _("Import parties %(file)s")
    return start_job(
        actor=actor,
        kind=JOB_KINDS[what],
        label=label % {"file": file_name},
        org_unit=job_unit(actor, unit),
        runner="tatara.export_control.record_import.run_record_import",
        input_file=upload,
        params={
            "what": what,
            "file_name": file_name,
            "unit": unit.pk if unit is not None else None,
            "dry_run": dry_run,
            "return_url": reverse(f"export_control:{what}"),
        },
    )


def changes_csv(result: RecordImportResult) -> bytes:
    columns = ["row", "org_unit", "code", "name", "change", "fields"]
    if result.what == "parties":
        return write_csv([*columns, "screening"], result.rows)
    return write_csv(columns, (r[:6] for r in result.rows))


def run_record_import(*, job: Job, report: Reporter) -> JobOutcome:
    """The job's runner: import the stored file as the person who uploaded it."""
    from tatara.core.jobs import JobOutcome

    params = job.params
    what = params["what"]
    unit = OrgUnit.objects.filter(pk=params.get("unit")).first() if params.get("unit") else None
    dry_run = bool(params.get("dry_run", False))
    with job.input_file.open("rb") as handle:
        result = import_records(
            what,
            handle,
            actor=job.created_by,
            name=params.get("file_name") or Path(job.input_file.name).name,
            unit=unit,
            dry_run=dry_run,
            progress=report,
        )
    return JobOutcome(
        summary=result.summary(),
        details={"counts": result.counts(), "screening": result.screening, "dry_run": dry_run},
        file_name=f"{what}-changes{'-check' if dry_run else ''}.csv",
        file_content=changes_csv(result),
    )
