"""The daily figures, computed on a small known dataset and checked against hand-computed values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from parvis.legal.enums import AcknowledgmentKind, DeadlineState
from parvis.stats.models import DailyResponseTime, DailyStat, OpenSnapshot
from parvis.stats.queries import StatsFilters, dashboard, percentile_cont
from parvis.stats.services import refresh_daily_stats
from tests.stats.helpers import acknowledge, at, make_case, request_pieces

D = dt.date
TODAY = D(2025, 4, 15)
MARCH = StatsFilters(start=D(2025, 3, 1), end=D(2025, 3, 31))


@pytest.fixture
def dataset(territory: Any, procedure: Any, other_procedure: Any) -> dict[str, Any]:
    """Eight cases around March 2025 (see each comment); figures for March computed by hand in the tests."""
    c1 = make_case(  # decided on day 10, within its delay; receipt acknowledged the same day
        procedure, received=D(2025, 3, 3), closed=D(2025, 3, 13), state=DeadlineState.DECIDED,
        last_day=D(2025, 3, 20), decided=D(2025, 3, 13),
    )  # fmt: skip
    acknowledge(c1, at(D(2025, 3, 3), 11))
    c2 = make_case(  # decided late (28 days); pieces requested; receipt acknowledged on the 11th working day
        procedure, received=D(2025, 3, 3), channel="counter", closed=D(2025, 3, 31), state=DeadlineState.DECIDED,
        last_day=D(2025, 3, 20), decided=D(2025, 3, 31),
    )  # fmt: skip
    request_pieces(c2)
    acknowledge(c2, at(D(2025, 3, 18)))  # Mon 3 March + 10 working days = Mon 17 March
    acknowledge(c2, at(D(2025, 3, 4)), kind=AcknowledgmentKind.REGISTRATION)  # not a receipt: ignored
    make_case(  # accepted by silence: closed at 00:00 on the decision day
        procedure, received=D(2025, 3, 10), closed=D(2025, 3, 25), closed_hour=0,
        state=DeadlineState.IMPLICIT_ACCEPTED, last_day=D(2025, 3, 24), decided=D(2025, 3, 25),
    )  # fmt: skip
    c4 = make_case(  # answered the same day, no delay; receipt acknowledged on the 10th working day exactly
        other_procedure, received=D(2025, 3, 12), channel="phone", closed=D(2025, 3, 12), state=DeadlineState.CLOSED,
    )  # fmt: skip
    acknowledge(c4, at(D(2025, 3, 26), 18))
    make_case(  # received in February, decided at 00:30 on 6 March in Paris (still 5 March in UTC): 14 days
        procedure, received=D(2025, 2, 20), closed=D(2025, 3, 6), closed_hour=0, state=DeadlineState.DECIDED,
        last_day=D(2025, 4, 20), decided=D(2025, 3, 6),
    )  # fmt: skip
    make_case(procedure, received=D(2025, 3, 20), state=DeadlineState.RUNNING, last_day=D(2025, 4, 10))  # late
    make_case(procedure, received=D(2025, 1, 2), channel="mail")  # open for 103 days, no delay
    make_case(  # received in March, rejected by silence in April
        procedure, received=D(2025, 3, 28), closed=D(2025, 4, 2), closed_hour=0,
        state=DeadlineState.IMPLICIT_REJECTED, last_day=D(2025, 4, 1), decided=D(2025, 4, 2),
    )  # fmt: skip
    refresh_daily_stats(start=D(2025, 1, 1), end=D(2025, 4, 30), today=TODAY)
    return {"ids": [territory.commune_a.pk]}


def test_march_figures_match_the_hand_computed_values(dataset: dict[str, Any]) -> None:
    total = dashboard(dataset["ids"], MARCH).total
    assert total.received == 6  # cases 1, 2, 3, 4, 6, 8
    assert total.incomplete == 1
    assert total.ack_within == 2  # cases 1 and 4 (the 10th working day counts)
    assert total.closed == 5  # cases 1 to 5
    assert total.decided == 3
    assert (total.with_delay, total.within_delay) == (4, 2)
    assert total.within_delay_rate == 0.5
    assert (total.implicit_accepted, total.implicit_rejected) == (1, 0)
    assert (total.responded, total.response_days) == (4, 10 + 28 + 0 + 14)
    assert total.mean_days == 13
    assert total.median == 12  # 0, 10, 14, 28
    assert total.p90 == pytest.approx(23.8)
    assert (total.open_total, total.late) == (2, 1)


def test_april_counts_the_implicit_rejection(dataset: dict[str, Any]) -> None:
    total = dashboard(dataset["ids"], StatsFilters(start=D(2025, 4, 1), end=D(2025, 4, 30))).total
    assert (total.received, total.closed, total.implicit_rejected, total.responded) == (0, 1, 1, 0)
    assert total.median is None


def test_closure_day_is_the_day_in_paris(dataset: dict[str, Any]) -> None:
    assert DailyStat.objects.filter(day=D(2025, 3, 6), closed=1).exists()
    assert not DailyStat.objects.filter(day=D(2025, 3, 5), closed__gt=0).exists()


def test_figures_by_channel_procedure_and_department(dataset: dict[str, Any], territory: Any, procedure: Any) -> None:
    board = dashboard(dataset["ids"], MARCH)
    by_channel = {f.key: f for f in board.by_channel}
    assert by_channel["web"].received == 4 and by_channel["counter"].received == 1 and by_channel["phone"].received == 1
    assert by_channel["counter"].median == 28
    assert by_channel["mail"].open_total == 1
    by_procedure = {f.label: f for f in board.by_procedure}
    assert by_procedure["Permis de stationnement"].received == 1
    assert by_procedure[procedure.title].received == 5
    by_department = {f.key: f for f in board.by_department}
    assert by_department[territory.department_a.pk].received == 5
    assert by_department[None].label == "Sans service"


def test_filters_narrow_every_figure(dataset: dict[str, Any]) -> None:
    counter = dashboard(dataset["ids"], StatsFilters(start=D(2025, 3, 1), end=D(2025, 3, 31), channel="counter")).total
    assert (counter.received, counter.closed, counter.incomplete, counter.median, counter.open_total) == (
        1,
        1,
        1,
        28,
        0,
    )


def test_backlog_by_age(dataset: dict[str, Any]) -> None:
    backlog = {name: count for name, _, count in dashboard(dataset["ids"], MARCH).backlog}
    assert backlog == {"age_0_7": 0, "age_8_30": 1, "age_31_90": 0, "age_over_90": 1}


def test_refresh_is_idempotent(dataset: dict[str, Any]) -> None:
    def snapshot() -> tuple[list[Any], list[Any], list[Any]]:
        return (
            sorted(
                DailyStat.objects.values_list("day", "procedure_id", "channel", "received", "closed", "response_days")
            ),
            sorted(DailyResponseTime.objects.values_list("day", "channel", "days", "count")),
            sorted(OpenSnapshot.objects.values_list("procedure_id", "channel", "open_total", "late")),
        )

    before = snapshot()
    refresh_daily_stats(start=D(2025, 1, 1), end=D(2025, 4, 30), today=TODAY)
    refresh_daily_stats(start=D(2025, 3, 1), end=D(2025, 3, 31), today=TODAY)
    assert snapshot() == before


def test_refresh_of_one_commune_leaves_the_others(territory: Any, procedure: Any, admin_a: Any) -> None:
    from tests.factories import published_procedure

    procedure_b = published_procedure(territory.commune_b, slug="stats-b")
    make_case(procedure, received=D(2025, 3, 3))
    make_case(procedure_b, received=D(2025, 3, 3))
    refresh_daily_stats(start=D(2025, 3, 1), end=D(2025, 3, 31), today=TODAY)
    make_case(procedure_b, received=D(2025, 3, 4))
    refresh_daily_stats(organisation=territory.commune_a, start=D(2025, 3, 1), end=D(2025, 3, 31), today=TODAY)
    assert dashboard([territory.commune_b.pk], MARCH).total.received == 1  # not refreshed yet
    refresh_daily_stats(organisation=territory.epci, start=D(2025, 3, 1), end=D(2025, 3, 31), today=TODAY)
    assert dashboard([territory.commune_b.pk], MARCH).total.received == 2
    assert dashboard([territory.epci.pk, territory.commune_a.pk, territory.commune_b.pk], MARCH).total.received == 3


def test_percentile_cont_interpolates_like_postgresql() -> None:
    assert percentile_cont([(0, 1), (10, 1), (14, 1), (28, 1)], 0.5) == 12
    assert percentile_cont([(5, 3)], 0.9) == 5
    assert percentile_cont(
        [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (7, 1), (8, 1), (9, 1), (10, 1)], 0.9
    ) == pytest.approx(9.1)
    assert percentile_cont([], 0.5) is None


def test_refresh_rejects_an_inverted_range(db: Any) -> None:
    with pytest.raises(ValueError):
        refresh_daily_stats(start=D(2025, 3, 2), end=D(2025, 3, 1))
