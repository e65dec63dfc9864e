"""`tatara cycle export|import`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tatara.core.models import AuditEvent
from tatara.core.permissions import SystemActor
from tatara.cycle.models import CycleYear, Initiative
from tatara.cycle.table_export import export_table

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("cycle", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_writes_the_file_the_web_would_serve(world: Any, tmp_path: Path) -> None:
    target = tmp_path / "fy.csv"
    out, _err = run("export", "--fy", str(world.year), "--format", "csv", "-o", str(target))
    assert (
        target.read_bytes() == export_table(viewer=SystemActor("x"), year=world.year, fmt="csv")[0]
    )
    assert f"FY{world.year} table written to {target}" in out
    # The format follows the file name when --format is left out.
    run("export", "--fy", str(world.year), "-o", str(tmp_path / "fy.md"))
    assert (
        (tmp_path / "fy.md")
        .read_text(encoding="utf-8")
        .startswith(f"# FY{world.year} Initiative Results")
    )


def test_export_as_a_user_applies_their_scope(world: Any, tmp_path: Path) -> None:
    target = tmp_path / "b.csv"
    run(
        "export",
        "--fy",
        str(world.year),
        "--format",
        "csv",
        "-o",
        str(target),
        "--user",
        "officer_b",
    )
    text = target.read_text(encoding="utf-8")
    assert "~bravo" in text and "~alpha" not in text
    with pytest.raises(CommandError, match="permission denied"):
        run(
            "export",
            "--fy",
            str(world.year),
            "--format",
            "csv",
            "-o",
            str(tmp_path / "e.csv"),
            "--user",
            "employee",
        )
    with pytest.raises(CommandError, match="no active user named 'nobody'"):
        run(
            "export",
            "--fy",
            str(world.year),
            "--format",
            "csv",
            "-o",
            str(tmp_path / "n.csv"),
            "--user",
            "nobody",
        )
    with pytest.raises(CommandError, match="FY1999 is not open"):
        run("export", "--fy", "1999", "--format", "csv", "-o", str(tmp_path / "old.csv"))
    assert not (tmp_path / "e.csv").exists() and not (tmp_path / "old.csv").exists()


def test_import_dry_run_then_for_real(world: Any, tmp_path: Path) -> None:
    source = tmp_path / "table.xlsx"
    run("export", "--fy", str(world.year), "--format", "xlsx", "-o", str(source))
    before = Initiative.objects.count()
    out, _err = run("import", str(source), "--fy", "2030", "--dry-run")
    assert out.startswith(
        "checked: FY2030: 4 initiatives under 2 subjects (2 rated, 2 with results)"
    )
    assert "dry run" in out
    assert (
        Initiative.objects.count() == before
        and not CycleYear.objects.filter(fiscal_year__year=2030).exists()
    )

    out, _err = run("import", str(source), "--fy", "2030", "--note", "From the archive.")
    assert out.startswith("imported: FY2030: 4 initiatives")
    assert Initiative.objects.count() == before + 4
    assert CycleYear.objects.get(fiscal_year__year=2030).note == "From the archive."
    event = AuditEvent.objects.get(verb="cycle.table_imported")
    assert event.actor is None and event.actor_label.startswith("cli:")
    assert (
        export_table(viewer=world.users["csr_admin"], year=2030, fmt="csv")[0]
        == export_table(viewer=world.users["csr_admin"], year=world.year, fmt="csv")[0]
    )


def test_import_of_a_bad_file_prints_every_error_and_stores_nothing(
    world: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "subject_no,subject,planned,results,rating,next_planned\n"
        "12,Nope,Plan,,,\n"
        "2,Organizational Governance,,Done,5,\n",
        encoding="utf-8",
    )
    before = (CycleYear.objects.count(), Initiative.objects.count(), AuditEvent.objects.count())
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"3 error\(s\) in bad.csv; nothing was stored"):
        call_command("cycle", "import", str(bad), "--fy", "2030", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines == [
        "bad.csv, row 2, column subject_no: “12” is not a subject number; use 1, 2, 3, 4, 5, 6, 7, 8, 9",
        "bad.csv, row 3, column planned: is empty; an initiative needs at least one planned measure",
        "bad.csv, row 3, column rating: “5” is not a rating; use 1, 2 or 3 (★ to ★★★), or leave it empty",
    ]
    assert (
        CycleYear.objects.count(),
        Initiative.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_import_refusals(world: Any, tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    run("export", "--fy", str(world.year), "--format", "csv", "-o", str(source))
    with pytest.raises(CommandError, match="permission denied"):
        run("import", str(source), "--fy", "2030", "--user", "company_risk_officer")
    with pytest.raises(CommandError, match="no such file"):
        run("import", str(tmp_path / "missing.csv"), "--fy", "2030")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "cycle",
            "import",
            str(source),
            "--fy",
            str(world.year),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "already has 4 initiatives" in err.getvalue()
