"""``parvis smtp-inbox [--host 127.0.0.1] [--port 2525]``: receive email for the inbound addresses."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parvis.inbox.smtp import start_listener


class Command(BaseCommand):
    help = "Run a small SMTP server accepting mail for the active inbound addresses (550 for any other)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=2525, help="Port to listen on (default 2525).")

    def handle(self, *args: Any, **options: Any) -> None:
        controller = start_listener(options["host"], options["port"])
        self.stdout.write(f"Réception SMTP sur {options['host']}:{options['port']} (Ctrl+C pour arrêter).")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
