"""How to visit every alerts URL (see tests/isolation.py).

Residents' pages are public: the subscription form, and the pages an emailed link opens, where the
signed token is the credential (valid only on its commune's hostname). Agents' pages are for the back
office and administrators of the commune.
"""

from __future__ import annotations

from typing import Any

from parvis.alerts import services
from parvis.alerts.enums import Scope
from tests.alerts.helpers import area, broadcast, subscription
from tests.isolation import Built, UrlCase

TITLE = "Coupure d'eau propre à la commune A"


def _subscription(territory: Any) -> Any:
    return subscription(territory.commune_a, "abonne-a@example.org", scope=Scope.COMMUNE)


def _confirm(territory: Any) -> Built:
    pending = subscription(territory.commune_a, "attente-a@example.org", confirmed=False)
    return Built(kwargs={"token": services.confirm_token(pending)})


def _manage(territory: Any) -> Built:
    return Built(kwargs={"token": services.manage_token(_subscription(territory))})


def _listed(territory: Any) -> Built:
    broadcast(territory.commune_a, territory.agent_a, title=TITLE)
    return Built(marker=TITLE)


def _broadcast(territory: Any) -> Built:
    return Built(kwargs={"pk": broadcast(territory.commune_a, territory.agent_a, title=TITLE).pk}, marker=TITLE)


def _area(territory: Any) -> Built:
    return Built(kwargs={"pk": area(territory.commune_a, "Quartier propre à A").pk}, marker="Quartier propre à A")


def _areas(territory: Any) -> Built:
    area(territory.commune_a, "Quartier propre à A")
    return Built(marker="Quartier propre à A")


CASES = [
    UrlCase("alerts:home", "public"),
    UrlCase("alerts:confirm", "public", build=_confirm, note="the signed token from the email is the credential"),
    UrlCase("alerts:manage", "public", build=_manage, note="the signed token from every message is the credential"),
    UrlCase("alerts:unsubscribe", "public", build=_manage, method="post"),
    UrlCase("alerts:broadcast_list", "agent", build=_listed),
    UrlCase("alerts:broadcast_new", "agent"),
    UrlCase("alerts:broadcast_detail", "agent", build=_broadcast),
    UrlCase("alerts:broadcast_send", "agent", build=_broadcast, method="post"),
    UrlCase("alerts:area_list", "agent", build=_areas),
    UrlCase("alerts:area_edit", "agent", build=_area),
]
