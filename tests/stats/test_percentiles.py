"""Medians and 90th percentiles from the pre-aggregated histogram equal those computed from the cases
(PostgreSQL's percentile_cont; the Python fallback on SQLite)."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from typing import Any

import pytest
from django.db import connection

from parvis.cases.models import Case
from parvis.legal.enums import DeadlineState
from parvis.stats.queries import StatsFilters, dashboard, response_percentiles_from_cases
from parvis.stats.services import paris_midnight, refresh_daily_stats
from tests.stats.helpers import make_case

D = dt.date


@pytest.fixture
def answered(territory: Any, procedure: Any) -> list[int]:
    rng = random.Random(4)
    delays = []
    for _ in range(60):
        received = D(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 120))
        delay = rng.choice([0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89]) + rng.randrange(0, 3)
        closed = received + dt.timedelta(days=delay)
        make_case(procedure, received=received, closed=closed, state=DeadlineState.DECIDED, decided=closed)
        if D(2025, 2, 1) <= closed <= D(2025, 4, 30):
            delays.append(delay)
    make_case(  # implicit decisions are not answers
        procedure, received=D(2025, 2, 1), closed=D(2025, 4, 1), closed_hour=0, state=DeadlineState.IMPLICIT_ACCEPTED
    )
    refresh_daily_stats(start=D(2025, 1, 1), end=D(2025, 12, 31), today=D(2025, 12, 31))
    return delays


def test_histogram_percentiles_equal_the_percentiles_of_the_cases(answered: list[int], territory: Any) -> None:
    filters = StatsFilters(start=D(2025, 2, 1), end=D(2025, 4, 30))
    total = dashboard([territory.commune_a.pk], filters).total
    cases = Case.objects.filter(
        organisation=territory.commune_a,
        closed_at__gte=paris_midnight(D(2025, 2, 1)),
        closed_at__lt=paris_midnight(D(2025, 5, 1)),
    )
    median, p90 = response_percentiles_from_cases(cases)
    assert total.responded == len(answered)
    assert total.median == pytest.approx(median)
    assert total.p90 == pytest.approx(p90)
    assert median == pytest.approx(statistics.median(answered))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="percentile_cont is PostgreSQL's")
def test_postgresql_computes_the_reference_with_percentile_cont(answered: list[int], territory: Any) -> None:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response_percentiles_from_cases(Case.objects.filter(organisation=territory.commune_a))
    assert len(queries.captured_queries) == 1
    assert "percentile_cont(0.5) WITHIN GROUP" in queries.captured_queries[0]["sql"]
