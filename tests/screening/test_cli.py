"""`tatara screening load|lists`: output and exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

from screening.lists_data import CONS
from tatara.screening.models import ListVersion


def run(*args: str) -> int:
    """The command's exit status as `tatara screening ...` gives it: Django's
    BaseCommand.run_from_argv prints a CommandError to stderr and exits with status 1
    (run_from_argv itself also closes the database connections, which a test cannot
    afford, so the same is done here around call_command)."""
    try:
        call_command("screening", *args)
    except CommandError as error:
        sys.stderr.write(f"CommandError: {error}\n")
        return 1
    return 0


def test_load_prints_counts_and_lists_shows_it(db: None, capsys: Any) -> None:
    assert run("load", "--source", "ofac-cons", str(CONS), "--published", "2025-12-01") == 0
    out = capsys.readouterr().out
    assert "entries: 442\n" in out and "added: 442\n" in out and "removed: 0\n" in out
    assert "names: 1585" in out and "changed: 0" in out
    assert run("lists") == 0
    out = capsys.readouterr().out
    assert "ofac-cons  2025-12-01" in out and "442" in out and "cons_prim.csv" in out


def test_bad_file_exits_1_with_the_message(db: None, tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "watch.csv"
    bad.write_text("name,colour\nX,red\n")
    assert run("load", "--source", "custom", str(bad)) == 1
    err = capsys.readouterr().err
    assert "watch.csv, row 1, column colour: unknown column" in err
    assert "refused" in err and "the active version is unchanged" in err
    assert not ListVersion.objects.exists()
    assert run("load", "--source", "custom", str(tmp_path / "missing.csv")) == 1
    assert run("load", "--source", "custom", str(bad), "--published", "May 2024") == 1


def test_user_without_the_right_exits_1(world: Any, custom_csv: Path, capsys: Any) -> None:
    assert run("load", "--source", "custom", str(custom_csv), "--user", "auditor") == 1
    assert "permission denied" in capsys.readouterr().err
    call_command("screening", "load", "--source", "custom", str(custom_csv), "--user", "csr_admin")
    assert ListVersion.objects.get().loaded_by_label == "csr_admin"
