from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.audit.queries import verify_journal


class Command(BaseCommand):
    help = "Journal tools. `audit verify` recomputes the hash chains and fails on any altered or deleted row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_journal()
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(f"Journal altéré : {len(report.problems)} problème(s) sur {report.events} événements.")
        self.stdout.write(f"Journal intègre : {report.events} événements, {report.chains} chaîne(s).")
