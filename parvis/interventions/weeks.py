"""ISO weeks as the field teams speak of them: « semaine du 30 novembre » (the Monday)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

MONTHS = [
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
]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def current_week(today: dt.date | None = None) -> dt.date:
    """The Monday of this week (Europe/Paris date by default)."""
    return monday_of(today or timezone.localdate())


def day_label(day: dt.date, *, year: bool = False) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]}" + (f" {day.year}" if year else "")


def week_label(monday: dt.date, *, year: bool = False) -> str:
    """« semaine du 30 novembre » (« du 1er décembre 2026 » with ``year``)."""
    return f"semaine du {day_label(monday, year=year)}"


def parse_week(value: str | None) -> dt.date | None:
    """A week given in a URL (any day of it, ``2026-11-30``, or ISO ``2026-W49``) → its Monday."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        if "W" in value:
            year, week = value.split("-W")
            return dt.date.fromisocalendar(int(year), int(week), 1)
        return monday_of(dt.date.fromisoformat(value))
    except ValueError:
        return None
