from typing import Any

from parvis.organisations.queries import invalidate_organisation_cache


def organisation_changed(sender: Any, **kwargs: Any) -> None:
    # Cache invalidation only: the hostname → organisation map must not serve stale branding.
    invalidate_organisation_cache()
