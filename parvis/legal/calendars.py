"""French public-holiday calendars and working days ("jours ouvrés").

A working day is Monday to Friday, minus the public holidays of the organisation's calendar
(rules.md §1): the eleven national holidays everywhere; Alsace-Moselle adds Good Friday and
26 December; overseas territories add the commemoration of the abolition of slavery (and, in some,
other local days). The holiday lists come from the ``holidays`` package (France and its
subdivisions), in French.

Used for the acknowledgment delays (1 and 10 jours ouvrés, R112-11-2) and for the end of the
citizen's recourse delay. Never for the administration's decision delay, which is not extended.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from parvis.legal.enums import Calendar
from parvis.legal.errors import UnknownCalendarError

# Our calendar code → the ``holidays`` package's France subdivision (None: metropolitan France).
SUBDIVISIONS: dict[str, str | None] = {
    Calendar.FR: None,
    Calendar.ALSACE_MOSELLE: "57",  # same list as "6AE" (Alsace): Good Friday, 26 December
    Calendar.GUADELOUPE: "971",
    Calendar.MARTINIQUE: "972",
    Calendar.GUYANE: "973",
    Calendar.REUNION: "974",
    Calendar.MAYOTTE: "976",
    Calendar.SAINT_PIERRE_ET_MIQUELON: "PM",
    Calendar.SAINT_BARTHELEMY: "BL",
    Calendar.SAINT_MARTIN: "MF",
}

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def check_calendar(calendar: str) -> str:
    """Return the calendar code if known, else raise a French error."""
    if calendar not in SUBDIVISIONS:
        known = ", ".join(SUBDIVISIONS)
        raise UnknownCalendarError(
            f"Calendrier des jours fériés inconnu : « {calendar} ». Calendriers possibles : {known}.",
            field="calendar",
        )
    return str(calendar)


@lru_cache(maxsize=4096)
def _holidays(calendar: str, year: int) -> dict[date, str]:
    entries = holidays.France(subdiv=SUBDIVISIONS[calendar], years=year, language="fr")
    return dict(entries.items())


def holidays_in(year: int, calendar: str = Calendar.FR) -> dict[date, str]:
    """The public holidays of ``year`` in ``calendar``: date → French name."""
    return dict(_holidays(check_calendar(calendar), year))


def holiday_name(day: date, calendar: str = Calendar.FR) -> str | None:
    """The French name of the public holiday on ``day``, or None."""
    return _holidays(check_calendar(calendar), day.year).get(day)


def is_working_day(day: date, calendar: str = Calendar.FR) -> bool:
    """Monday to Friday and not a public holiday of ``calendar``."""
    return day.weekday() < 5 and holiday_name(day, calendar) is None


def next_working_day(day: date, calendar: str = Calendar.FR) -> date:
    """The first working day strictly after ``day``."""
    check_calendar(calendar)
    day += timedelta(days=1)
    while not is_working_day(day, calendar):
        day += timedelta(days=1)
    return day


def roll_forward(day: date, calendar: str = Calendar.FR) -> date:
    """``day`` itself if it is a working day, else the next working day (CPC 642 extension)."""
    return day if is_working_day(day, calendar) else next_working_day(day, calendar)


def add_working_days(day: date, count: int, calendar: str = Calendar.FR) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself is not counted).

    rules.md §1: received Fri 2 May 2025 → 1 working day: Mon 5 May; 10 working days: Mon 19 May.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    for _ in range(count):
        day = next_working_day(day, calendar)
    return day


def non_working_reason(day: date, calendar: str = Calendar.FR) -> str | None:
    """Why ``day`` is not a working day, in French ("un samedi", "un jour férié (Noël)"), or None."""
    name = holiday_name(day, calendar)
    if name:
        return f"un jour férié ({name})"
    if day.weekday() >= 5:
        return f"un {WEEKDAYS_FR[day.weekday()]}"
    return None


def date_fr(day: date) -> str:
    """``15 janvier 2025``, ``1er mars 2026``."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS_FR[day.month - 1]} {day.year}"


def long_date_fr(day: date) -> str:
    """``samedi 15 mars 2025``."""
    return f"{WEEKDAYS_FR[day.weekday()]} {date_fr(day)}"
