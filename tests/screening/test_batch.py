"""Batch screening: a CSV/Excel file of names in, one row per alert out (CLI and job runner),
and bad files refused with errors naming file, row and column."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from tatara.core.jobs import execute
from tatara.core.models import Job
from tatara.core.permissions import SystemActor
from tatara.core.tabular import ImportRejected
from tatara.screening import batch

SYSTEM = SystemActor("test")
INPUT = (
    "name,country,date_of_birth\n"
    "Germain Katnga,CD,1978-04-28\n"
    "Hanako Yamamoto,JP,1980-01-02\n"
    "SULTANI MAKENGA,,1973\n"
)


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_csv_round_trip_through_the_command(un: Any, db: None, tmp_path: Path) -> None:
    source = tmp_path / "parties.csv"
    source.write_text(INPUT, encoding="utf-8")
    out = tmp_path / "hits.csv"
    call_command("screening", "batch", str(source), "-o", str(out))
    rows = rows_of(out.read_bytes())
    assert list(rows[0]) == list(batch.COLUMNS)
    by_row: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_row.setdefault(row["row"], []).append(row)
    assert set(by_row) == {"2", "3", "4"}
    first = by_row["2"][0]
    assert (first["list"], first["list_entry_id"], first["outcome"]) == ("un", "CDi.006", "strong")
    assert first["matched_name"] == "GERMAIN KATANGA" and float(first["score"]) >= 0.92
    assert by_row["3"] == [
        {
            "row": "3",
            "name": "Hanako Yamamoto",
            "score": "",
            "list": "",
            "list_entry_id": "",
            "matched_name": "",
            "outcome": "clear",
        }
    ]
    assert by_row["4"][0]["list_entry_id"] == "CDi.008"
    assert all(r["outcome"] in ("review", "strong") for r in rows if r["list"])


def test_xlsx_in_and_out(un: Any, db: None, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Country"])
    sheet.append(["Germain Katanga", "Democratic Republic of the Congo"])
    source = tmp_path / "parties.xlsx"
    workbook.save(source)
    out = tmp_path / "hits.xlsx"
    call_command("screening", "batch", str(source), "-o", str(out))
    values = list(load_workbook(out).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert values[0] == batch.COLUMNS
    assert values[1][:2] == (2, "Germain Katanga") and values[1][4] == "CDi.006"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("nom\nX\n", ["column name: required column is missing", "column nom: unknown column"]),
        ("name,dob\nX,1970\n", ["column dob: unknown column"]),
        (
            "name,date_of_birth\n,1970\nA,03/04/1970\nB,1970-02-30\n",
            [
                "row 2, column name: the name is empty",
                "row 3, column date_of_birth: not a date",
                "row 4, column date_of_birth: no such date",
            ],
        ),
        ("name\n", ["the file holds no names"]),
    ],
)
def test_bad_files_are_refused_naming_file_row_and_column(
    db: None, tmp_path: Path, content: str, expected: list[str]
) -> None:
    path = tmp_path / "parties.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        batch.screen_file(path, actor=SYSTEM, name=path.name)
    messages = [str(e) for e in caught.value.errors]
    assert len(messages) == len(expected)
    for message, wanted in zip(messages, expected, strict=True):
        assert message.startswith("parties.csv") and wanted in message, message


def test_not_utf8_and_the_command_exit(db: None, tmp_path: Path) -> None:
    path = tmp_path / "parties.csv"
    path.write_bytes("name\nM\xfcller\n".encode("latin-1"))
    with pytest.raises(CommandError, match="refused"):
        call_command("screening", "batch", str(path))


def test_batch_needs_screening_view(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "parties.csv"
    path.write_text(INPUT, encoding="utf-8")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        batch.screen_file(path, actor=world.users["employee"], name=path.name)


def test_the_job_screens_and_offers_excel(un: Any, world: Any) -> None:
    upload = SimpleUploadedFile("customers.csv", INPUT.encode(), content_type="text/csv")
    job = batch.start_batch(
        actor=world.users["auditor"], upload=upload, org_unit=world.units["grp"]
    )
    assert execute(job.pk) == "succeeded"
    job = Job.objects.get(pk=job.pk)
    assert job.result["counts"]["rows"] == 3 and job.result["counts"]["strong"] == 2
    assert job.result["counts"]["clear"] == 1
    assert job.result["file_name"] == "screening-customers.xlsx"
    with job.result_file.open("rb") as handle:
        values = list(load_workbook(handle).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert values[0] == batch.COLUMNS + batch.EXTRA_COLUMNS
    assert any(v[4] == "CDi.006" for v in values[1:])
    assert job.progress_done == job.progress_total == 3
