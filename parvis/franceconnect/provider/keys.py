"""The local provider's signing keys: ES256 (P-256), generated on first use and kept in the database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from joserfc.jwk import ECKey, KeySet

from parvis.franceconnect.models import LocalProviderKey
from parvis.organisations.queries import url_on_host

ALGORITHM = "ES256"


def issuer() -> str:
    """The local provider's issuer, e.g. ``http://localhost:8000/fc-demo/api/v2`` (no trailing slash)."""
    configured = getattr(settings, "PARVIS_FC_LOCAL_ISSUER", "")
    return (configured or url_on_host("localhost", "/fc-demo/api/v2")).rstrip("/")


@transaction.atomic
def signing_key() -> ECKey:
    """The oldest key (created now if there is none)."""
    row = LocalProviderKey.objects.order_by("created_at", "pk").first()
    if row is None:
        key = ECKey.generate_key("P-256", auto_kid=True)
        row = LocalProviderKey.objects.create(kid=str(key.kid), private_jwk=key.as_dict(private=True))
    return ECKey.import_key(row.private_jwk)


def public_jwks() -> dict[str, Any]:
    signing_key()  # a fresh provider publishes its key before signing anything
    keys = []
    for row in LocalProviderKey.objects.order_by("created_at", "pk"):
        public = ECKey.import_key(row.private_jwk).as_dict(private=False)
        keys.append({**public, "use": "sig", "alg": ALGORITHM})
    return {"keys": keys}


def verification_keys() -> KeySet:
    return KeySet.import_key_set(public_jwks())  # type: ignore[arg-type]
