"""The citizen's recourse delay: two clear months (or N clear days), extended to the next working day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parvis.legal.calendars import is_working_day
from parvis.legal.deadlines import recourse_deadline
from parvis.legal.enums import Calendar
from parvis.legal.errors import InvalidPeriodError, UnknownUnitError

D = date.fromisoformat


@pytest.mark.parametrize(
    "notified,last_day,extended",
    [
        ("2021-01-03", "2021-03-04", False),  # rules.md §3 (jurisconsulte.net): a working Thursday
        ("2025-06-23", "2025-08-25", True),  # implicit rejection born 23 Jun: Sun 24 Aug → Mon 25 Aug
        ("2025-09-10", "2025-11-12", True),  # Tue 11 Nov, Armistice → Wed 12 Nov
        ("2025-12-31", "2026-03-02", True),  # 28 Feb (clamped) + 1 = Sun 1 Mar → Mon 2 Mar (UNCONFIRMED)
        ("2025-03-03", "2025-05-05", True),  # Sun 4 May → Mon 5 May
    ],
)
def test_the_recourse_deadline_is_franc_and_extended_over_non_working_days(notified, last_day, extended):
    result = recourse_deadline(D(notified))
    assert result.last_day == D(last_day) and result.extended is extended


def test_a_saturday_and_sunday_extend_to_monday():
    # 2 months after 12 Feb 2026 is 12 Apr... the franc day Sat 13 Jun 2026 for 12 Apr notifications:
    result = recourse_deadline(D("2026-04-12"))  # 12 Jun + 1 = Sat 13 Jun → Mon 15 Jun
    assert result.nominal_end == D("2026-06-12") and result.last_day == D("2026-06-15")
    assert any("est un samedi" in line and "lundi 15 juin 2026" in line for line in result.explanation)


def test_alsace_moselle_extends_over_26_december():
    # 25 Oct + 2 months = 25 Dec, franc day Fri 26 Dec: a working day, except in Alsace-Moselle.
    assert recourse_deadline(D("2025-10-25")).last_day == D("2025-12-26")
    assert recourse_deadline(D("2025-10-25"), calendar=Calendar.ALSACE_MOSELLE).last_day == D("2025-12-29")


def test_the_recourse_explanation_names_the_holiday():
    result = recourse_deadline(D("2025-09-10"))
    assert any("jour férié (Armistice)" in line for line in result.explanation)
    assert result.explanation[-1] == "Dernier jour pour former un recours : le mercredi 12 novembre 2025."
    assert result.as_dict()["last_day"] == "2025-11-12"


# --- Delays in days (Code électoral L18 III: five days for the RAPO) ----------------------------


@pytest.mark.parametrize(
    "notified,period,last_day,extended",
    [
        ("2025-06-02", 5, "2025-06-10", True),  # Sat 7 Jun; franc Sun 8 Jun; Mon 9 Jun Whit Monday → Tue 10 Jun
        ("2025-06-10", 5, "2025-06-16", False),  # Sun 15 Jun; franc Mon 16 Jun, a working day
        ("2025-06-11", 5, "2025-06-17", False),  # Mon 16 Jun; franc Tue 17 Jun
        ("2025-07-08", 5, "2025-07-15", True),  # Sun 13 Jul; franc Mon 14 Jul (holiday) → Tue 15 Jul
        ("2025-12-30", 1, "2026-01-02", True),  # 31 Dec; franc Thu 1 Jan (holiday) → Fri 2 Jan
    ],
)
def test_a_delay_in_days_is_counted_from_the_day_after_notification_franc_and_extended(
    notified, period, last_day, extended
):
    result = recourse_deadline(D(notified), period=period, unit="days")
    assert result.nominal_end == D(notified) + timedelta(days=period)
    assert result.last_day == D(last_day) and result.extended is extended
    assert result.unit == "days" and result.period == period and result.months is None


def test_the_days_explanation_says_how_the_delay_is_counted():
    result = recourse_deadline(D("2025-06-02"), period=5, unit="days")
    assert result.explanation[1] == "5 jours comptés à partir du lendemain de la notification : 7 juin 2025."
    assert any("Délai franc" in line and "dimanche 8 juin 2025" in line for line in result.explanation)
    assert result.explanation[-1] == "Dernier jour pour former un recours : le mardi 10 juin 2025."
    assert result.as_dict()["unit"] == "days" and result.as_dict()["period"] == 5


def test_a_delay_in_months_can_be_given_as_period_and_unit():
    assert recourse_deadline(D("2025-09-10"), period=2, unit="months") == recourse_deadline(D("2025-09-10"))
    assert recourse_deadline(D("2025-09-10"), months=2).months == 2


@pytest.mark.parametrize(
    "kwargs,error",
    [
        ({"period": 0, "unit": "days"}, InvalidPeriodError),
        ({"period": 366, "unit": "days"}, InvalidPeriodError),
        ({"period": 121, "unit": "months"}, InvalidPeriodError),
        ({"period": 2, "months": 2}, InvalidPeriodError),
        ({"period": 2, "unit": "weeks"}, UnknownUnitError),
    ],
)
def test_a_strange_recourse_delay_is_refused(kwargs, error):
    with pytest.raises(error):
        recourse_deadline(D("2025-01-15"), **kwargs)


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(1, 60),
    st.sampled_from([Calendar.FR, Calendar.ALSACE_MOSELLE, Calendar.REUNION]),
)
def test_a_delay_in_days_ends_on_the_first_working_day_from_the_franc_day(notified, period, calendar):
    result = recourse_deadline(notified, period=period, unit="days", calendar=calendar)
    franc = notified + timedelta(days=period + 1)
    assert is_working_day(result.last_day, calendar) and result.last_day >= franc
    assert all(not is_working_day(franc + timedelta(days=n), calendar) for n in range((result.last_day - franc).days))
