from __future__ import annotations

import logging

from django.core.cache import cache

from parvis.organisations.models import Hostname, Organisation

_CACHE_VERSION_KEY = "organisations:cache-version"
logger = logging.getLogger(__name__)


def _cache_version() -> int:
    version = cache.get(_CACHE_VERSION_KEY)
    if version is None:
        version = 1
        cache.set(_CACHE_VERSION_KEY, version, None)
    return int(version)


def invalidate_organisation_cache() -> None:
    """Forget every cached hostname → organisation mapping (after a branding or hostname change)."""
    try:
        cache.incr(_CACHE_VERSION_KEY)
    except ValueError:
        cache.set(_CACHE_VERSION_KEY, 2, None)


def organisation_for_host(host: str) -> Organisation | None:
    """The organisation served on this hostname (port ignored), cached for five minutes.

    A cache outage must not take the portal down: the database answers instead.
    """
    hostname = host.split(":", 1)[0].lower().rstrip(".")
    key = None
    try:
        key = f"organisations:host:{_cache_version()}:{hostname}"
        cached = cache.get(key)
        if cached is not None:
            return cached or None
    except Exception:  # noqa: BLE001 - any cache backend error
        logger.warning("Cache unavailable while resolving the organisation", exc_info=True)
    row = Hostname.objects.select_related("organisation", "organisation__parent").filter(hostname=hostname).first()
    organisation = row.organisation if row else None
    if key is not None:
        try:
            cache.set(key, organisation or False, 300)
        except Exception:  # noqa: BLE001
            logger.warning("Cache unavailable while storing the organisation", exc_info=True)
    return organisation


def public_organisations() -> list[Organisation]:
    """Every organisation of the platform with its primary hostname, for the territory chooser."""
    return list(Organisation.objects.select_related("parent").prefetch_related("hostnames"))


def absolute_url(organisation: Organisation | None, path: str) -> str:
    """An absolute link to ``path`` on the organisation's own hostname, for emails and SMS."""
    from django.conf import settings

    host = (organisation.primary_hostname if organisation else None) or "localhost"
    port = settings.PARVIS_URL_PORT
    netloc = f"{host}:{port}" if port and port not in {"80", "443"} else host
    return f"{settings.PARVIS_URL_SCHEME}://{netloc}{path}"
