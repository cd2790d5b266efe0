"""``parvis deadline``: one JSON object on stdout; bad input → French message on stderr, no traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

# The console script `uv run parvis` runs: the one installed next to this interpreter.
PARVIS = str(Path(sys.executable).with_name("parvis"))


EXAMPLE_1 = ["--received", "2025-01-15", "--rule", "sva", "--period", "2", "--unit", "months"]


def with_options(**changes: str | None) -> list[str]:
    """Example 1's arguments with some options changed (value) or removed (None)."""
    options = dict(zip(EXAMPLE_1[::2], EXAMPLE_1[1::2], strict=True))
    for name, value in changes.items():
        options.pop(f"--{name.replace('_', '-')}", None)
        if value is not None:
            options[f"--{name.replace('_', '-')}"] = value
    return [part for option, value in options.items() for part in (option, value)]


def run_parvis(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parvis.settings"}
    return subprocess.run([PARVIS, "deadline", *args], capture_output=True, text=True, timeout=60, env=env)


def deadline(*args: str) -> dict:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_line_gives_example_1_as_one_json_object():
    completed = run_parvis(*EXAMPLE_1)
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert data["last_day"] == "2025-03-15" and data["decision_date"] == "2025-03-16"
    assert data["start_date"] == "2025-01-15" and data["rule"] == "sva" and data["calendar"] == "FR"
    assert data["period"] == 2 and data["unit"] == "months"
    assert "Pas de report au jour ouvré suivant : le délai de l'administration n'est pas prorogé." in " ".join(
        data["explanation"]
    )


def test_the_command_line_restarts_after_missing_pieces():
    completed = run_parvis(*EXAMPLE_1, "--incomplete", "2025-02-10:2025-03-05")
    data = json.loads(completed.stdout)
    assert (data["start_date"], data["last_day"], data["decision_date"]) == ("2025-03-05", "2025-05-05", "2025-05-06")


@pytest.mark.parametrize(
    "args,message",
    [
        (with_options(received="2025-02-30"), "Le 30 février 2025 n'existe pas"),
        (with_options(period="-2"), "strictement positif"),
        (with_options(rule="svx"), "Règle de silence inconnue"),
        ([*EXAMPLE_1, "--bogus"], "Option ou argument inconnu : --bogus"),
    ],
)
def test_bad_input_exits_non_zero_with_a_french_message_and_no_traceback(args, message):
    completed = run_parvis(*args)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert message in completed.stderr and completed.stderr.startswith("Erreur : ")
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    "args,message",
    [
        (with_options(period="deux"), "--period : « deux » n'est pas un nombre entier"),
        (with_options(unit="hours"), "--unit : Unité de durée inconnue"),
        (with_options(calendar="XX"), "--calendar : Calendrier des jours fériés inconnu"),
        (with_options(received=None), "Option obligatoire manquante : --received"),
        (with_options(transmitted_from="2025-01-20", received="2025-01-10"), "--transmitted-from : "),
        ([*EXAMPLE_1, "--incomplete", "2025-02-10:2025-02-01"], "--incomplete : Pièces manquantes n° 1"),
        ([*EXAMPLE_1, "--incomplete", "x"], "DEMANDE:RÉCEPTION"),
        (["--received", "2025-01-15", "--period"], "L'option --period attend une valeur"),
    ],
)
def test_other_bad_input_is_a_french_command_error(args, message):
    with pytest.raises(CommandError, match=re.escape(message)) as caught:
        deadline(*args)
    assert caught.value.returncode == 2


@pytest.mark.parametrize(
    "args,last_day,decision_date",
    [
        (with_options(received="2025-12-31"), "2026-02-28", "2026-03-01"),
        (with_options(received="2023-12-31"), "2024-02-29", "2024-03-01"),
        (with_options(received="2025-03-14T23:50"), "2025-05-14", "2025-05-15"),
        (with_options(received="2025-01-31", period="4"), "2025-05-31", "2025-06-01"),
        (with_options(received="2025-11-01"), "2026-01-01", "2026-01-02"),
        (with_options(received="2025-01-20", transmitted_from="2025-01-10"), "2025-03-20", "2025-03-21"),
        (with_options(received="2025-01-20", transmitted_from="2025-01-10", rule="svr"), "2025-03-10", "2025-03-11"),
        (
            [*with_options(received="2025-02-10", rule="svr"), "--incomplete", "2025-02-20:2025-02-25"],
            "2025-04-15",
            "2025-04-16",
        ),
        (with_options(received="2025-05-15", period="30", unit="days"), "2025-06-14", "2025-06-15"),
    ],
)
def test_the_command_gives_the_worked_examples(args, last_day, decision_date):
    data = deadline(*args)
    assert (data["last_day"], data["decision_date"]) == (last_day, decision_date)


def test_pieces_still_missing_print_null_dates():
    data = deadline(*EXAMPLE_1, "--incomplete", "2025-02-10::2025-03-10")
    assert data["last_day"] is None and data["decision_date"] is None and data["waiting_for_pieces"] is True
    assert data["incomplete"] == [{"requested": "2025-02-10", "received": None, "deadline": "2025-03-10"}]
