"""`tatara export-control screen --transaction REF` (screen a transaction again and print the
result with every reason), `tatara export-control countries [--on DATE]` (the country
groups on a day), `import-items|import-parties FILE [--unit CODE] [--dry-run]` (the item list
or the customer master from CSV or Excel, record_import.py) and `export-items|export-parties
-o FILE` (the same columns out; .csv or .xlsx by the file's ending)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tatara.core import tabular
from tatara.core.cli_actor import resolve_actor
from tatara.core.tabular import ImportRejected
from tatara.export_control import record_export, record_import, services
from tatara.export_control.countries import groups_on
from tatara.export_control.models import Transaction
from tatara.organisation.models import OrgUnit

VERBS = ("screen", "countries", "import-items", "import-parties", "export-items", "export-parties")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--on: not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Screen an export transaction again, list the country groups on a day, import or "
        "export items and parties (csv, xlsx)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(
            dest="verb", required=True, metavar="{" + ",".join(VERBS) + "}"
        )
        screen = verbs.add_parser("screen", help="screen a transaction again (a new run)")
        screen.add_argument("--transaction", required=True, help="the transaction's reference")
        screen.add_argument("--user", help="act as this user (their rights apply)")
        countries = verbs.add_parser("countries", help="the country groups on a day")
        countries.add_argument("--on", help="the day, YYYY-MM-DD (default today)")
        for what in ("items", "parties"):
            load = verbs.add_parser(
                f"import-{what}",
                help=f"create or update {what} from a .csv (UTF-8) or .xlsx file, matched by "
                "unit and code",
            )
            load.add_argument("path", help="the file, with a header row")
            load.add_argument("--unit", help="the unit (code) of rows without an org_unit")
            load.add_argument(
                "--dry-run", action="store_true", help="check and count; change nothing"
            )
            load.add_argument("--user", help="act as this user (their scope applies)")
            write = verbs.add_parser(
                f"export-{what}", help=f"write the {what} in the import's columns"
            )
            write.add_argument("-o", "--output", required=True, help="the file: .csv or .xlsx")
            write.add_argument("--user", help="act as this user (their scope applies)")

    def handle(self, *args: Any, **options: Any) -> None:
        self._verbosity = int(options.get("verbosity", 1))
        verb = options["verb"]
        if verb == "screen":
            self._screen(options)
        elif verb == "countries":
            self._countries(options)
        elif verb.startswith("import-"):
            self._import(verb.removeprefix("import-"), options)
        else:
            self._export(verb.removeprefix("export-"), options)

    def _import(self, what: str, options: dict[str, Any]) -> None:
        actor = resolve_actor(options.get("user"))
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        unit = None
        if options.get("unit"):
            unit = OrgUnit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"--unit: no unit {options['unit']!r}")
        started = time.perf_counter()
        try:
            result = record_import.import_records(
                what,
                path,
                actor=actor,
                unit=unit,
                dry_run=options["dry_run"],
                progress=self._progress,
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s) in {path.name}; nothing was changed"
            ) from exc
        except PermissionDenied as exc:
            raise CommandError(
                f"permission denied ({exc}); use --user with a user who may change {what} there"
            ) from exc
        prefix = "checked" if options["dry_run"] else "imported"
        seconds = time.perf_counter() - started
        self.stdout.write(f"{prefix} {what}: {result.summary()} in {seconds:.1f} s")

    def _progress(self, done: int, total: int, message: str) -> None:
        if self._verbosity >= 2 and total:
            self.stderr.write(f"{message}: {done}/{total}")

    def _export(self, what: str, options: dict[str, Any]) -> None:
        actor = resolve_actor(options.get("user"))
        path = Path(options["output"])
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in tabular.FORMATS:
            raise CommandError(f"-o: end the file name with .csv or .xlsx, not {path.name!r}")
        try:
            data, _type, _name = record_export.export_records(what, viewer=actor, fmt=fmt)
        except PermissionDenied as exc:
            raise CommandError(f"permission denied ({exc})") from exc
        path.write_bytes(data)
        self.stdout.write(f"wrote {what} to {path}")

    def _screen(self, options: dict[str, Any]) -> None:
        actor = resolve_actor(options.get("user"))
        transaction = (
            Transaction.objects.visible_to(actor, "export_control.view")
            .filter(reference=options["transaction"])
            .first()
        )
        if transaction is None:
            raise CommandError(f"no transaction {options['transaction']!r}")
        try:
            run = services.screen_transaction(actor=actor, transaction=transaction)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        transaction.refresh_from_db()
        self.stdout.write(
            f"{transaction.reference}: {run.outcome} (destination {transaction.destination}, "
            f"group {run.destination_group}; status {transaction.status})"
        )
        for reason in run.reasons:
            self.stdout.write(f"  [{reason['severity']}] {reason['kind']}: {reason['text']}")

    def _countries(self, options: dict[str, Any]) -> None:
        day = _date(options["on"]) if options.get("on") else dt.date.today()
        self.stdout.write(f"Country groups on {day.isoformat()}")
        for country, period in groups_on(day):
            if period is None:
                self.stdout.write(f"{country.code}  -  {country.name} (no group on this day)")
                continue
            flags = [
                f
                for f, on in (("embargo", period.embargo), ("arms embargo", period.arms_embargo))
                if on
            ]
            verified = "" if period.verified else "  *verify*"
            extra = f"  [{', '.join(flags)}]" if flags else ""
            self.stdout.write(f"{country.code}  {period.group}  {country.name}{extra}{verified}")
