"""A year's CSR table in the seed's four columns, as CSV, Excel, Markdown, HTML and PDF.

Every format is drawn from the same rows, read through the permission gate
(`selectors.year_table(..., action="cycle.export")`), so a viewer exports exactly what their
scope lets them see. Outputs are deterministic: the same data gives the same bytes, which is
what makes "export → import into an empty database → export" comparable byte for byte.

- CSV: `subject_no,subject,planned,results,rating,next_planned`, one row per initiative,
  items inside a cell separated by newlines, rating 1–3 (empty when not rated).
- XLSX: sheet "FY<year>" in the CSV's layout (it re-imports), then sheet "Table" laid out as
  in the published report (subject header rows, four columns, stars).
- Markdown: a GFM table per subject. HTML: a standalone printable page (template
  `cycle/table_pdf.html`), which WeasyPrint also renders to the PDF (A4 landscape).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tatara.core import tabular
from tatara.core.permissions import can
from tatara.cycle import selectors
from tatara.cycle.choices import stars
from tatara.cycle.models import CycleYear

FORMATS = ("csv", "xlsx", "md", "html", "pdf")
CSV_COLUMNS = ("subject_no", "subject", "planned", "results", "rating", "next_planned")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
TEMPLATE = "cycle/table_pdf.html"
FONT_FILES = {
    "regular": "fonts/NotoSansJP-Subset-Regular.otf",
    "bold": "fonts/NotoSansJP-Subset-Bold.otf",
}


@dataclass(frozen=True)
class TableRow:
    subject_no: int
    subject: str
    planned: tuple[str, ...]
    results: tuple[str, ...]
    rating: int | None
    next_planned: tuple[str, ...]

    @property
    def stars(self) -> str:
        return stars(self.rating)


@dataclass(frozen=True)
class SubjectRows:
    number: int
    title: str
    rows: tuple[TableRow, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class YearTable:
    year: int
    note: str
    subjects: tuple[SubjectRows, ...]  # only subjects with at least one row, in order

    @property
    def rows(self) -> list[TableRow]:
        return [row for block in self.subjects for row in block.rows]

    @property
    def label(self) -> str:
        return f"FY{self.year}"

    def headers(self) -> tuple[str, str, str, str]:
        """The four column headings, as in the published table."""
        this, following = {"year": self.year}, {"year": self.year + 1}
        return (
            _("FY%(year)d Measures (Planned)") % this,
            _("FY%(year)d Measures (Results)") % this,
            _("Self-assessment"),
            _("Measures Planned for FY%(year)d") % following,
        )

    def title(self) -> str:
        return _("FY%(year)d Initiative Results and FY%(next)d Plans") % {
            "year": self.year,
            "next": self.year + 1,
        }

    def legend(self) -> str:
        return _("★★★ Achieved ★★ 90% achieved ★ Not achieved")


def collect(*, viewer: Any, year: int) -> YearTable:
    """The viewer's rows of the year, grouped by subject. Raises PermissionDenied unless the
    viewer may export at all; rows outside their scope are simply absent."""
    if not can(viewer, "cycle.export"):
        raise PermissionDenied("not allowed: cycle.export")
    blocks = selectors.year_table(viewer=viewer, year=year, action="cycle.export")
    language = (get_language() or "en").split("-")[0]
    cycle = (
        CycleYear.objects.visible_to(viewer, "cycle.export").filter(fiscal_year__year=year).first()
    )
    subjects = []
    for block in blocks:
        rows = tuple(
            TableRow(
                subject_no=block.subject.number,
                subject=block.subject.localized("title", language),
                planned=tuple(m.text for m in initiative.planned),
                results=tuple(m.text for m in initiative.results),
                rating=initiative.rating,
                next_planned=tuple(m.text for m in initiative.next_planned),
            )
            for initiative in block.initiatives
        )
        if rows:
            subjects.append(
                SubjectRows(block.subject.number, block.subject.localized("title", language), rows)
            )
    return YearTable(year=year, note=cycle.note.strip() if cycle else "", subjects=tuple(subjects))


def export_table(*, viewer: Any, year: int, fmt: str) -> tuple[bytes, str, str]:
    """The year's table as (data, content type, download filename)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    table = collect(viewer=viewer, year=year)
    writers = {"csv": to_csv, "xlsx": to_xlsx, "md": to_markdown, "html": to_html, "pdf": to_pdf}
    return writers[fmt](table), CONTENT_TYPES[fmt], f"tatara-FY{year}-csr-table.{fmt}"


# --- CSV -------------------------------------------------------------------------------------


def csv_cells(row: TableRow) -> list[Any]:
    return [
        row.subject_no,
        row.subject,
        "\n".join(row.planned),
        "\n".join(row.results),
        row.rating or "",
        "\n".join(row.next_planned),
    ]


def to_csv(table: YearTable) -> bytes:
    return tabular.write_csv(CSV_COLUMNS, (csv_cells(row) for row in table.rows))


# --- Excel -----------------------------------------------------------------------------------

_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _put(
    worksheet: Any, row: int, column: int, value: Any, style: dict[str, Any] | None = None
) -> Any:
    cell = worksheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _ILLEGAL_XLSX.sub("", value)
        cell.data_type = "s"  # text stays text, even when it starts with "=" (no formulas)
    else:
        cell.value = value
    for name, setting in (style or {}).items():
        setattr(cell, name, setting)
    return cell


def to_xlsx(table: YearTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    centre_top = Alignment(horizontal="center", vertical="top")
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    subject_fill = PatternFill("solid", fgColor="F1F3F6")

    workbook = Workbook()
    # Sheet 1: the importable layout.
    data = workbook.active
    data.title = table.label
    for column, (name, width) in enumerate(
        zip(CSV_COLUMNS, (11, 30, 60, 60, 8, 60), strict=True), start=1
    ):
        _put(data, 1, column, name, {"font": bold, "fill": header_fill, "border": box})
        data.column_dimensions[get_column_letter(column)].width = width
    for number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(csv_cells(row), start=1):
            _put(
                data,
                number,
                column,
                None if value == "" else value,
                {"alignment": wrap_top, "border": box},
            )
    data.freeze_panes = "A2"
    data.auto_filter.ref = f"A1:F{max(1, len(table.rows) + 1)}"
    data.page_setup.orientation = "landscape"
    data.page_setup.paperSize = data.PAPERSIZE_A4
    data.print_title_rows = "1:1"

    # Sheet 2: the report layout.
    sheet = workbook.create_sheet(_("Table"))
    for column, width in enumerate((50, 50, 14, 50), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    line = 1
    _put(sheet, line, 1, table.title(), {"font": Font(bold=True, size=14)})
    line += 1
    _put(sheet, line, 1, table.legend())
    if table.note:
        line += 1
        _put(sheet, line, 1, table.note, {"font": Font(italic=True)})
    line += 2
    header_line = line
    for column, heading in enumerate(table.headers(), start=1):
        _put(
            sheet,
            line,
            column,
            heading,
            {
                "font": bold,
                "fill": header_fill,
                "border": box,
                "alignment": Alignment(wrap_text=True, vertical="center", horizontal="center"),
            },
        )
    for block in table.subjects:
        line += 1
        _put(sheet, line, 1, block.heading, {"font": bold, "fill": subject_fill, "border": box})
        for column in range(2, 5):
            _put(sheet, line, column, None, {"fill": subject_fill, "border": box})
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=4)
        for row in block.rows:
            line += 1
            for column, items in ((1, row.planned), (2, row.results), (4, row.next_planned)):
                _put(
                    sheet,
                    line,
                    column,
                    "\n".join(f"• {item}" for item in items),
                    {"alignment": wrap_top, "border": box},
                )
            _put(
                sheet,
                line,
                3,
                row.stars,
                {"alignment": centre_top, "border": box, "font": Font(color="B7791F", size=12)},
            )
    sheet.freeze_panes = sheet.cell(row=header_line + 1, column=1)
    sheet.print_title_rows = f"{header_line}:{header_line}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return tabular.deterministic_xlsx(workbook)


# --- Markdown --------------------------------------------------------------------------------

_MD_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def md_escape(text: str) -> str:
    """Text for a GFM table cell: no raw HTML, no entity, no cell break, no stray escape, no
    link or image (a `[x](javascript:…)` in user text stays text)."""
    text = _MD_BACKSLASH.sub(r"\\\\", text)
    text = _MD_ENTITY.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace("|", "\\|")
    text = text.replace("[", "\\[").replace("]", "\\]")
    return " ".join(text.split())


def _md_items(items: Sequence[str]) -> str:
    return "<br>".join(f"• {md_escape(item)}" for item in items)


def to_markdown(table: YearTable) -> bytes:
    lines = [f"# {md_escape(table.title())}", "", md_escape(table.legend()), ""]
    if table.note:
        lines += [md_escape(table.note), ""]
    if not table.subjects:
        lines += [_("No initiatives."), ""]
    headers = table.headers()
    for block in table.subjects:
        lines += [f"### {md_escape(block.heading)}", ""]
        lines.append("| " + " | ".join(md_escape(h) for h in headers) + " |")
        lines.append("| --- | --- | :---: | --- |")
        for row in block.rows:
            cells = (
                _md_items(row.planned),
                _md_items(row.results),
                row.stars,
                _md_items(row.next_planned),
            )
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


# --- HTML and PDF ----------------------------------------------------------------------------

# Characters the bundled font lacks (see core/static/fonts/README.md): in the PDF they are
# drawn as <sub>/<sup> digits in the bundled font rather than left to whatever the host has.
_SUBSCRIPTS = {chr(0x2080 + i): str(i) for i in range(10)} | dict(
    zip("₊₋₌₍₎", "+-=()", strict=True)
)
_SUPERSCRIPTS = {"⁰": "0", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"} | dict(
    zip("⁺⁻⁼⁽⁾ⁿⁱ", "+-=()ni", strict=True)
)
_SCRIPT_RUN = re.compile("([" + "".join(_SUBSCRIPTS) + "]+|[" + "".join(_SUPERSCRIPTS) + "]+)")


@dataclass(frozen=True)
class Segment:
    """A run of an item's text; `script` is "", "sub" or "sup". The template escapes `text`."""

    text: str
    script: str = ""


def segments(text: str, *, for_pdf: bool) -> list[Segment]:
    if not for_pdf:
        return [Segment(text)]
    parts = []
    for index, part in enumerate(_SCRIPT_RUN.split(text)):
        if not part:
            continue
        if index % 2 == 0:
            parts.append(Segment(part))
        elif part[0] in _SUBSCRIPTS:
            parts.append(Segment("".join(_SUBSCRIPTS[c] for c in part), "sub"))
        else:
            parts.append(Segment("".join(_SUPERSCRIPTS[c] for c in part), "sup"))
    return parts


@lru_cache(maxsize=1)
def font_urls() -> dict[str, str]:
    """file:// URLs of the bundled Japanese-capable fonts, by weight."""
    from django.contrib.staticfiles import finders

    urls = {}
    for face, relative in FONT_FILES.items():
        found = finders.find(relative)
        path = Path(
            found
            if isinstance(found, str)
            else Path(__file__).resolve().parents[1] / "core" / "static" / relative
        )
        if not path.is_file():
            raise FileNotFoundError(f"the PDF font {relative} is missing ({path})")
        urls[face] = path.resolve().as_uri()
    return urls


def render_html(table: YearTable, *, for_pdf: bool = False) -> str:
    def cell(items: Sequence[str]) -> list[list[Segment]]:
        return [segments(item, for_pdf=for_pdf) for item in items]

    subjects = [
        {
            "heading": block.heading,
            "rows": [
                {
                    "planned": cell(r.planned),
                    "results": cell(r.results),
                    "stars": r.stars,
                    "rating": r.rating,
                    "next_planned": cell(r.next_planned),
                }
                for r in block.rows
            ],
        }
        for block in table.subjects
    ]
    return render_to_string(
        TEMPLATE,
        {
            "for_pdf": for_pdf,
            "fonts": font_urls() if for_pdf else {},
            "language": translation.get_language() or "en",
            "year_label": table.label,
            "title": table.title(),
            "legend": table.legend(),
            "note": table.note,
            "headers": table.headers(),
            "subjects": subjects,
            "empty": _("No initiatives."),
        },
    )


def to_html(table: YearTable) -> bytes:
    return render_html(table).encode("utf-8")


def to_pdf(table: YearTable) -> bytes:
    from weasyprint import HTML

    html = render_html(table, for_pdf=True)
    fetcher = _fonts_only_fetcher(set(font_urls().values()))
    # No identifier and no dates: WeasyPrint writes neither unless asked, so equal input
    # gives equal bytes.
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_identifier=False)
    if pdf is None:  # pragma: no cover - only when a target is given
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)


def _fonts_only_fetcher(allowed: set[str]) -> Any:
    from weasyprint.urls import URLFetcher

    class FontsOnlyFetcher(URLFetcher):
        """Fetch the bundled fonts and nothing else (no other file, no network), and stop the
        render if a font cannot be read rather than fall back to whatever the host has."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in allowed:
                raise ValueError(f"not fetched: {url}")
            return super().fetch(url, headers)

    return FontsOnlyFetcher(allowed_protocols=("file",), fail_on_errors=True)
