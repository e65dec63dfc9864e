"""`tatara screening load|lists|batch`: load a restricted-party list from its official file(s),
show the lists and their active versions, or screen a file of names against them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tatara.core.cli_actor import resolve_actor
from tatara.core.tabular import ImportRejected
from tatara.screening import selectors, services
from tatara.screening.choices import ListSource

SOURCES = list(ListSource.values)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--published: not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "Load a screening list from its official file(s), or show the lists."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{load,lists,batch}")

        load = verbs.add_parser(
            "load",
            help="load a list file as the list's new active version",
            description=(
                "For ofac-sdn give sdn.csv (alt.csv and add.csv beside it are read too) or "
                "the folder; for ofac-cons cons_prim.csv or the folder."
            ),
        )
        load.add_argument("--source", required=True, choices=SOURCES, help="which list")
        load.add_argument("path", help="the list file (or, for OFAC, its folder)")
        load.add_argument(
            "--published", help="publication date YYYY-MM-DD (default: what the file says)"
        )
        load.add_argument("--user", help="act as this user (their rights apply)")

        show = verbs.add_parser("lists", help="the lists and their active versions")
        show.add_argument("--user", help="act as this user (their rights apply)")

        batch = verbs.add_parser(
            "batch",
            help="screen a file of names (CSV or .xlsx) against the active lists",
            description=(
                "Input columns: name, and optionally country, date_of_birth, kind. Output: one "
                "row per alert (row,name,score,list,list_entry_id,matched_name,outcome); a row "
                "without one appears once with outcome clear. .xlsx output when -o ends so."
            ),
        )
        batch.add_argument("path", help="the file of names (.csv or .xlsx)")
        batch.add_argument(
            "-o", "--output", default="-", help="output file (.csv or .xlsx; default: stdout)"
        )
        batch.add_argument(
            "--unit",
            help="code of the unit whose names these are: its company's remembered clearings "
            "apply (a hit cleared before has outcome cleared_before and does not count)",
        )
        batch.add_argument("--user", help="act as this user (their rights apply)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = resolve_actor(options["user"])
        try:
            if options["verb"] == "load":
                self.load(actor, options)
            elif options["verb"] == "batch":
                self.batch(actor, options)
            else:
                self.show(actor)
        except PermissionDenied as exc:
            raise CommandError(
                f"permission denied ({exc}); use --user with a user who may do this"
            ) from exc

    def load(self, actor: Any, options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"no such file or folder: {path}")
        published = _date(options["published"]) if options["published"] else None
        try:
            version = services.load_list(
                actor=actor, source=options["source"], path=path, published=published
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{path.name} refused ({len(exc.errors)} error(s)); the active version is unchanged"
            ) from exc
        times = getattr(version, "load_times", None)
        took = f" in {times.parse + times.store:.1f} s" if times else ""
        self.stdout.write(
            f"{version.screening_list.source}: version {version.pk} loaded{took} "
            f"(published {version.published or 'not stated'})\n"
            f"entries: {version.entry_count}\n"
            f"names: {version.name_count}\n"
            f"added: {version.added_count}\n"
            f"removed: {version.removed_count}\n"
            f"changed: {version.changed_count}"
        )

    def show(self, actor: Any) -> None:
        rows = list(selectors.lists(viewer=actor))
        if not rows:
            self.stdout.write("no lists loaded")
            return
        self.stdout.write(
            f"{'source':<10} {'published':<10} {'loaded':<16} {'entries':>7} {'names':>7}  file"
        )
        for screening_list in rows:
            version = screening_list.active_version
            if version is None:
                self.stdout.write(f"{screening_list.source:<10} (no active version)")
                continue
            self.stdout.write(
                f"{screening_list.source:<10} {version.published or '-'!s:<10} "
                f"{version.loaded_at:%Y-%m-%d %H:%M} {version.entry_count:>7} "
                f"{version.name_count:>7}  {version.file_name}"
            )

    def batch(self, actor: Any, options: Any) -> None:
        from tatara.screening import batch

        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        output = options["output"]
        unit = None
        if options.get("unit"):
            from tatara.organisation.models import OrgUnit

            unit = (
                OrgUnit.objects.visible_to(actor, "screening.view")
                .filter(code=options["unit"])
                .first()
            )
            if unit is None:
                raise CommandError(f"--unit: no unit {options['unit']!r} in your scope")
        try:
            result = batch.screen_file(path, actor=actor, name=path.name, org_unit=unit)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{path.name} refused ({len(exc.errors)} error(s))") from exc
        if not result.list_versions:
            self.stderr.write("warning: no list is loaded; every name is clear")
        if output == "-":
            self.stdout.write(batch.to_csv(result).decode("utf-8"), ending="")
        else:
            target = Path(output)
            data = (
                batch.to_xlsx(result)
                if target.suffix.lower() in (".xlsx", ".xlsm")
                else batch.to_csv(result)
            )
            target.write_bytes(data)
        counts = result.counts
        self.stderr.write(
            f"{counts['rows']} names screened against {len(result.list_versions)} list "
            f"version(s): {counts['strong']} strong, {counts['review']} review, "
            f"{counts['clear']} clear ({counts['hits']} hits"
            + (f", {counts['cleared_before']} rows cleared before" if unit is not None else "")
            + ")"
        )
