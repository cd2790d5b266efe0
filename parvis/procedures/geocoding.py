"""Geocoding behind an interface: the address typed by the citizen is always enough.

The form engine only *enriches* an address with coordinates when a geocoder is configured;
nothing depends on it. By default no geocoder runs and no network call is made.
``PARVIS_GEOCODER = "ban"`` (setting or environment variable) enables the Base Adresse
Nationale adapter (https://api-adresse.data.gouv.fr, open data, no personal data beyond the
address itself). Tests use ``FakeGeocoder``.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GeocodedAddress:
    label: str
    street: str
    postcode: str
    city: str
    citycode: str
    lat: float
    lon: float
    score: float


class Geocoder(Protocol):
    def search(self, query: str, *, limit: int = 5) -> list[GeocodedAddress]:
        """Addresses matching a free-text query, best first (empty list when unknown or unavailable)."""
        ...


class NullGeocoder:
    """The default: no geocoding, no network."""

    def search(self, query: str, *, limit: int = 5) -> list[GeocodedAddress]:
        return []


class FakeGeocoder:
    """A test double answering from a fixed list of addresses (matching on the postcode and street)."""

    def __init__(self, addresses: list[GeocodedAddress] | None = None) -> None:
        self.addresses = list(addresses or [])
        self.queries: list[str] = []

    def search(self, query: str, *, limit: int = 5) -> list[GeocodedAddress]:
        from parvis.lib.text import fold

        self.queries.append(query)
        folded = fold(query)
        found = [a for a in self.addresses if a.postcode in folded and fold(a.street) in folded]
        return found[:limit]


class BanGeocoder:
    """The Base Adresse Nationale (api-adresse.data.gouv.fr). Failures give no result, never an error."""

    def __init__(self, base_url: str = "https://api-adresse.data.gouv.fr", timeout: float = 2.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def search(self, query: str, *, limit: int = 5) -> list[GeocodedAddress]:
        url = f"{self.base_url}/search/?" + urllib.parse.urlencode({"q": query[:200], "limit": limit})
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 - fixed https base
                payload = json.load(response)
        except (OSError, ValueError):
            logger.warning("Geocoding unavailable", exc_info=True)
            return []
        results = []
        for feature in payload.get("features", []):
            props = feature.get("properties", {})
            lon, lat = feature.get("geometry", {}).get("coordinates", [None, None])
            if lat is None or lon is None:
                continue
            results.append(
                GeocodedAddress(
                    label=props.get("label", ""),
                    street=props.get("name", ""),
                    postcode=props.get("postcode", ""),
                    city=props.get("city", ""),
                    citycode=props.get("citycode", ""),
                    lat=float(lat),
                    lon=float(lon),
                    score=float(props.get("score", 0)),
                )
            )
        return results


_override: Geocoder | None = None


def get_geocoder() -> Geocoder:
    """The configured geocoder (``PARVIS_GEOCODER``: empty or "none" by default, or "ban")."""
    if _override is not None:
        return _override
    name = getattr(settings, "PARVIS_GEOCODER", None) or os.environ.get("PARVIS_GEOCODER", "")
    if name == "ban":
        return BanGeocoder(getattr(settings, "PARVIS_GEOCODER_URL", "https://api-adresse.data.gouv.fr"))
    return NullGeocoder()


def use_geocoder(geocoder: Geocoder | None) -> None:
    """Replace the configured geocoder (tests, or a deployment wiring its own); ``None`` restores it."""
    global _override
    _override = geocoder
