"""The engine's rules beyond the worked examples, and its French errors."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from parvis.legal.deadlines import Incompleteness, compute_deadline, parse_date, parse_receipt, recourse_deadline
from parvis.legal.errors import (
    InconsistentDatesError,
    InvalidDateError,
    InvalidPeriodError,
    LegalInputError,
    UnknownCalendarError,
    UnknownRuleError,
    UnknownUnitError,
)

D = date.fromisoformat


def sva(**kwargs):
    return compute_deadline(**{"rule": "sva", "period": 2, "unit": "months", **kwargs})


def svr(**kwargs):
    return compute_deadline(**{"rule": "svr", "period": 2, "unit": "months", **kwargs})


def test_days_do_not_count_the_receipt_day():
    result = compute_deadline(received=D("2025-05-15"), rule="sva", period=1, unit="days")
    assert (result.last_day, result.decision_date) == (D("2025-05-16"), D("2025-05-17"))


def test_rule_and_unit_are_read_case_insensitively():
    assert compute_deadline(received=D("2025-01-15"), rule="SVA", period=2, unit="Months").last_day == D("2025-03-15")


def test_an_sva_request_still_missing_a_piece_has_no_date_yet():
    result = sva(received=D("2025-01-15"), incompleteness=[Incompleteness(D("2025-02-10"), None, D("2025-03-10"))])
    assert result.last_day is None and result.decision_date is None and result.start_date is None
    assert result.waiting_for_pieces
    assert any("délai non commencé" in line for line in result.explanation)


def test_sva_restarts_on_the_last_of_several_pieces():
    result = sva(
        received=D("2025-01-15"),
        incompleteness=[
            Incompleteness(D("2025-01-20"), D("2025-01-31")),
            Incompleteness(D("2025-02-05"), D("2025-02-28")),
        ],
    )
    assert result.start_date == D("2025-02-28") and result.last_day == D("2025-04-28")


def test_sva_pieces_arriving_after_the_granted_deadline_still_start_the_delay():
    result = sva(
        received=D("2025-01-15"), incompleteness=[Incompleteness(D("2025-01-20"), D("2025-03-01"), D("2025-02-20"))]
    )
    assert result.last_day == D("2025-05-01")
    assert any("après le délai imparti" in line for line in result.explanation)


def test_a_request_for_pieces_after_the_implicit_acceptance_has_no_effect():
    result = sva(received=D("2025-01-15"), incompleteness=[Incompleteness(D("2025-03-16"), None)])
    assert result.decision_date == D("2025-03-16") and not result.waiting_for_pieces
    assert any("sans effet" in line and "déjà née" in line for line in result.explanation)


def test_a_request_for_pieces_on_the_last_day_still_counts():
    result = sva(received=D("2025-01-15"), incompleteness=[Incompleteness(D("2025-03-15"), D("2025-03-20"))])
    assert result.last_day == D("2025-05-20")


def test_svr_suspension_ends_at_the_granted_deadline_when_pieces_are_not_produced():
    result = svr(received=D("2025-02-10"), incompleteness=[Incompleteness(D("2025-02-20"), None, D("2025-03-07"))])
    assert result.suspended_days == 15 and result.last_day == D("2025-04-25")
    assert result.waiting_for_pieces
    assert any("en supposant que les pièces manquantes ne seront pas produites" in line for line in result.explanation)


def test_svr_suspension_ends_when_pieces_come_before_the_deadline():
    result = svr(
        received=D("2025-02-10"), incompleteness=[Incompleteness(D("2025-02-20"), D("2025-02-25"), D("2025-03-07"))]
    )
    assert result.suspended_days == 5 and not result.waiting_for_pieces


def test_svr_suspension_is_capped_by_the_deadline_when_pieces_come_late():
    result = svr(
        received=D("2025-02-10"), incompleteness=[Incompleteness(D("2025-02-20"), D("2025-03-20"), D("2025-03-07"))]
    )
    assert result.suspended_days == 15


def test_svr_without_pieces_nor_deadline_is_suspended_without_a_date():
    result = svr(received=D("2025-02-10"), incompleteness=[Incompleteness(D("2025-02-20"))])
    assert result.decision_date is None and result.waiting_for_pieces and result.start_date == D("2025-02-10")


def test_overlapping_svr_suspensions_do_not_count_a_day_twice():
    result = svr(
        received=D("2025-02-10"),
        incompleteness=[
            Incompleteness(D("2025-02-20"), D("2025-03-01")),  # 9 days
            Incompleteness(D("2025-02-25"), D("2025-03-05")),  # only 1 → 5 March is new: 4 more days
        ],
    )
    assert result.suspended_days == 13 and result.last_day == D("2025-04-23")


def test_two_separate_svr_suspensions_add_up():
    result = svr(
        received=D("2025-02-10"),
        incompleteness=[
            Incompleteness(D("2025-02-20"), D("2025-02-25")),
            Incompleteness(D("2025-03-10"), D("2025-03-13")),
        ],
    )
    assert result.suspended_days == 8 and result.last_day == D("2025-04-18")


def test_rule_none_without_a_period_computes_nothing():
    result = compute_deadline(received=D("2025-01-15"), rule="none", period=None, unit=None)
    assert result.last_day is None and result.decision_date is None
    assert any("ne vaut ni accord ni rejet" in line for line in result.explanation)


def test_rule_none_with_a_period_gives_an_indicative_target_but_no_decision():
    result = compute_deadline(received=D("2025-01-15"), rule="none", period=1, unit="months")
    assert result.last_day == D("2025-02-15") and result.decision_date is None
    assert any("sans effet juridique" in line for line in result.explanation)


def test_the_result_serialises_to_json_ready_values():
    data = svr(received=D("2025-02-10"), incompleteness=[Incompleteness(D("2025-02-20"), D("2025-02-25"))]).as_dict()
    assert data["last_day"] == "2025-04-15" and data["decision_date"] == "2025-04-16"
    assert data["incomplete"] == [{"requested": "2025-02-20", "received": "2025-02-25", "deadline": None}]
    assert isinstance(data["explanation"], list) and data["rule"] == "svr" and data["calendar"] == "FR"


def test_the_result_is_immutable():
    result = sva(received=D("2025-01-15"))
    with pytest.raises(AttributeError):
        result.last_day = D("2030-01-01")


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,message",
    [
        ("2025-02-30", "Le 30 février 2025 n'existe pas (février 2025 compte 28 jours)."),
        ("2025-02-29", "Le 29 février 2025 n'existe pas"),
        ("2025-13-01", "il n'y a pas de mois 13"),
        ("15/01/2025", "n'est pas une date au format AAAA-MM-JJ"),
        ("", "n'est pas une date au format AAAA-MM-JJ"),
    ],
)
def test_impossible_dates_are_refused_in_french(text, message):
    with pytest.raises(InvalidDateError, match=re.escape(message)) as caught:
        parse_date(text, field="received")
    assert caught.value.field == "received" and isinstance(caught.value, ValueError)


def test_29_february_of_a_leap_year_is_a_date():
    assert parse_date("2024-02-29") == D("2024-02-29")


def test_a_receipt_may_be_a_date_and_time_read_in_paris_time():
    moment = parse_receipt("2025-03-14T23:50")
    assert isinstance(moment, datetime) and moment.utcoffset().total_seconds() == 3600


@pytest.mark.parametrize(
    "kwargs,error,message,field",
    [
        ({"period": 0}, InvalidPeriodError, "strictement positif", "period"),
        ({"period": -2}, InvalidPeriodError, "strictement positif \\(reçu -2\\)", "period"),
        ({"period": True}, InvalidPeriodError, "nombre entier", "period"),
        ({"period": 2.5}, InvalidPeriodError, "nombre entier", "period"),
        ({"period": 121}, InvalidPeriodError, "Durée trop longue", "period"),
        ({"period": None}, InvalidPeriodError, "Indiquez la durée", "period"),
        ({"rule": "silence"}, UnknownRuleError, "Règle de silence inconnue : « silence »", "rule"),
        ({"unit": "hours"}, UnknownUnitError, "Unité de durée inconnue : « hours »", "unit"),
        ({"unit": None}, UnknownUnitError, "Indiquez l'unité", "unit"),
        ({"calendar": "FR-CORSE"}, UnknownCalendarError, "Calendrier des jours fériés inconnu", "calendar"),
        ({"received": datetime(2025, 1, 15, 10)}, InvalidDateError, "sans fuseau horaire", "received"),  # noqa: DTZ001
        ({"received": "2025-01-15"}, InvalidDateError, "Date attendue", "received"),
        (
            {"transmitted_from": D("2025-01-20")},
            InconsistentDatesError,
            "ne peut pas être postérieure",
            "transmitted_from",
        ),
    ],
)
def test_bad_input_raises_a_french_error_naming_the_field(kwargs, error, message, field):
    arguments = {"received": D("2025-01-15"), "rule": "sva", "period": 2, "unit": "months", **kwargs}
    with pytest.raises(error, match=message) as caught:
        compute_deadline(**arguments)
    assert caught.value.field == field and isinstance(caught.value, LegalInputError)


@pytest.mark.parametrize(
    "episode,message,field",
    [
        (
            Incompleteness(D("2025-02-10"), D("2025-02-05")),
            "ne peuvent pas avoir été reçues \\(5 février 2025\\) avant d'avoir été demandées \\(10 février 2025\\)",
            "incomplete_1_received",
        ),
        (
            Incompleteness(D("2025-01-10"), D("2025-02-05")),
            "ne peut pas précéder la réception du dossier",
            "incomplete_1_requested",
        ),
        (
            Incompleteness(D("2025-02-10"), None, D("2025-02-10")),
            "doit finir après la demande",
            "incomplete_1_deadline",
        ),
    ],
)
def test_inconsistent_pieces_are_refused(episode, message, field):
    with pytest.raises(InconsistentDatesError, match=message) as caught:
        sva(received=D("2025-01-15"), incompleteness=[episode])
    assert caught.value.field == field


def test_a_computation_beyond_the_calendar_is_refused_cleanly():
    with pytest.raises(InvalidDateError, match="sort du calendrier"):
        sva(received=D("9999-12-01"))


def test_recourse_refuses_a_strange_number_of_months():
    with pytest.raises(InvalidPeriodError):
        recourse_deadline(D("2025-01-15"), months=0)
