"""New reports in a subscribed area are told in a digest (periodic job): once, without personal data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from parvis.alerts import services
from parvis.alerts.enums import Scope
from parvis.alerts.models import AlertSettings
from parvis.notifications.models import OutboundMessage
from tests.alerts.helpers import area, subscription
from tests.open311.helpers import REPORTER_EMAIL, REPORTER_NAME, a_report, receives_reports


def test_new_reports_reach_the_subscriptions_whose_area_contains_them_once(territory):
    category = receives_reports(territory.commune_a)
    AlertSettings.objects.create(
        organisation=territory.commune_a, reports_scanned_until=timezone.now() - dt.timedelta(minutes=5)
    )
    near = subscription(
        territory.commune_a,
        "pres@example.org",
        scope=Scope.ADDRESS,
        address="14 rue de la République",
        latitude=Decimal("45.001"),
        longitude=Decimal("5.001"),
        radius_m=300,
    )
    far = subscription(
        territory.commune_a,
        "loin@example.org",
        scope=Scope.ADDRESS,
        address="1 chemin des Vignes",
        latitude=Decimal("45.05"),
        longitude=Decimal("5.05"),
    )
    same_street = subscription(
        territory.commune_a, "rue@example.org", scope=Scope.ADDRESS, address="3 rue de la République"
    )
    district = subscription(
        territory.commune_a, "quartier@example.org", scope=Scope.AREA, area=area(territory.commune_a, "Centre-ville")
    )
    messages_only = subscription(territory.commune_a, "messages@example.org", wants_reports=False)
    report = a_report(territory.commune_a, category, address="12 rue de la République")
    a_report(territory.commune_a, category, latitude=None, longitude=None, address="2 impasse du Moulin")

    assert services.send_report_digests() == 3
    digests = OutboundMessage.objects.filter(event="alerts.digest")
    assert set(digests.values_list("to", flat=True)) == {near.email, same_street.email, district.email}
    body = digests.get(to=near.email).body_text
    assert report.case.reference in body and "Nid de poule" in body and "/alertes/gerer/" in body
    assert REPORTER_NAME not in body and REPORTER_EMAIL not in body
    assert not digests.filter(to__in=[far.email, messages_only.email]).exists()
    assert services.send_report_digests() == 0  # nothing new: nothing sent


def test_reports_filed_before_the_alert_was_confirmed_are_not_told(territory):
    category = receives_reports(territory.commune_a)
    a_report(territory.commune_a, category)
    subscription(territory.commune_a, "nouveau@example.org")  # confirmed "a day ago" by the helper…
    from parvis.alerts.models import Subscription

    Subscription.objects.update(confirmed_at=timezone.now())  # …but really just now
    assert services.send_report_digests() == 0
