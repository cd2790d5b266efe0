"""The demo territory's reports: what Camille meets when she reports the pothole again."""

from __future__ import annotations

import pytest

from parvis.demo import services as demo_services
from parvis.demo import territory as T
from parvis.demo.services import load_demo
from parvis.organisations.models import Organisation
from parvis.reports import queries, services
from parvis.reports.enums import Moderation
from parvis.reports.geocoding import locate
from parvis.reports.models import Boundary, Report, ReportCategory


@pytest.fixture(autouse=True)
def small_history(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(demo_services, "HISTORY_SIZES", {"admiville": 3, "saint-admi": 2, "admi-les-bois": 1})


def test_the_demo_reports_show_camille_a_duplicate_at_12_rue_de_la_republique(db):
    load_demo()
    count = Report.objects.count()
    assert count == 10
    load_demo()  # idempotent
    assert Report.objects.count() == count
    admiville = Organisation.objects.get(slug="admiville")
    assert Boundary.objects.count() == 3
    pothole = ReportCategory.objects.get(organisation=admiville, code="nid-de-poule")
    assert pothole.department.slug == "voirie"
    dumping = ReportCategory.objects.get(code="depot-sauvage")
    assert dumping.competence == "epci" and dumping.department.slug == "collecte-dechets"

    place = locate(admiville, "12 rue de la République")
    assert place is not None and place.district == "Centre-ville"
    nearby = queries.nearby_open_reports(
        organisations=[admiville], category=pothole, latitude=place.latitude, longitude=place.longitude
    )
    assert [n.report.address for n in nearby] == ["12 rue de la République"]
    # The second report of the same pothole was merged into it; its follower moved.
    principal = nearby[0].report
    assert principal.duplicates.count() == 1
    assert principal.followers.filter(email="nadia.benali@example.org").exists()
    # Routing: the dumping goes to the EPCI, the pothole past the border to Saint-Admi.
    assert Report.objects.get(category=dumping).organisation.slug == "val-d-admi"
    assert Report.objects.filter(organisation__slug="saint-admi").count() == 2
    # The public map of Admiville has moderated reports; one repaired report awaits its follower's answer.
    assert services.settings_for(admiville).public_map
    assert queries.public_reports(admiville).count() >= 3
    assert Report.objects.filter(moderation=Moderation.PENDING).exists()
    assert any(services.may_give_feedback(r) for r in Report.objects.filter(repaired_at__isnull=False))
    assert Report.objects.filter(case__requester__email=T.CITIZEN["email"]).exists()
