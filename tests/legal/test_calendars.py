"""Public holidays and working days."""

from __future__ import annotations

from datetime import date

import pytest

from parvis.legal.calendars import (
    add_working_days,
    date_fr,
    holiday_name,
    holidays_in,
    is_working_day,
    long_date_fr,
    next_working_day,
    roll_forward,
)
from parvis.legal.enums import Calendar
from parvis.legal.errors import UnknownCalendarError

D = date.fromisoformat

NATIONAL_2025 = ["2025-01-01", "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29", "2025-06-09"]
NATIONAL_2025 += ["2025-07-14", "2025-08-15", "2025-11-01", "2025-11-11", "2025-12-25"]
NATIONAL_2026 = ["2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25"]
NATIONAL_2026 += ["2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25"]


@pytest.mark.parametrize("year,expected", [(2025, NATIONAL_2025), (2026, NATIONAL_2026)])
def test_metropolitan_france_has_the_eleven_holidays(year, expected):
    assert sorted(holidays_in(year)) == [D(day) for day in expected]


@pytest.mark.parametrize(
    "day,name",
    [
        ("2025-01-01", "Jour de l'an"),
        ("2025-07-14", "Fête nationale"),
        ("2025-04-21", "Lundi de Pâques"),
        ("2025-05-29", "Ascension"),
        ("2025-06-09", "Lundi de Pentecôte"),
        ("2026-04-06", "Lundi de Pâques"),
        ("2026-05-14", "Ascension"),
        ("2026-05-25", "Lundi de Pentecôte"),
    ],
)
def test_movable_and_fixed_holidays_are_named_in_french(day, name):
    assert holiday_name(D(day)) == name
    assert not is_working_day(D(day))


@pytest.mark.parametrize("day", ["2025-04-18", "2026-04-03", "2025-12-26", "2026-12-26"])
def test_alsace_moselle_adds_good_friday_and_26_december(day):
    assert not is_working_day(D(day), Calendar.ALSACE_MOSELLE)
    assert is_working_day(D(day), Calendar.FR) or D(day).weekday() >= 5


def test_alsace_moselle_keeps_the_national_holidays():
    assert set(holidays_in(2025)) < set(holidays_in(2025, Calendar.ALSACE_MOSELLE))


@pytest.mark.parametrize(
    "calendar,day",
    [
        (Calendar.GUADELOUPE, "2025-05-27"),
        (Calendar.MARTINIQUE, "2025-05-22"),
        (Calendar.GUYANE, "2025-06-10"),
        (Calendar.REUNION, "2025-12-20"),
        (Calendar.MAYOTTE, "2026-04-27"),
    ],
)
def test_overseas_calendars_have_their_abolition_of_slavery_day(calendar, day):
    assert holiday_name(D(day), calendar) == "Abolition de l'esclavage"
    assert holiday_name(D(day), Calendar.FR) is None


def test_a_working_day_in_metropolitan_france_is_a_holiday_in_guadeloupe():
    assert is_working_day(D("2025-05-27")) and not is_working_day(D("2025-05-27"), Calendar.GUADELOUPE)


def test_weekends_are_not_working_days():
    assert not is_working_day(D("2025-03-15")) and not is_working_day(D("2025-03-16"))
    assert is_working_day(D("2025-03-17"))


def test_next_working_day_skips_weekends_and_holidays():
    assert next_working_day(D("2025-05-07")) == D("2025-05-09")  # Thursday 8 May
    assert next_working_day(D("2025-12-24"), Calendar.ALSACE_MOSELLE) == D("2025-12-29")
    assert roll_forward(D("2025-08-24")) == D("2025-08-25") and roll_forward(D("2025-08-25")) == D("2025-08-25")


@pytest.mark.parametrize(
    "received,days,calendar,expected",
    [
        # rules.md §1, worked acknowledgment deadlines.
        ("2025-05-02", 1, Calendar.FR, "2025-05-05"),
        ("2025-05-02", 10, Calendar.FR, "2025-05-19"),
        ("2025-12-24", 1, Calendar.FR, "2025-12-26"),
        ("2025-12-24", 10, Calendar.FR, "2026-01-09"),
        ("2025-04-18", 10, Calendar.FR, "2025-05-06"),
        # In Alsace-Moselle 26 December is off too.
        ("2025-12-24", 1, Calendar.ALSACE_MOSELLE, "2025-12-29"),
        ("2025-12-24", 10, Calendar.ALSACE_MOSELLE, "2026-01-12"),
    ],
)
def test_acknowledgment_delays_in_working_days(received, days, calendar, expected):
    assert add_working_days(D(received), days, calendar) == D(expected)


def test_an_unknown_calendar_is_refused_in_french():
    with pytest.raises(UnknownCalendarError, match="Calendrier des jours fériés inconnu : « FR-XX »"):
        is_working_day(D("2025-01-01"), "FR-XX")


def test_every_calendar_choice_is_usable():
    for calendar in Calendar.values:
        assert len(holidays_in(2025, calendar)) >= 11


def test_dates_are_written_the_french_way():
    assert date_fr(D("2026-03-01")) == "1er mars 2026"
    assert long_date_fr(D("2025-03-15")) == "samedi 15 mars 2025"
