"""What the report pages with a map share: the organisation's tiles, allowed by the page's CSP."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpResponse

from parvis.organisations.models import Organisation
from parvis.reports.services import settings_for

# The demo territory's centre when an organisation has not set its own (made-up place in France).
DEFAULT_CENTRE = (45.7640, 4.8357)


def tile_origin(url: str) -> str:
    """``https://{s}.tile.example.org/{z}/{x}/{y}.png`` → ``https://*.tile.example.org`` (for the CSP)."""
    parts = urlsplit(url.replace("{s}", "a"))
    host = parts.netloc
    if "{s}" in url:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def map_context(organisation: Organisation) -> dict[str, Any]:
    conf = settings_for(organisation)
    lat: Any = conf.centre_latitude
    lon: Any = conf.centre_longitude
    if lat is None or lon is None:
        from parvis.reports.models import Street

        street = Street.objects.filter(organisation=organisation).order_by("pk").first()
        lat, lon = (street.latitude, street.longitude) if street else DEFAULT_CENTRE
    return {
        "map_conf": {
            "tiles": conf.tile_url,
            "attribution": conf.tile_attribution,
            "lat": float(lat),
            "lon": float(lon),
            "zoom": conf.zoom,
        }
    }


def with_tiles(response: HttpResponse, organisation: Organisation) -> HttpResponse:
    """Allow the organisation's map tiles (images) on this page only."""
    update = dict(getattr(response, "_csp_update", None) or {})
    current = list(update.get("img-src") or [])
    update["img-src"] = [*current, tile_origin(settings_for(organisation).tile_url)]
    response._csp_update = update  # type: ignore[attr-defined]
    return response
