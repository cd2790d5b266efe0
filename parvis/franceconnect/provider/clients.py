"""The local provider's registered clients: the enabled FranceConnect configurations in the local environment.

Registered redirect URIs are the callback (and the logout return) on every hostname served with the
configuration: the organisation's own, plus its communes' when an EPCI shares its configuration.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from django.urls import reverse

from parvis.franceconnect.enums import Environment
from parvis.franceconnect.models import FranceConnectConfig
from parvis.organisations.models import Hostname


def client(client_id: str) -> FranceConnectConfig | None:
    if not client_id:
        return None
    return (
        FranceConnectConfig.objects.select_related("organisation")
        .filter(client_id=client_id, environment=Environment.LOCAL, enabled=True)
        .first()
    )


def authenticate(client_id: str, client_secret: str) -> FranceConnectConfig | None:
    config = client(client_id)
    if config is None or not config.client_secret or not client_secret:
        return None
    if not hmac.compare_digest(config.client_secret.encode(), client_secret.encode()):
        return None
    return config


def _hostnames(config: FranceConnectConfig) -> set[str]:
    organisation_ids = [config.organisation_id]
    if config.shared_with_communes:
        organisation_ids += list(config.organisation.communes.values_list("pk", flat=True))
    return set(Hostname.objects.filter(organisation_id__in=organisation_ids).values_list("hostname", flat=True))


def _registered(config: FranceConnectConfig, uri: str, url_name: str) -> bool:
    parts = urlsplit(uri)
    return (
        parts.scheme in {"http", "https"}
        and parts.path == reverse(url_name)
        and not parts.query
        and not parts.fragment
        and (parts.hostname or "") in _hostnames(config)
    )


def redirect_uri_registered(config: FranceConnectConfig, uri: str) -> bool:
    return _registered(config, uri, "franceconnect:callback")


def post_logout_uri_registered(config: FranceConnectConfig, uri: str) -> bool:
    return _registered(config, uri, "franceconnect:logout_return")
