"""``parvis bench-data --cases 1000000 [--organisations N] [--seed S]``: data for the benchmarks."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.demo.benchdata import BenchDataError, generate


class Command(BaseCommand):
    help = "Remplit la base PostgreSQL de demandes réalistes pour les bancs d'essai (voir bench/README.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="nombre de demandes à créer")
        parser.add_argument("--organisations", type=int, default=0, help="communes supplémentaires dans l'EPCI")
        parser.add_argument("--seed", type=int, default=1, help="graine du générateur (mêmes données à graine égale)")
        parser.add_argument("--users", type=int, default=None, help="usagers avec compte (défaut : demandes / 5)")
        parser.add_argument("--years", type=int, default=3, help="années d'activité couvertes")
        parser.add_argument(
            "--end",
            default="2026-11-01",
            help="date de la dernière demande (AAAA-MM-JJ ; fixe pour la reproductibilité)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            end = dt.date.fromisoformat(options["end"])
        except ValueError:
            raise CommandError(f"Date invalide : {options['end']!r} (attendu AAAA-MM-JJ).") from None
        started = time.monotonic()
        try:
            report = generate(
                cases=options["cases"],
                organisations=options["organisations"],
                seed=options["seed"],
                users=options["users"],
                years=options["years"],
                end=end,
                progress=lambda line: self.stdout.write(f"[{time.monotonic() - started:7.1f} s] {line}"),
            )
        except BenchDataError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.cases} demandes ({report.open_cases} en cours), {report.events} événements, "
                f"{report.documents} documents, {report.journal} lignes de journal, {report.users} usagers, "
                f"{report.organisations} communes ajoutées, en {elapsed:.0f} s."
            )
        )
