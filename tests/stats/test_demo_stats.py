"""The demo's dashboards have figures as soon as the demo is loaded."""

import pytest

from parvis.demo import services as demo_services
from parvis.stats.models import DailyStat


@pytest.fixture(autouse=True)
def small_history(monkeypatch):
    monkeypatch.setattr(demo_services, "HISTORY_SIZES", {"admiville": 6, "saint-admi": 2, "admi-les-bois": 1})


def test_loading_the_demo_computes_the_daily_figures_of_its_history(db):
    demo_services.load_demo()
    assert DailyStat.objects.filter(organisation__slug="admiville").exists()


def test_the_demo_dashboard_of_admiville_shows_its_other_activity(db):
    from parvis.stats.models import DailyActivity

    demo_services.load_demo()
    families = set(DailyActivity.objects.filter(organisation__slug="admiville").values_list("family", flat=True))
    assert {"channel_use", "letter", "report_received"} <= families
