from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tatara.demo import builder
from tatara.organisation.models import OrgUnit


class Command(BaseCommand):
    help = "Build the demo database (migrate + demo data set), print the demo users, and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="build the demo database and exit"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="build even without TATARA_DEBUG=1 (throwaway databases)",
        )
        parser.add_argument(
            "--addrport", default="127.0.0.1:8000", help="where to serve (default 127.0.0.1:8000)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "The demo creates users with a published password; it runs only with "
                "TATARA_DEBUG=1 (or --force on a throwaway database)."
            )
        call_command("migrate", interactive=False, verbosity=0)
        if not builder.is_built() and OrgUnit.objects.exists():
            raise CommandError(
                "This database already holds an organisation; the demo needs an empty one."
            )
        if builder.is_built():
            self.stdout.write("The demo data set is already in this database.")
        else:
            result = builder.build_demo()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo built: {len(result['units'])} units, FY2019 table with "
                    f"{result['fy2019'].initiatives.count()} initiatives, FY2020 opened by carry-forward, "
                    f"{result['kpis']['targets']} KPI targets and {result['kpis']['approved']} approved "
                    "observations (FY2010, FY2017–FY2019)."
                )
            )
        self.stdout.write(builder.describe_users())
        if not options["no_serve"]:
            self.stdout.write(f"Serving http://{options['addrport']}/  (Ctrl-C to stop)")
            call_command("runserver", options["addrport"], use_reloader=False)
