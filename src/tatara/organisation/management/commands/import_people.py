"""`tatara import_people FILE` — the HR master import's first name, kept as an alias of
`tatara organisation import-people` (the same arguments and output)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tatara.organisation.management.commands.organisation import add_people_arguments, import_people


class Command(BaseCommand):
    help = "Apply an HR master file (.xlsx/.csv): joiners, movers and leavers, with history."

    def add_arguments(self, parser: CommandParser) -> None:
        add_people_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        import_people(self, options)
