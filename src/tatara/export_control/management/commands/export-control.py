"""`tatara export-control screen --transaction REF` (screen a transaction again and print the
result with every reason) and `tatara export-control countries [--on DATE]` (the country
groups on a day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tatara.core.cli_actor import resolve_actor
from tatara.export_control import services
from tatara.export_control.countries import groups_on
from tatara.export_control.models import Transaction


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--on: not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "Screen an export transaction again, or list the country groups on a day."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{screen,countries}")
        screen = verbs.add_parser("screen", help="screen a transaction again (a new run)")
        screen.add_argument("--transaction", required=True, help="the transaction's reference")
        screen.add_argument("--user", help="act as this user (their rights apply)")
        countries = verbs.add_parser("countries", help="the country groups on a day")
        countries.add_argument("--on", help="the day, YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "screen":
            self._screen(options)
        else:
            self._countries(options)

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
