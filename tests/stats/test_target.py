"""The organisation's own response-time target (issue 10): set by an administrator, measured on the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from parvis.stats.models import StatsSettings
from parvis.stats.queries import StatsFilters, dashboard
from parvis.stats.services import refresh_daily_stats
from tests.conftest import HOST_A, logged_in
from tests.stats.helpers import make_case

MARCH = StatsFilters(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))


def day(number: int) -> dt.date:
    return dt.date(2026, 3, number)


def test_the_share_of_answers_within_the_communes_own_target_is_computed_by_hand(
    territory: Any, procedure: Any
) -> None:
    for received, closed in ((1, 3), (2, 12), (5, 20), (10, 30)):  # 2, 10, 15 and 20 days
        make_case(procedure, received=day(received), closed=day(closed))
    refresh_daily_stats(organisation=territory.commune_a, start=day(1), end=day(31), today=day(31))
    StatsSettings.objects.filter(organisation=territory.commune_a).update(target_days=15)

    board = dashboard([territory.commune_a.pk], MARCH)

    assert (board.target_days, board.within_target, board.target_base) == (15, 3, 4)  # 2, 10, 15 ≤ 15
    assert board.within_target_rate == 0.75
    # Several organisations together (the EPCI view): no single target applies.
    assert dashboard([territory.commune_a.pk, territory.commune_b.pk], MARCH).target_days is None


def test_an_administrator_sets_the_target_and_bad_input_is_kept(territory: Any, admin_a: Any) -> None:
    client = logged_in(admin_a, HOST_A)
    bad = client.post("/backoffice/statistiques/publication/", {"target_days": "quinze"})
    assert bad.status_code == 400
    assert 'value="quinze"' in bad.content.decode() and "entre 1 et 365" in bad.content.decode()
    assert client.post("/backoffice/statistiques/publication/", {"target_days": "15"}).status_code == 302
    assert StatsSettings.objects.get(organisation=territory.commune_a).target_days == 15
    page = client.get("/backoffice/statistiques/collectivite/").content.decode()
    assert "objectif de la collectivité (15 jours)" in page
    client.post("/backoffice/statistiques/publication/", {"target_days": ""})
    assert StatsSettings.objects.get(organisation=territory.commune_a).target_days is None
