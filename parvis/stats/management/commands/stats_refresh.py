"""``parvis stats-refresh [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--organisation SLUG]``:
rebuild the pre-aggregated statistics (the backfill; the worker refreshes the last weeks itself)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.legal.clock import paris_today
from parvis.organisations.models import Organisation
from parvis.stats.services import refresh_daily_stats


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Date invalide : « {text} » (format attendu AAAA-MM-JJ).") from exc


class Command(BaseCommand):
    help = "Recalcule les statistiques quotidiennes (par défaut : les 45 derniers jours)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="Premier jour à recalculer (AAAA-MM-JJ).")
        parser.add_argument("--until", help="Dernier jour à recalculer (AAAA-MM-JJ, aujourd'hui par défaut).")
        parser.add_argument("--organisation", help="Identifiant (slug) d'une collectivité ; toutes par défaut.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = paris_today()
        end = _date(options["until"]) if options["until"] else today
        start = _date(options["since"]) if options["since"] else end - dt.timedelta(days=45)
        if end < start:
            raise CommandError("--until précède --since.")
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"Collectivité inconnue : « {options['organisation']} ».")
        began = time.monotonic()
        result = refresh_daily_stats(organisation=organisation, start=start, end=end, today=today)
        self.stdout.write(
            f"Statistiques recalculées du {start.isoformat()} au {end.isoformat()} pour "
            f"{result.organisations} collectivité(s) : {result.daily_rows} lignes quotidiennes, "
            f"{result.response_rows} lignes de délais, {result.open_rows} lignes de demandes en cours "
            f"({time.monotonic() - began:.1f} s)."
        )
