"""How to visit every URL of Mes données and the erasure requests (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from parvis.privacy.services import request_erasure
from tests.isolation import Built, UrlCase

TEXT = "Effacement demandé par Camille dans la commune A"


def _erasure(territory: Any) -> Any:
    return request_erasure(user=territory.citizen, organisation=territory.commune_a, text=TEXT, actor=territory.citizen)


def _listed(territory: Any) -> Built:
    _erasure(territory)
    return Built(marker=TEXT)


def _own_data(territory: Any) -> Built:
    _erasure(territory)
    return Built(marker=territory.citizen.email)


def _one(territory: Any) -> Built:
    return Built(kwargs={"pk": _erasure(territory).pk}, marker=TEXT)


MINE = {"tenant_scoped": False}

CASES = [
    UrlCase("privacy:my_data", "citizen", build=_own_data, note="the account's own data, on any commune", **MINE),
    UrlCase("privacy:export_json", "citizen", build=_own_data, **MINE),
    UrlCase("privacy:export_pdf", "citizen", **MINE),
    UrlCase("privacy:erasure", "citizen", method="post", data={"text": "x"}, **MINE),
    UrlCase(
        "privacy:delete_account",
        "citizen",
        method="post",
        data={"password": "x", "confirm": "on"},
        invalid_data=True,
        note="a wrong password: nobody's account is closed, the form comes back with 400",
        **MINE,
    ),
    UrlCase("privacy:erasure_list", "admin", build=_listed),
    UrlCase("privacy:erasure_detail", "admin", build=_one),
]
