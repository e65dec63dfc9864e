"""`tatara jobs purge-files [--days N]`: delete the files of jobs that finished more than N days
ago (default TATARA_JOB_FILE_RETENTION_DAYS, 30); the jobs themselves stay. Every job runs it
when it ends, so this is for a worker-less installation or an immediate clean-up."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Delete old jobs' uploaded and result files (the jobs stay)."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        purge = verbs.add_parser("purge-files", help="delete the files of jobs finished long ago")
        purge.add_argument("--days", type=int, help="finished more than this many days ago")

    def handle(self, *args: Any, **options: Any) -> None:
        from tatara.core.jobs import purge_files, retention_days

        days = options["days"] if options["days"] is not None else retention_days()
        deleted = purge_files(days=days)
        self.stdout.write(f"{deleted} file(s) of jobs finished more than {days} days ago deleted")
