from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from parvis.accounts.access import agent_required, is_agent, memberships_in, organisation_required, roles_in
from parvis.lib.colours import contrast_ratio
from parvis.organisations.queries import public_organisations


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The citizen portal's home; on an unknown host, the list of the platform's collectivités."""
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        return render(request, "organisations/citizen/chooser.html", {"organisations": public_organisations()})
    return render(
        request,
        "organisations/citizen/home.html",
        {
            "is_agent_here": is_agent(request),
            "communes": list(organisation.communes.all()) if organisation.is_epci else [],
        },
    )


@require_GET
@organisation_required
def legal_notices(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/citizen/legal_notices.html")


@require_GET
@organisation_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/citizen/accessibility.html")


@require_GET
@organisation_required
def personal_data(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/citizen/personal_data.html")


@require_GET
@organisation_required
@cache_control(max_age=300)
def theme_css(request: HttpRequest) -> HttpResponse:
    """The organisation's colours as CSS variables (a stylesheet, so the CSP needs no inline style)."""
    org = request.organisation  # type: ignore[attr-defined]
    contrast = "#ffffff" if contrast_ratio(org.primary_colour, "#ffffff") >= 4.5 else "#000000"
    css = (
        f":root {{ --primary: {org.primary_colour}; --primary-contrast: {contrast}; --accent: {org.accent_colour}; }}\n"
    )
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@require_GET
@agent_required()
def backoffice(request: HttpRequest) -> HttpResponse:
    """The agent's home: their roles here, and what they can open."""
    return render(
        request,
        "organisations/backoffice/home.html",
        {"roles": sorted(roles_in(request)), "memberships": memberships_in(request)},
    )
