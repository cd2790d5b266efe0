"""``parvis worker``: the background task worker plus the periodic scheduler, one process."""

from __future__ import annotations

import importlib
import threading
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.scheduler.services import scheduler_loop


def load_periodic_jobs() -> None:
    """Import every app's ``tasks`` module (and the modules its AppConfig lists in ``periodic_modules``)
    so their ``@periodic`` jobs register."""
    for config in apps.get_app_configs():
        if config.name.startswith("parvis."):
            for module in getattr(config, "periodic_modules", ("tasks",)):
                try:
                    importlib.import_module(f"{config.name}.{module}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.{module}":
                        raise


class Command(BaseCommand):
    help = "Run the background task worker and the periodic job scheduler."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Only process tasks (another process schedules)."
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of an empty queue.")
        parser.add_argument(
            "--tick", type=float, default=15.0, help="Seconds between scheduler ticks (heartbeat and due jobs)."
        )
        parser.add_argument(
            "--import",
            action="append",
            default=[],
            dest="imports",
            metavar="MODULE",
            help="Also import this module so its @periodic jobs register (repeatable; e.g. site-specific jobs).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["tick"] <= 0:
            raise CommandError("--tick must be a positive number of seconds.")
        load_periodic_jobs()
        for module in options["imports"]:
            importlib.import_module(module)
        stop = threading.Event()
        if not options["no_scheduler"]:
            threading.Thread(
                target=scheduler_loop, args=(stop, options["tick"]), name="parvis-scheduler", daemon=True
            ).start()
        try:
            call_command(
                "db_worker",
                queue_name="*",
                interval=options["interval"],
                reload=False,
                verbosity=options["verbosity"],
            )
        finally:
            stop.set()
