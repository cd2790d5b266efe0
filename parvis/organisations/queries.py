from __future__ import annotations

from django.core.cache import cache

from parvis.organisations.models import Hostname, Organisation

_CACHE_VERSION_KEY = "organisations:cache-version"


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
    """The organisation served on this hostname (port ignored), cached for five minutes."""
    hostname = host.split(":", 1)[0].lower().rstrip(".")
    key = f"organisations:host:{_cache_version()}:{hostname}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    row = Hostname.objects.select_related("organisation", "organisation__parent").filter(hostname=hostname).first()
    organisation = row.organisation if row else None
    cache.set(key, organisation or False, 300)
    return organisation


def public_organisations() -> list[Organisation]:
    """Every organisation of the platform with its primary hostname, for the territory chooser."""
    return list(Organisation.objects.select_related("parent").prefetch_related("hostnames"))
