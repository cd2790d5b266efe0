"""``parvis demo_totp``: print the current second-factor code of the demo agents."""

from typing import Any

from django.core.management.base import BaseCommand

from parvis.accounts.services import totp_code
from parvis.demo.territory import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current TOTP code for the demo agents' secret (demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(totp_code(secret_base32=DEMO_TOTP_SECRET))
