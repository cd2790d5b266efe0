"""``parvis demo``: migrate, load the demo territory, then serve it with a background worker."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.demo import territory as T
from parvis.demo.services import load_demo


class Command(BaseCommand):
    help = "Create and migrate the database, load the demo territory, run the web server and the worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", default="8000", help="Port to listen on (default 8000).")
        parser.add_argument("--no-serve", action="store_true", help="Only migrate and load the data, then exit.")
        parser.add_argument(
            "--smtp-port", type=int, default=2525, help="Port of the inbound-email SMTP listener (0: none)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("La démonstration demande PARVIS_DEMO=1 (positionné par `parvis demo`).")
        self.stdout.write("Base de données : migration…")
        call_command("migrate", interactive=False, verbosity=0)
        report = load_demo()
        if report.changed:
            n = len(report.created)
            self.stdout.write(
                f"Territoire de démonstration chargé ({n} élément{'s' if n > 1 else ''} créé{'s' if n > 1 else ''})."
            )
        else:
            self.stdout.write("Territoire de démonstration déjà à jour.")
        self.print_welcome(options["port"])
        if options["no_serve"]:
            return
        self.serve(options["addr"], options["port"], options["smtp_port"])

    def print_welcome(self, port: str) -> None:
        w = self.stdout.write
        w("")
        w(self.style.SUCCESS("Parvis — démonstration du Val d'Admi"))
        w("Sites :")
        for spec in T.ORGANISATIONS:
            w(f"  {spec['name']:45} http://{spec['hostname']}:{port}/")
        w(
            f"  Boîte aux lettres de démonstration (courriels et SMS envoyés) : http://admiville.localhost:{port}/demo/outbox/"
        )
        w(f"  État du service : http://127.0.0.1:{port}/healthz")
        w(f"Comptes (mot de passe {T.DEMO_PASSWORD}) :")
        for email, page in T.LANDINGS.items():
            w(f"  {email:32} → {page.replace(':8000', ':' + port)}")
        w(f"Double authentification des agents : secret TOTP {T.DEMO_TOTP_SECRET} (démo uniquement),")
        w("  à saisir dans une application d'authentification ; code du moment : uv run parvis demo_totp")
        w("")

    def serve(self, addr: str, port: str, smtp_port: int = 2525) -> None:
        # Links in emails and the local API doubles use the port actually served (not only 8000).
        env = {**os.environ, "PARVIS_DEMO": "1", "PARVIS_URL_PORT": str(port)}
        settings.PARVIS_URL_PORT = str(port)
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "parvis", "worker", "--verbosity", "0"], env=env
        )
        self.stdout.write(f"Travailleur de tâches démarré (pid {worker.pid}). Serveur web sur http://{addr}:{port}/")
        smtp = self.start_smtp(smtp_port) if smtp_port else None
        try:
            call_command("runserver", f"{addr}:{port}", use_reloader=False, use_threading=True)
        finally:
            if smtp is not None:
                smtp.stop()
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()

    def start_smtp(self, port: int) -> Any:
        """The inbound-email listener (parvis/inbox/smtp.py) in a thread: mail sent to
        mairie@admiville.localhost on 127.0.0.1:<port> becomes a case (docs/inbox.md)."""
        from parvis.inbox.smtp import start_listener

        try:
            listener = start_listener("127.0.0.1", port)
        except Exception as exc:  # noqa: BLE001 - the demo runs without it (port taken...)
            self.stdout.write(f"Réception des courriels non démarrée sur 127.0.0.1:{port} : {exc}")
            return None
        self.stdout.write(
            f"Réception des courriels : SMTP sur 127.0.0.1:{port}, par exemple vers mairie@admiville.localhost"
        )
        return listener
