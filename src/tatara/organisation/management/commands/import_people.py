from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tatara.core.cli_actor import resolve_actor
from tatara.core.permissions import require
from tatara.core.tabular import ImportRejected
from tatara.organisation.hr_import import import_people


class Command(BaseCommand):
    help = "Apply an HR master file (.xlsx/.csv): joiners, movers and leavers, with history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=dt.date.today(),
            help="the file's date (YYYY-MM-DD); leavers left on it",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, change nothing"
        )
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help="do not mark people missing from the file as leavers",
        )
        parser.add_argument("--user", help="act as this user (their scope applies)")

    def progress_printer(self, verbosity: int, every: float = 1.0) -> Any:
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
            self.stdout.write(f"{message}{counted}")

        return report

    def handle(self, *args: Any, **options: Any) -> None:
        actor = resolve_actor(options["user"])
        require(actor, "organisation.manage")
        try:
            changes = import_people(
                options["file"],
                actor=actor,
                as_of=options["as_of"],
                dry_run=options["dry_run"],
                mark_leavers=not options["keep_missing"],
                progress=self.progress_printer(options["verbosity"]),
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} error(s); nothing was changed") from exc
        prefix = "checked (nothing changed)" if options["dry_run"] else "applied"
        self.stdout.write(f"{prefix}: {changes.summary()}")
