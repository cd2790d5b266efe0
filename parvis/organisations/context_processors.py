from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from parvis.accounts.access import roles_in
from parvis.accounts.enums import Role

# (url name, label, roles allowed — empty means every agent)
BACKOFFICE_MENU: list[tuple[str, str, set[str]]] = [
    ("organisations:backoffice", "Tableau de bord", set()),
    ("notifications:outbox", "Courriels et SMS envoyés", {Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE}),
    ("audit:journal", "Journal", {Role.ADMIN}),
    ("legal:calculator", "Calcul des délais", set()),
]


def organisation(request: HttpRequest) -> dict[str, Any]:
    org = getattr(request, "organisation", None)
    context: dict[str, Any] = {"organisation": org, "demo_mode": settings.DEMO}
    if org is not None and request.path.startswith("/backoffice/") and request.user.is_authenticated:
        roles = roles_in(request)
        current = request.resolver_match.view_name if request.resolver_match else ""
        context["backoffice_menu"] = [
            {"url": reverse(name), "label": label, "current": name == current}
            for name, label, allowed in BACKOFFICE_MENU
            if roles and (not allowed or roles & allowed)
        ]
    return context
