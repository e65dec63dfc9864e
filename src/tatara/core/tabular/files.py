"""Tabular files in and out: CSV and Excel, with errors that name file, sheet, row and column.

CSV comes in UTF-8 (with or without a byte-order mark) or in Shift_JIS / CP932, what Japanese
Excel writes when it saves "CSV (comma delimited)"; anything else is refused with a message
naming the encodings accepted. A file larger than the upload limit (``TATARA_UPLOAD_MAX_MB``,
settings.TATARA_UPLOAD_MAX_BYTES) is refused before it is parsed. Written files are
formula-guarded and the same data gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}
# A fixed timestamp inside written .xlsx files, so the same data gives the same bytes.
_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class CellError:
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(_("sheet %(sheet)s") % {"sheet": self.sheet})
        if self.row is not None:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}"


class ImportRejected(Exception):
    """The file was refused; nothing was stored. `errors` lists every problem found."""

    def __init__(self, errors: Sequence[CellError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def rejected_file(file: str, message: str) -> ImportRejected:
    """An ImportRejected for a problem with the whole file (not one cell)."""
    return ImportRejected([CellError(file, None, None, None, message)])


def read_source(source: str | Path | IO[bytes], name: str | None = None) -> tuple[str, bytes]:
    """The bytes of an uploaded or named file, and the file name to put in error messages
    (`name`, else the path's or the upload's own name, without folders)."""
    label = name or (
        Path(source).name
        if isinstance(source, str | Path)
        else getattr(source, "name", None) or "upload"
    )
    label = Path(str(label)).name
    check_size(label, _size_of(source))
    try:
        data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    except OSError as exc:
        raise rejected_file(
            label, _("cannot read the file (%(error)s)") % {"error": exc.strerror or exc}
        ) from exc
    check_size(label, len(data))
    return label, data


def upload_limit() -> int:
    """The largest file an import takes, in bytes (settings.TATARA_UPLOAD_MAX_BYTES)."""
    return int(getattr(settings, "TATARA_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))


def check_size(label: str, size: int | None) -> None:
    """Refuse a file over the upload limit, naming both sizes (before reading it, where the
    size is known: a path on disk, an upload)."""
    limit = upload_limit()
    if size is not None and size > limit:
        raise rejected_file(
            label,
            _("the file is %(size)s MB; the largest file taken is %(limit)s MB")
            % {"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.1f}"},
        )


def _size_of(source: str | Path | IO[bytes]) -> int | None:
    if isinstance(source, str | Path):
        try:
            return Path(source).stat().st_size
        except OSError:
            return None
    size = getattr(source, "size", None)  # Django's UploadedFile
    return size if isinstance(size, int) else None


@dataclass
class Row:
    """One data row: its 1-based line/row number as a person sees it in the file."""

    file: str
    sheet: str | None
    number: int
    values: dict[str, Any] = field(default_factory=dict)

    def error(self, column: str | None, message: str) -> CellError:
        return CellError(self.file, self.sheet, self.number, column, message)

    def text(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
            text = text[1:]  # undo guard_formula()
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass
class Table:
    file: str
    sheet: str | None
    columns: list[str]
    rows: list[Row]


def _clean_header(value: Any) -> str:
    return str(value or "").strip().lstrip("\ufeff").strip().lower()


def read_table(
    source: str | Path | IO[bytes],
    *,
    name: str | None = None,
    required: Iterable[str] = (),
    optional: Iterable[str] = (),
    sheet: str | None = None,
) -> Table:
    """Read a CSV or XLSX file with a header row. Raises ImportRejected on unreadable files,
    wrong encodings and missing or unknown columns."""
    label, data = read_source(source, name)
    suffix = Path(label).suffix.lower()
    if suffix in XLSX_SUFFIXES or data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data, label, sheet)
    elif suffix in CSV_SUFFIXES or suffix == "":
        table = _read_csv(data, label)
    else:
        raise rejected_file(
            label, _("unsupported file type %(suffix)s; use .csv or .xlsx") % {"suffix": suffix}
        )
    required = [c.lower() for c in required]
    known = set(required) | {c.lower() for c in optional}
    errors = [
        CellError(label, table.sheet, 1, column, _("required column is missing"))
        for column in required
        if column not in table.columns
    ]
    if known:
        errors += [
            CellError(
                label,
                table.sheet,
                1,
                column,
                _("unknown column; expected %(columns)s") % {"columns": ", ".join(sorted(known))},
            )
            for column in table.columns
            if column and column not in known
        ]
    if errors:
        raise ImportRejected(errors)
    return table


def decode_csv(data: bytes, label: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in: UTF-8 (a byte-order mark is
    dropped) or, failing that, Shift_JIS/CP932 when the bytes are valid CP932 and hold
    Japanese text. Anything else is refused with the byte where UTF-8 failed."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        failed = exc.start
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_japanese(text):
        return text, "cp932"
    raise rejected_file(
        label,
        _(
            "the file is neither UTF-8 nor Shift_JIS (CP932) text (byte %(pos)d); save it as "
            "CSV UTF-8, or as CSV from Japanese Excel"
        )
        % {"pos": failed},
    )


def _looks_japanese(text: str) -> bool:
    """Bytes of another 8-bit encoding (Latin-1, Windows-1252) can happen to be valid CP932;
    read as CP932 they give half-width katakana and rare kanji, not the full-width kana and
    common kanji of a Japanese file. Accept CP932 only when some characters are full-width
    kana or CJK ideographs and no private-use ones (CP932's vendor extensions) appear."""
    kana_or_kanji = 0
    for char in text:
        code = ord(char)
        if 0xE000 <= code <= 0xF8FF:
            return False
        if 0x3040 <= code <= 0x30FF or 0x4E00 <= code <= 0x9FFF or 0xFF01 <= code <= 0xFF5E:
            kana_or_kanji += 1
    return kana_or_kanji > 0


def _read_csv(data: bytes, label: str) -> Table:
    text, _encoding = decode_csv(data, label)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise ImportRejected([CellError(label, None, None, None, _("the file is empty"))]) from exc
    columns = [_clean_header(h) for h in header]
    rows: list[Row] = []
    # Rows are numbered as a spreadsheet shows them (header = row 1), which differs from the
    # line number when cells hold line breaks.
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(columns):
            raise ImportRejected(
                [
                    CellError(
                        label,
                        None,
                        number,
                        None,
                        _("this row has %(n)d cells but the header has %(m)d columns")
                        % {"n": len(values), "m": len(columns)},
                    )
                ]
            )
        rows.append(Row(label, None, number, dict(zip(columns, values, strict=False))))
    return Table(label, None, columns, rows)


def _read_xlsx(data: bytes, label: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise rejected_file(
            label,
            _("not a readable Excel workbook (%(error)s)") % {"error": exc.__class__.__name__},
        ) from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ImportRejected(
                [
                    CellError(
                        label,
                        sheet,
                        None,
                        None,
                        _("no such sheet; the workbook has %(sheets)s")
                        % {"sheets": ", ".join(workbook.sheetnames)},
                    )
                ]
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        rows_iter = worksheet.iter_rows(values_only=True)
        header = next(rows_iter, None)
        if header is None:
            raise ImportRejected(
                [CellError(label, worksheet.title, None, None, _("the sheet is empty"))]
            )
        columns = [_clean_header(h) for h in header]
        while columns and not columns[-1]:
            columns.pop()
        rows: list[Row] = []
        for number, values in enumerate(rows_iter, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            rows.append(
                Row(label, worksheet.title, number, dict(zip(columns, values, strict=False)))
            )
        return Table(label, worksheet.title, columns, rows)
    finally:
        workbook.close()


FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def plain_number(value: Decimal) -> str:
    """A Decimal as people write it: no exponent, no trailing zeros (1500.00000000 → 1500)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _csv_value(value: Any) -> Any:
    return plain_number(value) if isinstance(value, Decimal) else value


def _xlsx_value(value: Any) -> Any:
    """Numbers as numbers when Excel's floats hold them exactly, otherwise as text (an import
    reads both); text guarded against formulas; empty cells empty."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 2**53:
            return int(value)
        if Decimal(repr(float(value))) == value:
            return float(value)
        return plain_number(value)
    if value == "":
        return None
    return guard_formula(value)


def write_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, title: str
) -> bytes:
    """A table as a file: CSV (write_csv) or .xlsx with a bold, frozen header on a sheet named
    `title`; the same data gives the same bytes."""
    if fmt == "csv":
        return write_csv(columns, ([_csv_value(v) for v in row] for row in rows))
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    sheet.freeze_panes = "A2"
    return deterministic_xlsx(workbook)


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a BOM-less header, \\r\\n line ends (RFC 4180), cells quoted as needed."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([guard_formula(v) for v in row])
    return buffer.getvalue().encode("utf-8")


# A text cell starting with one of these is run as a formula by spreadsheet programs (CSV
# injection); written files prefix such cells with an apostrophe, and `Row.text` removes it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def deterministic_xlsx(workbook: Any) -> bytes:
    """Save an openpyxl workbook so that equal content gives equal bytes (fixed timestamps)."""
    fixed = dt.datetime(2000, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    workbook.properties.creator = "Tatara"
    workbook.properties.lastModifiedBy = "Tatara"
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            fixed_info = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed_info.compress_type = zipfile.ZIP_DEFLATED
            fixed_info.external_attr = 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into dcterms:modified whatever we set
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    data,
                )
            dst.writestr(fixed_info, data)
    return out.getvalue()
