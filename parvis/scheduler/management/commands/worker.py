"""``parvis worker``: the background task worker plus the periodic scheduler, one process."""

from __future__ import annotations

import importlib
import threading
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

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

    def handle(self, *args: Any, **options: Any) -> None:
        load_periodic_jobs()
        stop = threading.Event()
        if not options["no_scheduler"]:
            threading.Thread(target=scheduler_loop, args=(stop,), name="parvis-scheduler", daemon=True).start()
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
