"""`tatara cycle export-table|import-table` (also under their first names, `export` and
`import`): a year's CSR table out to a file, or in from one."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tatara.core.cli_actor import resolve_actor
from tatara.core.permissions import can
from tatara.core.tabular import ImportRejected
from tatara.cycle import selectors, table_export, table_import
from tatara.cycle.models import CycleYear


class Command(BaseCommand):
    help = "Export a year's CSR table (csv, xlsx, md, html, pdf) or import one (csv, xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(
            dest="verb", required=True, metavar="{export-table,import-table}"
        )
        # one scheme across areas: <verb>-<thing>; the first names, export and import, stay
        export = verbs.add_parser(
            "export-table", aliases=["export"], help="write the year's table to a file"
        )
        export.add_argument(
            "--fy", type=int, required=True, help="fiscal year, e.g. 2019 for FY2019"
        )
        export.add_argument(
            "--format",
            choices=table_export.FORMATS,
            default=None,
            help="output format (default: from the file name's suffix)",
        )
        export.add_argument(
            "-o", "--output", required=True, help="file to write, or - for standard output"
        )
        export.add_argument("--user", help="act as this user (their scope applies)")

        load = verbs.add_parser(
            "import-table",
            aliases=["import"],
            help="load a year's table from a .csv or .xlsx file",
        )
        load.add_argument("file", help="the table, in the export's csv/xlsx layout")
        load.add_argument("--fy", type=int, required=True, help="fiscal year, e.g. 2019 for FY2019")
        load.add_argument(
            "--dry-run", action="store_true", help="validate and report; store nothing"
        )
        load.add_argument(
            "--replace",
            action="store_true",
            help="delete the year's initiatives first (refused if any was carried forward)",
        )
        load.add_argument(
            "--note", help="note printed above the table, when the import opens the year"
        )
        load.add_argument("--user", help="act as this user (their scope applies)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = resolve_actor(options["user"])
        try:
            if options["verb"] in ("export-table", "export"):
                self.export(actor, options)
            else:
                self.load(actor, options)
        except PermissionDenied as exc:
            raise CommandError(
                f"permission denied ({exc}); use --user with a user who may do this"
            ) from exc

    def export(self, actor: Any, options: Any) -> None:
        year, output = options["fy"], options["output"]
        fmt = options["format"] or Path(output).suffix.lstrip(".").lower()
        if fmt not in table_export.FORMATS:
            raise CommandError(
                f"give --format ({', '.join(table_export.FORMATS)}); cannot tell it from {output!r}"
            )
        if not can(actor, "cycle.export"):
            raise PermissionDenied("not allowed: cycle.export")
        try:
            selectors.get_year(viewer=actor, year=year)
        except CycleYear.DoesNotExist as exc:
            raise CommandError(f"FY{year} is not open (or not visible to {actor})") from exc
        data, _content_type, _filename = table_export.export_table(viewer=actor, year=year, fmt=fmt)
        if output == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from exc
        self.stdout.write(f"FY{year} table written to {output} ({fmt}, {len(data):,} bytes)")

    def load(self, actor: Any, options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            result = table_import.import_table(
                path,
                actor=actor,
                year=options["fy"],
                dry_run=options["dry_run"],
                replace=options["replace"],
                note=options["note"],
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s) in {path.name}; nothing was stored"
            ) from exc
        prefix = "checked" if options["dry_run"] else "imported"
        self.stdout.write(f"{prefix}: {result.summary()}")
