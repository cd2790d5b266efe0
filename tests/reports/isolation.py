"""How to visit every URL of the reports app (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from parvis.reports import services
from parvis.reports.models import ReportSettings
from tests.isolation import Built, UrlCase
from tests.reports.factories import a_report, setup_reports
from tests.reports.helpers import jpeg_with_gps

DESCRIPTION = "Trou signalé dans la commune A"
PUBLIC_TEXT = "Nid de poule publié par la commune A"


def _report_of_a(territory: Any, **extra: Any) -> Any:
    setup = setup_reports(territory)
    # A's agent (department_a) handles potholes in A.
    setup["pothole_a"].department = territory.department_a
    setup["pothole_a"].save()
    return a_report(territory, setup, description=DESCRIPTION, **extra)


def _listed(territory: Any) -> Built:
    _report_of_a(territory)
    return Built(marker=DESCRIPTION[:20])


def _report(territory: Any) -> Built:
    return Built(kwargs={"pk": _report_of_a(territory).pk}, marker="Trou signalé dans la")


def _report_no_marker(territory: Any) -> Built:
    return Built(kwargs={"pk": _report_of_a(territory).pk})


def _repaired_for_requester(territory: Any) -> Built:
    report = _report_of_a(territory, email="", user=territory.citizen, actor=territory.citizen)
    services.mark_repaired(report=report, actor=None)
    return Built(kwargs={"pk": report.pk})


def _photo(territory: Any) -> Built:
    report = _report_of_a(territory, photos=[jpeg_with_gps()])
    return Built(kwargs={"pk": report.photos.get().pk})


def _published(territory: Any, *, photo: bool = False) -> Any:
    ReportSettings.objects.create(organisation=territory.commune_a, public_map=True)
    report = _report_of_a(territory, photos=[jpeg_with_gps()] if photo else [])
    services.moderate_report(
        report=report,
        decision="approved",
        public_description=PUBLIC_TEXT,
        public_photos=[p.pk for p in report.photos.all()],
        actor=None,
    )
    return report


def _public_map(territory: Any) -> Built:
    _published(territory)
    return Built(marker=PUBLIC_TEXT)


def _public_detail(territory: Any) -> Built:
    return Built(kwargs={"pk": _published(territory).pk}, marker=PUBLIC_TEXT)


def _public_photo(territory: Any) -> Built:
    return Built(kwargs={"pk": _published(territory, photo=True).photos.get().pk})


def _follow(territory: Any) -> Built:
    return Built(kwargs={"pk": _report_of_a(territory).pk})


def _follower(territory: Any) -> Built:
    report = _report_of_a(territory)
    return Built(kwargs={"token": services.follower_token(report.followers.get())}, marker="Signalement")


def _follower_photo(territory: Any) -> Built:
    report = _report_of_a(territory)
    services.mark_repaired(report=report, photo=jpeg_with_gps(), actor=None)
    follower = report.followers.get()
    return Built(kwargs={"token": services.follower_token(follower), "pk": report.photos.get().pk})


def _category(territory: Any) -> Built:
    setup = setup_reports(territory)
    return Built(kwargs={"pk": setup["pothole_a"].pk}, marker="nid-de-poule")


def _categories(territory: Any) -> Built:
    setup_reports(territory)
    return Built(marker="Voirie A")


CASES = [
    # Residents
    UrlCase("reports:new", "public", build=_listed),
    UrlCase("reports:done", "public", redirect=True, note="no report in this session: back to the form"),
    UrlCase("reports:addresses", "public", note="street names are public; tests/reports/test_pages.py"),
    UrlCase("reports:follow", "public", build=_follow),
    UrlCase("reports:follow", "public", build=_follow, method="post", data={"email": "voisin@example.org"}),
    UrlCase("reports:follower", "public", build=_follower, note="the emailed token is the key"),
    UrlCase("reports:follower_photo", "public", build=_follower_photo),
    UrlCase(
        "reports:my_feedback",
        "citizen",
        build=_repaired_for_requester,
        method="post",
        data={"action": "confirm"},
    ),
    # Public map (opt-in): only moderated texts
    UrlCase("reports:public_map", "public", build=_public_map),
    UrlCase("reports:public_detail", "public", build=_public_detail),
    UrlCase("reports:public_photo", "public", build=_public_photo),
    # Agents
    UrlCase("reports:backoffice_list", "agent", build=_listed),
    UrlCase("reports:moderation", "agent", build=_listed),
    UrlCase("reports:backoffice_photo", "agent", build=_photo),
    UrlCase("reports:reroute", "agent", build=_report),
    UrlCase("reports:repair", "agent", build=_report_no_marker, method="post", data={"note": "Fait"}),
    UrlCase("reports:merge", "agent", build=_report_no_marker, method="post", data={"into": "X"}),
    UrlCase(
        "reports:moderate",
        "agent",
        build=_report_no_marker,
        method="post",
        data={"decision": "rejected"},
    ),
    # Administrators
    UrlCase("reports:categories", "admin", build=_categories),
    UrlCase("reports:category_edit", "admin", build=_category),
    UrlCase("reports:settings", "admin"),
]


def _followed(territory: Any) -> Built:
    report = _report_of_a(territory)
    services.follow_report(report=report, user=territory.citizen, actor=territory.citizen)
    return Built(marker=report.case.reference)


CASES.append(UrlCase("reports:my_reports", "citizen", build=_followed))
