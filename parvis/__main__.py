"""The ``parvis`` command: Django's management commands under one name.

``parvis demo``, ``parvis worker``, ``parvis audit verify``, ``parvis migrate``...
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "api-token": "api_token",
    "bench-data": "bench_data",
    "smtp-inbox": "smtp_inbox",
    "stats-refresh": "stats_refresh",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]  # Django command names cannot contain a dash
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("PARVIS_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parvis", *argv[1:]])


if __name__ == "__main__":
    main()
