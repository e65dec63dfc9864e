"""The command-line verbs of an import, made from its spec: `tatara <area> import-<thing> FILE
[--dry-run] [--user NAME]`, with the columns listed in `--help`, progress lines while it runs,
every error on stderr and a non-zero exit status with nothing stored when any row is bad."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from tatara.core.tabular.engine import ImportSpec, Progress
from tatara.core.tabular.files import ImportRejected
from tatara.core.tabular.results import ImportCounts


def columns_epilog(spec: ImportSpec) -> str:
    """The columns of a spec as `--help` shows them ('%' escaped for argparse)."""
    lines = ["columns:", *(f"  {line}" for line in spec.help_lines())]
    return "\n".join(lines).replace("%", "%%")


def add_import_arguments(parser: argparse.ArgumentParser, spec: ImportSpec) -> None:
    """FILE, --dry-run and --user, and the columns in the verb's help."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = columns_epilog(spec)
    parser.add_argument("file", help="the file: .csv (UTF-8 or Shift_JIS) or .xlsx, a header row")
    parser.add_argument("--dry-run", action="store_true", help="check and count; change nothing")
    parser.add_argument("--user", help="act as this user (their scope applies)")


def progress_printer(write: Callable[[str], Any], verbosity: int, every: float = 1.0) -> Progress:
    """A progress callback that prints a line per phase and about one a second."""
    last: dict[str, Any] = {"at": 0.0, "message": None}

    def report(done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if verbosity < 1 or (
            message == last["message"] and now - last["at"] < every and done < total
        ):
            return
        last.update(at=now, message=message)
        counted = f" {done}/{total} ({done * 100 // total}%)" if total else ""
        write(f"{message}{counted}")

    return report


def run_import_command(
    command: Any, run: Callable[..., ImportCounts], options: dict[str, Any], **kwargs: Any
) -> ImportCounts:
    """Run an import for a management command: the actor from --user, progress on stdout,
    the errors on stderr and CommandError (exit status 1) when the file is refused."""
    from tatara.core.cli_actor import resolve_actor

    actor = resolve_actor(options.get("user"))
    try:
        result = run(
            options["file"],
            actor=actor,
            dry_run=options["dry_run"],
            progress=progress_printer(command.stdout.write, options.get("verbosity", 1)),
            **kwargs,
        )
    except PermissionDenied as exc:
        raise CommandError(
            f"not allowed: {exc or 'the import needs a role you do not have'}"
        ) from exc
    except ImportRejected as exc:
        for error in exc.errors:
            command.stderr.write(str(error))
        raise CommandError(f"{len(exc.errors)} error(s); nothing was changed") from exc
    command.stdout.write(result.summary())
    return result
