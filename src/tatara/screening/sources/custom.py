"""A company's own watch list: CSV (UTF-8) or Excel with a header row.

    name (required) | aliases | country | date_of_birth | identifier | note | id | kind

Several aliases, countries, dates or identifiers go in one cell, one per line or separated
by semicolons. `date_of_birth`: YYYY-MM-DD, YYYY-MM, YYYY (or an Excel date). `kind`:
person, entity, vessel or aircraft (blank: unknown). `id`, when given, is the entry id and
must be unique; without it the entry id is the name (case and spacing ignored), which must
then be unique.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from tatara.core.tabular import CellError, ImportRejected
from tatara.screening.sources.files import ParsedList
from tatara.screening.sources.records import (
    KINDS,
    UNKNOWN,
    Alias,
    Identifier,
    ListRecord,
    make_record,
)
from tatara.screening.sources.tables import birth_date_cell, read_sheet, split_cell

COLUMNS = ("name", "aliases", "country", "date_of_birth", "identifier", "note", "id", "kind")


def read(path: Path | str) -> ParsedList:
    path = Path(path)
    table, info = read_sheet(path)
    errors: list[CellError] = []
    if "name" not in table.columns:
        errors.append(
            CellError(table.file, table.sheet, 1, "name", _("required column is missing"))
        )
    errors += [
        CellError(
            table.file,
            table.sheet,
            1,
            column,
            _("unknown column; expected %(columns)s") % {"columns": ", ".join(COLUMNS)},
        )
        for column in table.columns
        if column and column not in COLUMNS
    ]
    if errors:
        raise ImportRejected(errors)
    records: list[ListRecord] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        name = row.text("name")
        if not name:
            errors.append(row.error("name", _("the name is empty")))
            continue
        kind = row.text("kind").lower() or UNKNOWN
        if kind not in KINDS:
            errors.append(
                row.error(
                    "kind",
                    _("unknown kind %(kind)r; use %(kinds)s")
                    % {"kind": kind, "kinds": ", ".join(KINDS)},
                )
            )
        dates, date_error = birth_date_cell(row, "date_of_birth")
        if date_error:
            errors.append(date_error)
        entry_id = row.text("id") or " ".join(name.casefold().split())
        column = "id" if row.text("id") else "name"
        if entry_id in first_row:
            errors.append(
                row.error(
                    column,
                    _("%(id)r is already on row %(row)d; give each entry a unique id")
                    % {"id": entry_id, "row": first_row[entry_id]},
                )
            )
            continue
        first_row[entry_id] = row.number
        records.append(
            make_record(
                entry_id=entry_id[:200],
                kind=kind if kind in KINDS else UNKNOWN,
                name=name,
                aliases=[Alias.of(a) for a in split_cell(row.text("aliases"))],
                countries=split_cell(row.text("country")),
                birth_dates=dates,
                identifiers=[Identifier("", i) for i in split_cell(row.text("identifier"))],
                remarks=row.text("note"),
            )
        )
    if errors:
        raise ImportRejected(errors)
    return ParsedList(source="custom", records=records, files=[info])


def parse(path: Path | str) -> Iterator[ListRecord]:
    yield from read(path).records
