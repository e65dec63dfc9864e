"""`tatara kpi evaluate|import-observations|import-targets|export-observations|export-targets`.

Each subcommand is one entry of `Command.verbs()`: its help, a function adding its arguments
and a function running it. Adding a subcommand is one entry and two small methods.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tatara.core.cli_actor import resolve_actor
from tatara.core.tabular import FORMATS, ImportRejected, write_csv
from tatara.kpis import table_io
from tatara.kpis.choices import ObservationStatus
from tatara.kpis.evaluation import RECORD_FIELDS, evaluate


@dataclass(frozen=True)
class Verb:
    help: str
    arguments: Callable[[CommandParser], None]
    run: Callable[[Any, dict[str, Any]], None]


class Command(BaseCommand):
    help = (
        "KPIs: evaluate a fiscal year's targets; import or export observations and targets "
        "(csv, xlsx)."
    )

    def verbs(self) -> dict[str, Verb]:
        return {
            "evaluate": Verb(
                "every target of a fiscal year with actual, achievement (%%) and rating (1-3)",
                self.evaluate_arguments,
                self.evaluate,
            ),
            "import-observations": Verb(
                "load observations (metric,org_unit,period,value,unit[,source]) as drafts",
                self.import_arguments,
                self.import_observations,
            ),
            "import-targets": Verb(
                "load targets (metric,fiscal_year,org_unit,kind,value,base_year[,legal_parameter])",
                self.import_arguments,
                self.import_targets,
            ),
            "export-observations": Verb(
                "write a fiscal year's observations in the import's layout",
                self.export_observation_arguments,
                self.export_observations,
            ),
            "export-targets": Verb(
                "write a fiscal year's targets in the import's layout",
                self.export_arguments,
                self.export_targets,
            ),
        }

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = self.verbs()
        sub = parser.add_subparsers(dest="verb", required=True, metavar="{" + ",".join(verbs) + "}")
        for name, verb in verbs.items():
            verb_parser = sub.add_parser(name, help=verb.help)
            verb.arguments(verb_parser)
            verb_parser.add_argument("--user", help="act as this user (their scope applies)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = resolve_actor(options["user"])
        try:
            self.verbs()[options["verb"]].run(actor, options)
        except PermissionDenied as exc:
            raise CommandError(
                f"permission denied ({exc}); use --user with a user who may do this"
            ) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    # --- evaluation ---------------------------------------------------------------------

    def evaluate_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fy", type=int, required=True, help="fiscal year, e.g. 2019")
        parser.add_argument("--format", choices=("json", "csv"), default="json")
        parser.add_argument("--unit", help="only the targets of this unit (its code)")

    def evaluate(self, actor: Any, options: dict[str, Any]) -> None:
        viewer = actor if getattr(actor, "pk", None) else None  # the operator sees every unit
        results = evaluate(options["fy"], user=viewer)
        if options["unit"]:
            results = [r for r in results if r.org_unit == options["unit"]]
        records = [r.as_record() for r in results]
        if options["format"] == "json":
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
            return
        data = write_csv(RECORD_FIELDS, ([rec[f] for f in RECORD_FIELDS] for rec in records))
        self.stdout.write(data.decode("utf-8"), ending="")

    # --- imports ------------------------------------------------------------------------

    def import_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a .csv (UTF-8) or .xlsx file with a header row")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report; store nothing"
        )

    def import_observations(self, actor: Any, options: dict[str, Any]) -> None:
        self._import(table_io.import_observations, actor, options)

    def import_targets(self, actor: Any, options: dict[str, Any]) -> None:
        self._import(table_io.import_targets, actor, options)

    def _import(self, load: Callable[..., Any], actor: Any, options: dict[str, Any]) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            result = load(path, actor=actor, dry_run=options["dry_run"])
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s) in {path.name}; nothing was stored"
            ) from exc
        prefix = "checked" if options["dry_run"] else "imported"
        self.stdout.write(f"{prefix} {result.what}: {result.summary()}")

    # --- exports ------------------------------------------------------------------------

    def export_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fy", type=int, required=True, help="fiscal year, e.g. 2019")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default=None,
            help="output format (default: from the file name's suffix, else csv)",
        )
        parser.add_argument(
            "-o", "--output", default="-", help="file to write (default: standard output)"
        )

    def export_observation_arguments(self, parser: CommandParser) -> None:
        self.export_arguments(parser)
        parser.add_argument("--metric", help="only this metric (its code)")
        parser.add_argument("--unit", help="only this unit (its code) and the units below it")
        parser.add_argument(
            "--status",
            action="append",
            choices=ObservationStatus.values,
            help="only values in this status (repeat for several; default: all)",
        )

    def export_observations(self, actor: Any, options: dict[str, Any]) -> None:
        fmt = self._format(options)
        data, _type, _name = table_io.export_observations(
            viewer=actor,
            year=options["fy"],
            fmt=fmt,
            metric=options["metric"],
            unit=options["unit"],
            statuses=options["status"],
        )
        self._write(data, options["output"], f"FY{options['fy']} observations", fmt)

    def export_targets(self, actor: Any, options: dict[str, Any]) -> None:
        fmt = self._format(options)
        data, _type, _name = table_io.export_targets(viewer=actor, year=options["fy"], fmt=fmt)
        self._write(data, options["output"], f"FY{options['fy']} targets", fmt)

    def _format(self, options: dict[str, Any]) -> str:
        if options["format"]:
            return str(options["format"])
        suffix = Path(options["output"]).suffix.lstrip(".").lower()
        if options["output"] == "-" or not suffix:
            return "csv"
        if suffix not in FORMATS:
            raise CommandError(
                f"give --format ({', '.join(FORMATS)}); cannot tell it from {options['output']!r}"
            )
        return suffix

    def _write(self, data: bytes, output: str, what: str, fmt: str) -> None:
        if output == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from exc
        self.stdout.write(f"{what} written to {output} ({fmt}, {len(data):,} bytes)")
