"""`tatara organisation import-units|import-roles|import-people FILE [--dry-run]` and
`export-units|export-roles -o FILE`: the organisation tree, the role grants and the HR master
through the import engine (structure_io.py, hr_import.py). `tatara import_people` is the HR
master's older name and stays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tatara.core.cli_actor import resolve_actor
from tatara.core.tabular.commands import add_import_arguments, run_import_command
from tatara.organisation import hr_import, structure_io

IMPORTS = {"units": structure_io.import_units, "roles": structure_io.import_roles}
SPECS = {"units": structure_io.UNITS, "roles": structure_io.ROLES}


def add_people_arguments(parser: Any) -> None:
    add_import_arguments(parser, hr_import.PEOPLE)
    parser.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        default=dt.date.today(),
        help="the file's date (YYYY-MM-DD); leavers left on it",
    )
    parser.add_argument(
        "--keep-missing",
        action="store_true",
        help="do not mark people missing from the file as leavers",
    )


def import_people(command: BaseCommand, options: dict[str, Any]) -> None:
    run_import_command(
        command,
        hr_import.import_people,
        options,
        as_of=options["as_of"],
        mark_leavers=not options["keep_missing"],
    )


class Command(BaseCommand):
    help = "Import or export the organisation tree, the role grants and the HR master."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        for what in IMPORTS:
            add_import_arguments(
                verbs.add_parser(f"import-{what}", help=f"create or update {what} from a file"),
                SPECS[what],
            )
            out = verbs.add_parser(
                f"export-{what}", help=f"write the {what} in the import's columns"
            )
            out.add_argument("-o", "--output", required=True, help="the file: .csv or .xlsx")
            out.add_argument("--user", help="act as this user (their scope applies)")
        add_people_arguments(
            verbs.add_parser("import-people", help="apply an HR master: joiners, movers, leavers")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "import-people":
            import_people(self, options)
        elif verb.startswith("import-"):
            run_import_command(self, IMPORTS[verb.removeprefix("import-")], options)
        else:
            self._export(verb.removeprefix("export-"), options)

    def _export(self, what: str, options: dict[str, Any]) -> None:
        path = Path(options["output"])
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError(f"{path.name}: give a .csv or .xlsx file name")
        try:
            data, _type, _name = structure_io.export(
                what, viewer=resolve_actor(options.get("user")), fmt=fmt
            )
        except PermissionDenied as exc:
            raise CommandError(f"not allowed: {exc}") from exc
        path.write_bytes(data)
        self.stdout.write(f"wrote {path}")
