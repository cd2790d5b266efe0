from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from parvis.organisations.queries import organisation_for_host


class OrganisationMiddleware:
    """Set ``request.organisation`` from the hostname (None on an unknown host)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = organisation_for_host(request.get_host())  # type: ignore[attr-defined]
        return self.get_response(request)
