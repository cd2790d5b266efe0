from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from parvis.accounts.access import roles_in
from parvis.accounts.enums import Role

# (url name, label, roles allowed — empty means every agent)
BACKOFFICE_MENU: list[tuple[str, str, set[str]]] = [
    ("organisations:backoffice", "Tableau de bord", set()),
    ("counter:home", "Accueil – guichet", {Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE}),
    ("people:search", "Personnes", {Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE}),
    ("cases:queue", "Demandes", set()),
    ("reports:backoffice_list", "Signalements", {Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE}),
    ("interventions:plan", "Interventions", {Role.ADMIN, Role.BACK_OFFICE}),
    ("interventions:mine", "Mes interventions", {Role.FIELD}),
    ("mailroom:list", "Courrier", {Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE}),
    ("inbox:tray", "Courriels reçus", {Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE}),
    ("alerts:broadcast_list", "Alertes aux habitants", {Role.ADMIN, Role.BACK_OFFICE}),
    ("appointments:day", "Rendez-vous", set()),
    ("calls:log", "Appels", {Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE}),
    ("calls:statistics", "Statistiques des appels", {Role.ADMIN, Role.ELECTED}),
    ("stats:home", "Statistiques", set()),
    ("knowledge:backoffice_list", "Base de connaissances", set()),
    ("procedures:builder_list", "Démarches", {Role.ADMIN}),
    ("notifications:outbox", "Courriels et SMS envoyés", {Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE}),
    ("notifications:templates", "Modèles de messages", {Role.ADMIN}),
    ("audit:journal", "Journal", {Role.ADMIN}),
    ("privacy:erasure_list", "Demandes RGPD", {Role.ADMIN}),
    ("legal:calculator", "Calcul des délais", set()),
    ("payments:invoice_list", "Factures et paiements", set()),
    ("payments:regie_list", "Régies", {Role.ADMIN}),
    ("organisations:settings", "Collectivité", {Role.ADMIN}),
    ("organisations:department_list", "Services", {Role.ADMIN}),
    ("organisations:agent_list", "Agents et rôles", {Role.ADMIN}),
    ("organisations:communes", "Communes membres", {Role.ADMIN}),
    ("franceconnect:settings", "FranceConnect", {Role.ADMIN}),
]
# Entries shown only on an EPCI's hostname.
EPCI_ONLY_MENU = {"organisations:communes"}


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # a section whose pages are not installed
        return ""


def organisation(request: HttpRequest) -> dict[str, Any]:
    org = getattr(request, "organisation", None)
    context: dict[str, Any] = {"organisation": org, "demo_mode": settings.DEMO}
    if org is not None and request.path.startswith("/backoffice/") and request.user.is_authenticated:
        roles = roles_in(request)
        items = [
            {"url": url, "label": label, "current": False}
            for name, label, allowed in BACKOFFICE_MENU
            if roles and (not allowed or roles & allowed) and (org.is_epci or name not in EPCI_ONLY_MENU)
            for url in [_url(name)]
            if url
        ]
        # The current section is the entry whose address is the longest prefix of this page's.
        matching = [item for item in items if request.path.startswith(str(item["url"]))]
        if matching:
            max(matching, key=lambda item: len(str(item["url"])))["current"] = True
        context["backoffice_menu"] = items
    return context
