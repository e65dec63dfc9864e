"""`tatara emissions import-factors|import-activity|export-activity|calculate|post`:
suppliers' electricity factors and sites' activity data in, a fiscal year's activity data out,
a unit's Scope 1 and 2 CO2 out, or posted to the co2-scope1/co2-scope2/co2-emissions KPIs as
drafts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tatara.core import tabular
from tatara.core.cli_actor import resolve_actor
from tatara.core.tabular import ImportRejected, write_csv
from tatara.emissions import activity_io, recalculation, services
from tatara.emissions.choices import ELECTRICITY_BASES, Activity, Basis
from tatara.organisation.models import OrgUnit

FORMATS = ("text", "json", "csv")
LABELS = dict(Activity.choices)
CSV_COLUMNS = [
    "scope",
    "activity",
    "supplier",
    "quantity",
    "unit",
    "factor",
    "factor_unit",
    "factor_version",
    "factor_set",
    "source",
    "co2_t",
    "warning",
]


def _add_period(parser: CommandParser) -> None:
    parser.add_argument("--unit", required=True, help="org unit code, e.g. alpha-site")
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--fy", type=int, help="fiscal year, e.g. 2019 for FY2019")
    when.add_argument("--month", help="one calendar month, e.g. 2019-04")
    parser.add_argument(
        "--basis",
        choices=[str(b) for b in ELECTRICITY_BASES],
        default=str(Basis.MARKET),
        help="electricity factors: market (suppliers' adjusted factors, default) or location",
    )
    parser.add_argument("--user", help="act as this user (their scope applies)")


def _month(text: str) -> tuple[dt.date, dt.date]:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise CommandError(f"--month takes a month like 2019-04, not {text!r}")
    start = dt.date(int(match[1]), int(match[2]), 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


class Command(BaseCommand):
    help = (
        "Import electricity suppliers' emission factors, calculate a unit's Scope 1 and 2 CO2, "
        "or post it to the co2-emissions KPI."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(
            dest="verb",
            required=True,
            metavar="{import-factors,import-activity,export-activity,calculate,post}",
        )
        load = verbs.add_parser(
            "import-factors", help="load suppliers' electricity factors from a .csv or .xlsx"
        )
        load.add_argument("file", help="columns fiscal_year,supplier,basis,factor,unit[,source]")
        load.add_argument(
            "--dry-run", action="store_true", help="validate and report; store nothing"
        )
        load.add_argument("--user", help="act as this user (their scope applies)")

        activity = verbs.add_parser(
            "import-activity", help="load activity data (energy and fuel used) from .csv/.xlsx"
        )
        activity.add_argument(
            "path", help="columns org_unit,period,activity,quantity[,unit,supplier,source]"
        )
        activity.add_argument(
            "--dry-run", action="store_true", help="validate and report; store nothing"
        )
        activity.add_argument("--user", help="act as this user (their scope applies)")

        export = verbs.add_parser(
            "export-activity", help="write a fiscal year's activity data in the import's layout"
        )
        export.add_argument("--fy", type=int, required=True, help="fiscal year, e.g. 2019")
        export.add_argument("--unit", help="one org unit's code (default: every unit in scope)")
        export.add_argument("--format", choices=tabular.FORMATS, default="csv")
        export.add_argument("--output", "-o", help="file to write (default: standard output)")
        export.add_argument("--user", help="act as this user (their scope applies)")

        calculate = verbs.add_parser("calculate", help="Scope 1 and 2 CO2 of a unit and period")
        _add_period(calculate)
        calculate.add_argument("--format", choices=FORMATS, default="text")

        post = verbs.add_parser(
            "post",
            help="write Scope 1, Scope 2 and the total as draft observations of co2-scope1, "
            "co2-scope2 and co2-emissions",
        )
        _add_period(post)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = resolve_actor(options["user"])
        try:
            if options["verb"] == "import-factors":
                self.load(actor, options)
            elif options["verb"] == "import-activity":
                self.load_activity(actor, options)
            elif options["verb"] == "export-activity":
                self.export_activity(actor, options)
            elif options["verb"] == "calculate":
                self.calculate(actor, options)
            else:
                self.post(actor, options)
        except PermissionDenied as exc:
            raise CommandError(
                f"permission denied ({exc}); use --user with a user who may do this"
            ) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def load(self, actor: Any, options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            result = services.import_supplier_factors(
                actor=actor, file=path, dry_run=options["dry_run"]
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s) in {path.name}; nothing was stored"
            ) from exc
        prefix = "checked" if options["dry_run"] else "imported"
        self.stdout.write(f"{prefix}: {result.summary()}")
        for line in result.changed:
            self.stdout.write(f"  new version: {line}")

    def load_activity(self, actor: Any, options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            result = activity_io.import_activity(path, actor=actor, dry_run=options["dry_run"])
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s) in {path.name}; nothing was stored"
            ) from exc
        prefix = "checked" if options["dry_run"] else "imported"
        self.stdout.write(f"{prefix}: {result.summary()}")

    def export_activity(self, actor: Any, options: Any) -> None:
        unit = None
        if options["unit"]:
            unit = OrgUnit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"no org unit with code {options['unit']!r}")
        data, _type, _name = activity_io.export_activity(
            viewer=actor, year=options["fy"], fmt=options["format"], unit=unit
        )
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"wrote {options['output']}")
        elif options["format"] == "xlsx":
            raise CommandError("--format xlsx needs --output FILE")
        else:
            self.stdout.write(data.decode("utf-8"), ending="")

    def _target(self, options: Any) -> dict[str, Any]:
        try:
            unit = OrgUnit.objects.get(code=options["unit"])
        except OrgUnit.DoesNotExist as exc:
            raise CommandError(f"no org unit with code {options['unit']!r}") from exc
        when: dict[str, Any] = (
            {"fiscal_year": options["fy"]}
            if options["fy"] is not None
            else {"period": _month(options["month"])}
        )
        return {"org_unit": unit, "basis": options["basis"], **when}

    def calculate(self, actor: Any, options: Any) -> None:
        result = services.calculate(viewer=actor, **self._target(options))
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        if fmt == "csv":
            rows = [[line.as_dict()[c] for c in CSV_COLUMNS] for line in result.lines]
            totals = (("1", result.scope1), ("2", result.scope2), ("1+2", result.total))
            rows += [
                [scope, "(total)", *[""] * 8, services.plain(value), ""] for scope, value in totals
            ]
            self.stdout.write(write_csv(CSV_COLUMNS, rows).decode("utf-8"), ending="")
            return
        self.stdout.write(
            f"{result.unit_code} {result.period_label} (electricity {result.basis}-based): t-CO2"
        )
        for line in result.lines:
            who = f" ({line.supplier})" if line.supplier else ""
            self.stdout.write(
                f"  scope {line.scope}  {line.activity}{who}: {services.plain(line.quantity)} "
                f"{line.unit} × {services.plain(line.factor)} = {services.plain(line.co2_t)}"
                f"  [{line.factor_set}, factor v{line.factor_version}]"
            )
            if line.warning:
                self.stdout.write(f"    warning: {line.warning}")
        self.stdout.write(f"  Scope 1: {services.plain(result.scope1)}")
        self.stdout.write(f"  Scope 2: {services.plain(result.scope2)}")
        self.stdout.write(f"  Total:   {services.plain(result.total)}")
        last, changes = services.changes_since_posted(result, self._target(options)["org_unit"])
        if last is not None:
            when = f"{last.posted_at:%Y-%m-%d %H:%M}"
            if not changes:
                self.stdout.write(f"  same as the calculation #{last.pk} posted {when}")
            else:
                self.stdout.write(f"  differs from the calculation #{last.pk} posted {when}:")
                for change in changes:
                    self.stdout.write(f"    {recalculation.describe(change, LABELS)}")

    def post(self, actor: Any, options: Any) -> None:
        posted = services.post_to_kpis(actor=actor, **self._target(options))
        stored = posted.calculation
        if stored is not None and stored.replaces_id is not None:
            self.stdout.write(f"recalculation #{stored.pk} of #{stored.replaces_id}:")
            for change in stored.changes or []:
                self.stdout.write(f"  {recalculation.describe(change, LABELS)}")
            if not stored.changes:
                self.stdout.write("  nothing changed")
        elif stored is not None:
            self.stdout.write(f"calculation #{stored.pk}")
        for observation in posted:
            self.stdout.write(
                f"posted: {observation.metric.code} {observation.org_unit.code} "
                f"{observation.period_start}–{observation.period_end} = "
                f"{observation.value} t (draft)"
            )
