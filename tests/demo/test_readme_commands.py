"""The README's command-line examples work as written after `make demo`, copied and pasted in
their order (issue 10): every `tatara …` line of its "The command line" block runs against the
demo, from a working folder of its own (files the lines write are read by the later lines),
with `docs/samples/…` and `../shared/…` where they are beside the checkout."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from tatara.demo import builder

ROOT = Path(__file__).resolve().parents[2]


def readme_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The command line", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = []
    for line in block.splitlines():
        command = re.sub(r"\s+#\s.*$", "", line).strip()
        if command:
            lines.append(command)
    return lines


def test_the_block_is_what_this_test_runs():
    lines = readme_lines()
    assert len(lines) >= 15 and all(line.startswith("tatara ") for line in lines)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), transaction.atomic():
        yield builder.build_demo()
        transaction.set_rollback(True)


def _argument(word: str) -> str:
    if word.startswith(("docs/", "../shared/")):
        return str((ROOT / word).resolve())
    return word


def test_every_readme_line_runs_in_order(demo, db, tmp_path, monkeypatch, settings, capsys):
    if not (ROOT.parent / "shared").is_dir():
        pytest.skip("the shared data beside the checkout is missing")
    monkeypatch.chdir(tmp_path)
    for line in readme_lines():
        words = [_argument(w) for w in shlex.split(line)][1:]
        if words[:1] == ["demo"]:
            settings.DEBUG = True  # `make demo` runs it with TATARA_DEBUG=1
        try:
            call_command(*words)
        except BaseException as exc:  # CommandError, or SystemExit from argparse
            pytest.fail(f"README line failed: {line}\n{exc!r}\n{capsys.readouterr().err}")
        finally:
            settings.DEBUG = False
    out = capsys.readouterr().out
    assert "FY2019 closed again; the reopening has ended" in out
    assert (tmp_path / "fy2019.csv").exists() and (tmp_path / "units.xlsx").exists()
