"""The citizen's recourse delay: two clear months, extended to the next working day."""

from __future__ import annotations

from datetime import date

import pytest

from parvis.legal.deadlines import recourse_deadline
from parvis.legal.enums import Calendar

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
