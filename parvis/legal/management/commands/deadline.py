"""``parvis deadline``: compute the date of an implicit decision, print one JSON object.

    uv run parvis deadline --received 2025-01-15 --rule sva --period 2 --unit months \\
        [--incomplete 2025-02-10:2025-03-05[:2025-04-10]]... [--calendar FR] [--transmitted-from 2025-01-10]

``--incomplete REQUESTED:RECEIVED[:DEADLINE]``: one request for missing pieces; leave RECEIVED empty
while the pieces are still missing (``2025-02-10::2025-03-10``). ``--received`` also accepts a date
and time (``2025-03-14T23:50``, Paris time unless an offset is given).

Bad input: a French message on stderr, exit status 2, no traceback.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.legal.calendars import SUBDIVISIONS
from parvis.legal.deadlines import Incompleteness, compute_deadline, parse_date, parse_receipt
from parvis.legal.errors import LegalInputError

USAGE = (
    "parvis deadline --received AAAA-MM-JJ --rule sva|svr|none --period N --unit days|weeks|months "
    "[--incomplete DEMANDE:RÉCEPTION[:ÉCHÉANCE]]... [--calendar "
    + "|".join(SUBDIVISIONS)
    + "] [--transmitted-from AAAA-MM-JJ]"
)

OPTION_NAMES = {
    "received": "--received",
    "rule": "--rule",
    "period": "--period",
    "unit": "--unit",
    "calendar": "--calendar",
    "transmitted_from": "--transmitted-from",
}


def _french_argparse_message(message: str) -> str:
    """Argparse speaks English: translate the messages a user can trigger."""
    if match := re.match(r"unrecognized arguments: (.*)", message):
        return f"Option ou argument inconnu : {match.group(1)}."
    if match := re.match(r"argument (\S+): expected one argument", message):
        return f"L'option {match.group(1).split('/')[0]} attend une valeur."
    if match := re.match(r"ambiguous option: (\S+)", message):
        return f"Option ambiguë : {match.group(1)}."
    if match := re.match(r"argument (\S+): invalid choice: (\S+)", message):
        return f"Valeur invalide pour {match.group(1)} : {match.group(2)}."
    return f"Arguments invalides ({message})."


class Command(BaseCommand):
    help = "Calcule la date de naissance d'une décision implicite (silence vaut accord / rejet) ; sortie JSON."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        command = self

        def error(message: str) -> NoReturn:
            french = _french_argparse_message(message)
            if getattr(parser, "called_from_command_line", False):
                command.stderr.write(f"Erreur : {french}\nUsage : {USAGE}")
                sys.exit(2)
            raise CommandError(french, returncode=2)

        parser.error = error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        # Everything is read as text and checked in handle(), for French messages.
        parser.add_argument("--received", help="date de réception du dossier (AAAA-MM-JJ, ou date et heure)")
        parser.add_argument("--rule", help="règle du silence : sva, svr ou none")
        parser.add_argument("--period", help="durée du délai (nombre entier)")
        parser.add_argument("--unit", help="unité : days, weeks ou months")
        parser.add_argument(
            "--incomplete",
            action="append",
            default=[],
            metavar="DEMANDE:RÉCEPTION[:ÉCHÉANCE]",
            help="demande de pièces manquantes (répétable) ; RÉCEPTION vide si elles manquent encore",
        )
        parser.add_argument("--calendar", default="FR", help="calendrier des jours fériés (défaut : FR)")
        parser.add_argument(
            "--transmitted-from",
            dest="transmitted_from",
            help="date de réception par une première administration non compétente (L114-2/L114-3)",
        )

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except LegalInputError as error:
            option = OPTION_NAMES.get(error.field or "", "")
            if error.field and error.field.startswith("incomplete_"):
                option = "--incomplete"
            message = f"{option} : {error}" if option else str(error)
        except CommandError as error:
            message = str(error)
        if getattr(self, "_called_from_command_line", False):
            # Django would print "CommandError: ..."; a plain French line reads better.
            self.stderr.write(f"Erreur : {message}")
            sys.exit(2)
        raise CommandError(message, returncode=2)

    def handle(self, *args: Any, **options: Any) -> None:
        missing = [OPTION_NAMES[name] for name in ("received", "rule") if not options.get(name)]
        if missing:
            raise CommandError(f"Option obligatoire manquante : {', '.join(missing)}.\nUsage : {USAGE}", returncode=2)
        received = parse_receipt(options["received"], field="received")
        period_text = options.get("period")
        period: int | None = None
        if period_text is not None:
            if not re.fullmatch(r"[+-]?\d+", period_text.strip()):
                raise CommandError(f"--period : « {period_text} » n'est pas un nombre entier.", returncode=2)
            period = int(period_text)
        episodes = [self._episode(text, number) for number, text in enumerate(options["incomplete"], start=1)]
        transmitted = options.get("transmitted_from")
        result = compute_deadline(
            received=received,
            rule=options["rule"],
            period=period,
            unit=options.get("unit"),
            incompleteness=episodes,
            transmitted_from=parse_date(transmitted, field="transmitted_from") if transmitted else None,
            calendar=options["calendar"],
        )
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))

    @staticmethod
    def _episode(text: str, number: int) -> Incompleteness:
        parts = text.split(":")
        if len(parts) not in (2, 3) or not parts[0]:
            raise CommandError(
                f"--incomplete : « {text} » doit avoir la forme DEMANDE:RÉCEPTION[:ÉCHÉANCE] "
                "(par exemple 2025-02-10:2025-03-05, ou 2025-02-10::2025-03-10 si les pièces manquent encore).",
                returncode=2,
            )
        prefix = f"incomplete_{number}_"
        requested = parse_date(parts[0], field=prefix + "requested")
        received = parse_date(parts[1], field=prefix + "received") if parts[1] else None
        deadline = parse_date(parts[2], field=prefix + "deadline") if len(parts) == 3 and parts[2] else None
        return Incompleteness(requested=requested, received=received, deadline=deadline)
