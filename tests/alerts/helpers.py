"""Alerts test helpers: districts of commune A, confirmed subscriptions, a broadcast."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from parvis.alerts.enums import AreaKind, Scope, Target
from parvis.alerts.models import Area, Subscription
from parvis.alerts.queries import street_key
from parvis.alerts.services import create_broadcast

CENTRE = (45.0, 5.0)  # the centre of commune A (tests/reports' square)


def area(organisation: Any, name: str = "Centre-ville", **extra: Any) -> Area:
    values = {"kind": AreaKind.CIRCLE, "centre_latitude": CENTRE[0], "centre_longitude": CENTRE[1], "radius_m": 500}
    values.update(extra)
    return Area.objects.create(organisation=organisation, name=name, **values)


def subscription(organisation: Any, email: str, *, confirmed: bool = True, **extra: Any) -> Subscription:
    values: dict[str, Any] = {"scope": Scope.COMMUNE}
    values.update(extra)
    if values.get("address"):
        values["street_folded"] = street_key(values["address"])
    return Subscription.objects.create(
        organisation=organisation,
        email=email,
        confirmed_at=timezone.now() - dt.timedelta(days=1) if confirmed else None,
        **values,
    )


def broadcast(organisation: Any, actor: Any, **extra: Any) -> Any:
    values: dict[str, Any] = {
        "kind": "water_cut",
        "title": "Coupure d'eau",
        "text": "L'eau sera coupée de 8 h à 12 h.",
        "starts_on": timezone.localdate(),
        "ends_on": None,
        "target": Target.COMMUNE,
    }
    values.update(extra)
    return create_broadcast(organisation=organisation, actor=actor, **values)
