"""`tatara fiscal-year list|close|reopen|approve|withdraw|changes`: the lock of each fiscal
year (core.year_lock) from the command line.

    tatara fiscal-year list
    tatara fiscal-year close --fy 2019 --user csr          # or end a reopening of FY2019
    tatara fiscal-year reopen --fy 2019 --reason "…" --user csr
    tatara fiscal-year approve --fy 2019 --user risk       # a second person
    tatara fiscal-year withdraw --fy 2019 --user csr
    tatara fiscal-year changes --fy 2019                   # what changed under its reopenings

Without --user the operator acts (`cli:<os user>`): the operator who asked for a reopening
cannot approve it under the same name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tatara.core import year_lock
from tatara.core.cli_actor import resolve_actor
from tatara.core.models import FiscalYear, ReopeningStatus, YearReopening


@dataclass(frozen=True)
class Verb:
    help: str
    arguments: Callable[[CommandParser], None]
    run: Callable[[Any, dict[str, Any]], None]


def _fy(parser: CommandParser) -> None:
    parser.add_argument("--fy", type=int, required=True, help="fiscal year, e.g. 2019 for FY2019")


class Command(BaseCommand):
    help = "Close a fiscal year, or reopen a closed one (asked with a reason, approved by another)."

    def verbs(self) -> dict[str, Verb]:
        return {
            "list": Verb("every fiscal year: open, closed or reopened", lambda p: None, self.list),
            "close": Verb("close the year, or end its reopening", _fy, self.close),
            "reopen": Verb(
                "ask for a closed year to be reopened", self.reopen_arguments, self.reopen
            ),
            "approve": Verb("approve the reopening asked for (another person)", _fy, self.approve),
            "withdraw": Verb("withdraw or refuse the reopening asked for", _fy, self.withdraw),
            "changes": Verb("the changes made under the year's reopenings", _fy, self.changes),
        }

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = self.verbs()
        sub = parser.add_subparsers(dest="verb", required=True, metavar="{" + ",".join(verbs) + "}")
        for name, verb in verbs.items():
            verb_parser = sub.add_parser(name, help=verb.help)
            verb.arguments(verb_parser)
            verb_parser.add_argument("--user", help="act as this user (their roles apply)")

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

    def reopen_arguments(self, parser: CommandParser) -> None:
        _fy(parser)
        parser.add_argument("--reason", required=True, help="what must be corrected, and why")

    def _year(self, options: dict[str, Any]) -> FiscalYear:
        found = FiscalYear.objects.filter(year=options["fy"]).first()
        if found is None:
            raise CommandError(f"FY{options['fy']} is not known")
        return found

    def _pending(self, options: dict[str, Any]) -> YearReopening:
        found = (
            YearReopening.objects.filter(
                fiscal_year__year=options["fy"], status=ReopeningStatus.REQUESTED
            )
            .select_related("fiscal_year")
            .first()
        )
        if found is None:
            raise CommandError(f"no reopening of FY{options['fy']} awaits approval")
        return found

    def list(self, actor: Any, options: dict[str, Any]) -> None:
        for fiscal_year in year_lock.fiscal_years(viewer=actor):
            state = fiscal_year.state  # type: ignore[attr-defined]
            line = f"{fiscal_year.label}  {state:<9}"
            if fiscal_year.closed_at:
                line += (
                    f"  closed {fiscal_year.closed_at:%Y-%m-%d} by {fiscal_year.closed_by_label}"
                )
            for reopening in fiscal_year.reopening_list:  # type: ignore[attr-defined]
                if reopening.status in (ReopeningStatus.REQUESTED, ReopeningStatus.OPEN):
                    line += (
                        f"  [{reopening.status}: asked by {reopening.requested_by_label}:"
                        f" {reopening.reason[:60]}]"
                    )
            self.stdout.write(line)

    def close(self, actor: Any, options: dict[str, Any]) -> None:
        fiscal_year = self._year(options)
        reopened = year_lock.open_reopening(fiscal_year) is not None
        year_lock.close_year(actor=actor, year=fiscal_year)
        what = "closed again; the reopening has ended" if reopened else "closed"
        self.stdout.write(f"{fiscal_year.label} {what}")

    def reopen(self, actor: Any, options: dict[str, Any]) -> None:
        reopening = year_lock.request_reopening(
            actor=actor, year=self._year(options), reason=options["reason"]
        )
        self.stdout.write(
            f"reopening of FY{options['fy']} asked for (#{reopening.pk}); "
            "it opens once another person approves it"
        )

    def approve(self, actor: Any, options: dict[str, Any]) -> None:
        year_lock.approve_reopening(actor=actor, reopening=self._pending(options))
        self.stdout.write(f"FY{options['fy']} is reopened; every change is marked")

    def withdraw(self, actor: Any, options: dict[str, Any]) -> None:
        year_lock.withdraw_reopening(actor=actor, reopening=self._pending(options))
        self.stdout.write(f"reopening of FY{options['fy']} withdrawn; the year stays closed")

    def changes(self, actor: Any, options: dict[str, Any]) -> None:
        for reopening in YearReopening.objects.filter(fiscal_year__year=options["fy"]).order_by(
            "requested_at", "id"
        ):
            self.stdout.write(
                f"#{reopening.pk} {reopening.status}: {reopening.reason[:80]}"
                f" (asked by {reopening.requested_by_label})"
            )
            for event in year_lock.visible_changes(reopening, viewer=actor):
                self.stdout.write(
                    f"  {event.created_at:%Y-%m-%d %H:%M} {event.actor_label}"
                    f" {event.data.get('what', '')} {event.target_repr}"
                )
