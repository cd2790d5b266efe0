"""How to visit every URL of the connectors (see tests/isolation.py). The local API double is only
mounted in demo mode."""

from __future__ import annotations

from typing import Any

from parvis.connectors.enums import LEGAL_BASES, SOURCES, Api, CallStatus
from parvis.connectors.models import ConnectorCall
from tests.isolation import Built, UrlCase

PURPOSE = "Tarif secret de Camille"


def _calls(territory: Any) -> Built:
    ConnectorCall.objects.create(
        organisation=territory.commune_a,
        user=territory.citizen,
        api=Api.QUOTIENT_FAMILIAL,
        status=CallStatus.OK,
        value={"quotient": 732, "month": 10, "year": 2026},
        source=SOURCES[Api.QUOTIENT_FAMILIAL] + " " + PURPOSE,
        legal_basis=LEGAL_BASES[Api.QUOTIENT_FAMILIAL],
        purpose=PURPOSE,
    )
    return Built(marker=PURPOSE)


CASES = [
    UrlCase("connectors:administrations", "citizen", build=_calls, tenant_scoped=False, note="the account's own"),
    UrlCase(
        "connectors:administrations",
        "citizen",
        method="post",
        data={"numero_allocataire": "12", "code_postal": "1"},
        invalid_data=True,
        tenant_scoped=False,
    ),
]
