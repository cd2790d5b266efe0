"""The demo's FranceConnect: the EPCI's configuration, shared with its communes, on the local provider."""

from __future__ import annotations

from parvis.franceconnect.enums import Environment
from parvis.franceconnect.models import FranceConnectConfig
from parvis.organisations.models import Organisation

DEMO_CLIENT_ID = "parvis-demo-val-d-admi"
DEMO_CLIENT_SECRET = "secret-de-demonstration-du-fournisseur-local-0123456789abcdef"  # noqa: S105 - demo only


def ensure_demo_franceconnect(epci: Organisation) -> bool:
    """Create the shared local configuration if missing; True if created."""
    if FranceConnectConfig.objects.filter(organisation=epci).exists():
        return False
    config = FranceConnectConfig(
        organisation=epci,
        enabled=True,
        environment=Environment.LOCAL,
        client_id=DEMO_CLIENT_ID,
        shared_with_communes=True,
    )
    config.set_client_secret(DEMO_CLIENT_SECRET)
    config.save()
    return True
