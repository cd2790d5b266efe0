"""Every worked example of rules.md §2 and ds-comparison.md, through the engine."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from parvis.legal.deadlines import PARIS, Incompleteness, compute_deadline

D = date.fromisoformat


def _ep(text: str) -> Incompleteness:
    parts = [D(part) if part else None for part in text.split(":")]
    return Incompleteness(*parts)


# (label, rule, received, period, unit, incomplete, transmitted_from, last_day E, decision_date E+1)
RULES_MD_EXAMPLES = [
    ("1 no weekend shift", "sva", D("2025-01-15"), 2, "months", [], None, "2025-03-15", "2025-03-16"),
    ("2 no 31 February", "sva", D("2025-12-31"), 2, "months", [], None, "2026-02-28", "2026-03-01"),
    ("3 leap year", "sva", D("2023-12-31"), 2, "months", [], None, "2024-02-29", "2024-03-01"),
    ("4", "sva", D("2025-03-31"), 2, "months", [], None, "2025-05-31", "2025-06-01"),
    ("5", "sva", D("2025-04-30"), 2, "months", [], None, "2025-06-30", "2025-07-01"),
    ("6", "sva", D("2025-10-31"), 2, "months", [], None, "2025-12-31", "2026-01-01"),
    ("7 no 29 February 2026", "sva", D("2025-12-29"), 2, "months", [], None, "2026-02-28", "2026-03-01"),
    (
        "8 téléservice at 23:50, the date counts",
        "sva",
        datetime(2025, 3, 14, 23, 50, tzinfo=PARIS),
        2,
        "months",
        [],
        None,
        "2025-05-14",
        "2025-05-15",
    ),
    (
        "9 clock restarts on the last piece",
        "sva",
        D("2025-02-03"),
        2,
        "months",
        ["2025-02-10:2025-03-05"],
        None,
        "2025-05-05",
        "2025-05-06",
    ),
    (
        "10 SVA from the competent one",
        "sva",
        D("2025-01-20"),
        2,
        "months",
        [],
        D("2025-01-10"),
        "2025-03-20",
        "2025-03-21",
    ),
    ("10 SVR from the first one", "svr", D("2025-01-20"), 2, "months", [], D("2025-01-10"), "2025-03-10", "2025-03-11"),
    ("11 four-month SVA", "sva", D("2025-01-31"), 4, "months", [], None, "2025-05-31", "2025-06-01"),
    ("12 no holiday shift", "sva", D("2025-11-01"), 2, "months", [], None, "2026-01-01", "2026-01-02"),
    (
        "13 SVR suspended 5 days",
        "svr",
        D("2025-02-10"),
        2,
        "months",
        ["2025-02-20:2025-02-25"],
        None,
        "2025-04-15",
        "2025-04-16",
    ),
]

# ds-comparison.md: rule 6's counter-example (30 Jul) and §6's month-end table; §2.5's 15 May examples.
DS_EXAMPLES = [
    ("DS 30 Jul: law 1 Oct, DS 30 Sep", "sva", D("2025-07-30"), 2, "months", [], None, "2025-09-30", "2025-10-01"),
    ("DS 30 Jun: law 31 Aug, DS 1 Sep", "sva", D("2025-06-30"), 2, "months", [], None, "2025-08-30", "2025-08-31"),
    ("DS 30 Dec: law 1 Mar, DS 28 Feb", "sva", D("2025-12-30"), 2, "months", [], None, "2026-02-28", "2026-03-01"),
    ("DS 28 Feb + 1 month: law 29 Mar", "sva", D("2025-02-28"), 1, "months", [], None, "2025-03-28", "2025-03-29"),
    ("DS 15 May + 2 months", "sva", D("2025-05-15"), 2, "months", [], None, "2025-07-15", "2025-07-16"),
    ("DS 15 May + 30 days", "sva", D("2025-05-15"), 30, "days", [], None, "2025-06-14", "2025-06-15"),
    ("DS 15 May + 8 weeks", "sva", D("2025-05-15"), 8, "weeks", [], None, "2025-07-10", "2025-07-11"),
]


@pytest.mark.parametrize(
    "rule,received,period,unit,incomplete,transmitted_from,last_day,decision_date",
    [pytest.param(*example[1:], id=example[0]) for example in RULES_MD_EXAMPLES + DS_EXAMPLES],
)
def test_the_engine_gives_the_worked_examples(
    rule, received, period, unit, incomplete, transmitted_from, last_day, decision_date
):
    result = compute_deadline(
        received=received,
        rule=rule,
        period=period,
        unit=unit,
        incompleteness=[_ep(text) for text in incomplete],
        transmitted_from=transmitted_from,
    )
    assert (result.last_day, result.decision_date) == (D(last_day), D(decision_date))


def test_the_weekdays_of_the_rules_table_match_the_computed_days():
    # rules.md gives weekdays: a transcription error in the table above would show here.
    weekdays = {"2025-03-15": 5, "2026-02-28": 5, "2024-02-29": 3, "2025-05-31": 5, "2025-06-30": 0}
    weekdays |= {"2025-12-31": 2, "2025-05-14": 2, "2025-05-05": 0, "2025-03-20": 3, "2025-03-10": 0}
    weekdays |= {"2026-01-01": 3, "2025-04-15": 1}
    for day, weekday in weekdays.items():
        assert D(day).weekday() == weekday, day


def test_a_decision_date_on_a_month_end_differs_from_what_demarches_simplifiees_computes():
    # DS: (R + 1 day) + N months = 30 Sep for R = 30 Jul. The law: E = 30 Sep, decision on 1 Oct.
    result = compute_deadline(received=D("2025-07-30"), rule="sva", period=2, unit="months")
    ds_date = (D("2025-07-30") + timedelta(days=1)).replace(month=9, day=30)
    assert result.decision_date == D("2025-10-01") != ds_date


def test_a_utc_timestamp_after_midnight_in_paris_counts_as_the_next_day():
    # 23:30 UTC on 14 March is 00:30 on 15 March in Paris.
    result = compute_deadline(received=datetime(2025, 3, 14, 23, 30, tzinfo=UTC), rule="sva", period=2, unit="months")
    assert result.received == D("2025-03-15") and result.last_day == D("2025-05-15")
    assert "à 00 h 30 (heure de Paris)" in result.explanation[0]


def test_example_1_is_explained_step_by_step_in_french():
    result = compute_deadline(received=D("2025-01-15"), rule="sva", period=2, unit="months")
    text = "\n".join(result.explanation)
    assert "Demande reçue le mercredi 15 janvier 2025." in text
    assert "2 mois comptés de quantième à quantième à partir du 15 janvier 2025" in text
    assert "fin du délai le samedi 15 mars 2025" in text
    assert "Le 15 mars 2025 est un samedi. Pas de report au jour ouvré suivant" in text
    assert "réputée acceptée" in text and "dimanche 16 mars 2025" in text


def test_example_2_explains_the_end_of_month_rule():
    result = compute_deadline(received=D("2025-12-31"), rule="sva", period=2, unit="months")
    assert "Il n'y a pas de 31 février 2026 : le délai expire le dernier jour du mois, le 28 février 2026." in (
        result.explanation
    )


def test_example_12_names_the_holiday_and_does_not_shift():
    result = compute_deadline(received=D("2025-11-01"), rule="sva", period=2, unit="months")
    assert any("jour férié (Jour de l'an)" in line and "Pas de report" in line for line in result.explanation)
    assert result.decision_date == D("2026-01-02")


def test_example_13_reports_the_suspended_days():
    result = compute_deadline(
        received=D("2025-02-10"), rule="svr", period=2, unit="months", incompleteness=[_ep("2025-02-20:2025-02-25")]
    )
    assert result.suspended_days == 5 and result.start_date == D("2025-02-10")
    assert any("délai suspendu 5 jours" in line for line in result.explanation)
    assert any("réputée rejetée" in line for line in result.explanation)
