"""Helpers of the parsers that read spreadsheet-like lists (CSV with a header row, or XLSX)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from tatara.core.tabular import CellError, ImportRejected, Row, Table, read_table
from tatara.screening.sources.files import SourceFile, decode_utf8, read_bytes
from tatara.screening.sources.records import BirthDate

_SPLIT = re.compile(r"\s*(?:\r?\n|;|；|\|)\s*")
_BULLET = re.compile(r"^(?:[-•・*]+|\(?\d{1,2}[).])\s*")


def read_sheet(path: Path) -> tuple[Table, SourceFile]:
    """A CSV (UTF-8, checked here so the refusal names the line) or XLSX table, with header
    names normalised: lower case, runs of whitespace collapsed."""
    data, info = read_bytes(path)
    if data[:4] != b"PK\x03\x04":
        decode_utf8(data, path.name)
    table = read_table(path, name=path.name)
    table.columns = [" ".join(c.split()) for c in table.columns]
    for row in table.rows:
        row.values = {" ".join(str(k).split()): v for k, v in row.values.items()}
    return table, info


def column_for(table: Table, *names: str) -> str | None:
    """The first of `names` (lower case) that the table has."""
    return next((n for n in names if n in table.columns), None)


def require_columns(
    table: Table, wanted: Mapping[str, tuple[str, ...]], what: str
) -> dict[str, str]:
    """Map each logical column to the table's header (any of its accepted spellings); refuse
    the file naming every missing column."""
    found: dict[str, str] = {}
    errors = []
    for key, names in wanted.items():
        column = column_for(table, *names)
        if column is None:
            errors.append(
                CellError(
                    table.file,
                    table.sheet,
                    1,
                    names[0],
                    _("required column is missing: is this %(what)s? The header has %(columns)s")
                    % {"what": what, "columns": ", ".join(c for c in table.columns if c) or "-"},
                )
            )
        else:
            found[key] = column
    if errors:
        raise ImportRejected(errors)
    return found


def split_cell(text: str) -> list[str]:
    """Several values in one cell: split on line breaks, semicolons and bars (never on commas,
    which company names contain); list bullets and numbering dropped."""
    return [v for v in (_BULLET.sub("", p).strip() for p in _SPLIT.split(text or "")) if v]


def birth_date_cell(row: Row, column: str) -> tuple[list[BirthDate], CellError | None]:
    """Dates of birth in a cell: an Excel date, "1971-05-03", "1971-05", "1971", "~1971",
    "1973/1974", "03/05/1971" is refused as ambiguous."""
    value: Any = row.values.get(column)
    if value in (None, ""):
        return [], None
    if isinstance(value, dt.datetime | dt.date):
        return [BirthDate(value.year, value.month, value.day)], None
    dates = []
    for part in split_cell(row.text(column)):
        try:
            date = BirthDate.parse(part.replace(" ", ""))
            if not 1800 <= date.year <= 2100:
                raise ValueError(part)
            if date.month is not None and date.day is not None:
                dt.date(date.year, date.month, date.day)
            elif date.month is not None and not 1 <= date.month <= 12:
                raise ValueError
            dates.append(date)
        except ValueError:
            return [], row.error(
                column,
                _("not a date of birth: %(value)r; write YYYY-MM-DD, YYYY-MM or YYYY")
                % {"value": part},
            )
    return dates, None
