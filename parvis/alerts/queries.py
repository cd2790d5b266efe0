"""Who an alert reaches: areas, active subscriptions, the recipients of a message, the subscriptions
a new report concerns. Geometry is the reports app's (``parvis.reports.geo``): WGS84 degrees,
polygons as ``[longitude, latitude]`` points.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from parvis.alerts.enums import AreaKind, BroadcastKind, Scope, Target
from parvis.alerts.models import AlertSettings, Area, Broadcast, Subscription
from parvis.lib.text import fold
from parvis.notifications.models import OutboundMessage
from parvis.organisations.models import Organisation
from parvis.reports.geo import haversine_m, point_in_polygon

Number = float | Decimal | int
# A message about a street reaches address subscriptions within this distance of the street's point.
STREET_REACH_M = 150
HOUSE_NUMBER = re.compile(r"^\s*\d{1,4}\s*(bis|ter|quater|[a-d])?\b[\s,]*", re.IGNORECASE)
POSTCODE_CITY = re.compile(r",.*$")
URGENT_KINDS = {BroadcastKind.WATER_CUT, BroadcastKind.WEATHER}


def street_key(address: str) -> str:
    """« 12 bis, Rue de la République, 69990 Admiville » → « rue de la republique » (for matching by text)."""
    without_number = HOUSE_NUMBER.sub("", address or "")
    return " ".join(fold(POSTCODE_CITY.sub("", without_number)).split())


def areas_of(organisation: Organisation, *, active_only: bool = True) -> QuerySet[Area]:
    found = Area.objects.filter(organisation=organisation)
    return found.filter(is_active=True) if active_only else found


def area_contains(area: Area, latitude: Number | None, longitude: Number | None) -> bool:
    if latitude is None or longitude is None:
        return False
    if area.kind == AreaKind.POLYGON:
        return point_in_polygon(latitude, longitude, area.polygon or [])
    if area.centre_latitude is None or area.centre_longitude is None:
        return False
    return haversine_m(latitude, longitude, area.centre_latitude, area.centre_longitude) <= area.radius_m


def active_subscriptions(organisation: Organisation) -> QuerySet[Subscription]:
    return Subscription.objects.filter(
        organisation=organisation, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).select_related("area")


def subscriptions_of_user(organisation: Organisation, user: Any) -> QuerySet[Subscription]:
    if not getattr(user, "is_authenticated", False):
        return Subscription.objects.none()
    return (
        Subscription.objects.filter(organisation=organisation, unsubscribed_at__isnull=True)
        .filter(Q(user=user) | Q(email__iexact=user.email))
        .select_related("area")
    )


def covers_place(
    subscription: Subscription,
    *,
    latitude: Number | None,
    longitude: Number | None,
    address: str = "",
    district: str = "",
) -> bool:
    """Whether something at this place (a report, a street) concerns the subscription's area."""
    if subscription.scope == Scope.COMMUNE:
        return True
    if subscription.scope == Scope.AREA:
        area = subscription.area
        if area is None:
            return False
        if district and fold(district) == fold(area.name):
            return True
        return area_contains(area, latitude, longitude)
    has_point = latitude is not None and longitude is not None
    if has_point and subscription.latitude is not None and subscription.longitude is not None:
        distance = haversine_m(latitude, longitude, subscription.latitude, subscription.longitude)  # type: ignore[arg-type]
        if distance <= subscription.radius_m:
            return True
    key = street_key(address)
    return bool(subscription.street_folded and key and subscription.street_folded == key)


def _covers_area(subscription: Subscription, area: Area) -> bool:
    if subscription.scope == Scope.COMMUNE:
        return True
    if subscription.scope == Scope.AREA:
        return subscription.area_id == area.pk
    return area_contains(area, subscription.latitude, subscription.longitude)


def _covers_street(subscription: Subscription, broadcast: Broadcast) -> bool:
    if subscription.scope == Scope.COMMUNE:
        return True
    key = street_key(broadcast.street)
    lat, lon = broadcast.street_latitude, broadcast.street_longitude
    if subscription.scope == Scope.AREA:
        return subscription.area is not None and area_contains(subscription.area, lat, lon)
    if key and subscription.street_folded == key:
        return True
    if lat is None or lon is None or subscription.latitude is None or subscription.longitude is None:
        return False
    distance = haversine_m(lat, lon, subscription.latitude, subscription.longitude)
    return distance <= subscription.radius_m + STREET_REACH_M


def broadcast_subscriptions(broadcast: Broadcast) -> list[Subscription]:
    """The active subscriptions wanting messages that the broadcast's target reaches, one per email."""
    candidates = active_subscriptions(broadcast.organisation).filter(wants_messages=True).order_by("pk")
    chosen: dict[str, Subscription] = {}
    for subscription in candidates:
        if broadcast.target == Target.AREA:
            reached = broadcast.area is not None and _covers_area(subscription, broadcast.area)
        elif broadcast.target == Target.STREET:
            reached = _covers_street(subscription, broadcast)
        else:
            reached = True
        if reached:
            key = subscription.email.lower()
            # One message per address; an SMS if any of that person's subscriptions asked for SMS.
            if key not in chosen or (subscription.by_sms and subscription.phone and not chosen[key].by_sms):
                chosen[key] = subscription
    return list(chosen.values())


def month_start(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def sms_used_this_month(organisation: Organisation, *, now: dt.datetime | None = None) -> int:
    return OutboundMessage.objects.filter(
        organisation=organisation, channel="sms", event__startswith="alerts.", created_at__gte=month_start(now)
    ).count()


def settings_for(organisation: Organisation) -> AlertSettings:
    found = AlertSettings.objects.filter(organisation=organisation).first()
    return found or AlertSettings(organisation=organisation)


@dataclass(frozen=True)
class Preview:
    """What sending would do, shown to the agent before sending."""

    recipients: int
    emails: int
    sms_wanted: int
    sms_within_budget: int
    sms_budget_left: int

    @property
    def sms_over_budget(self) -> int:
        return self.sms_wanted - self.sms_within_budget


def preview(broadcast: Broadcast) -> Preview:
    subscriptions = broadcast_subscriptions(broadcast)
    emails = len(subscriptions) if broadcast.by_email else 0
    sms_wanted = sum(1 for s in subscriptions if s.by_sms and s.phone) if broadcast.by_sms else 0
    left = max(settings_for(broadcast.organisation).sms_monthly_budget - sms_used_this_month(broadcast.organisation), 0)
    return Preview(
        recipients=len(subscriptions),
        emails=emails,
        sms_wanted=sms_wanted,
        sms_within_budget=min(sms_wanted, left),
        sms_budget_left=left,
    )


def delivery_counts(broadcast: Broadcast) -> dict[str, dict[str, int]]:
    """Per channel: queued to the outbox, sent, failed, waiting, and not sent (over budget, invalid)."""
    counts: dict[str, dict[str, int]] = {}
    for delivery in broadcast.deliveries.select_related("message"):
        row = counts.setdefault(
            delivery.channel, {"total": 0, "sent": 0, "waiting": 0, "failed": 0, "over_budget": 0, "invalid": 0}
        )
        row["total"] += 1
        if delivery.message is None:
            row[delivery.outcome if delivery.outcome in row else "invalid"] += 1
        elif delivery.message.status == "sent":
            row["sent"] += 1
        elif delivery.message.status in {"failed", "cancelled"}:
            row["failed"] += 1
        else:
            row["waiting"] += 1
    return counts


def broadcasts_of(organisation: Organisation) -> QuerySet[Broadcast]:
    return Broadcast.objects.filter(organisation=organisation).select_related("area", "created_by")


def subscription_counts(organisation: Organisation) -> dict[str, int]:
    active = active_subscriptions(organisation)
    return {
        "active": active.count(),
        "sms": active.filter(by_sms=True).exclude(phone="").count(),
        "pending": Subscription.objects.filter(
            organisation=organisation, confirmed_at__isnull=True, unsubscribed_at__isnull=True
        ).count(),
    }


def reports_for_digest(organisation: Organisation, since: dt.datetime, until: dt.datetime) -> list[Any]:
    from parvis.reports.models import Report

    return list(
        Report.objects.filter(organisation=organisation, created_at__gt=since, created_at__lte=until)
        .select_related("category", "case")
        .order_by("created_at", "pk")
    )


def matching_subscriptions(report: Any, subscriptions: Iterable[Subscription]) -> list[Subscription]:
    return [
        s
        for s in subscriptions
        if covers_place(
            s,
            latitude=report.latitude,
            longitude=report.longitude,
            address=report.address,
            district=getattr(report, "district", ""),
        )
    ]
