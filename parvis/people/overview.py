"""The person 360° view's contract: every app says what it holds about a person.

An app contributes by defining ``parvis/<app>/people.py`` with::

    def person_items(person: Person, *, organisations: list[Organisation], request: HttpRequest) -> list[PersonItem]

returning, newest first, what it holds about ``person`` **in those organisations only** (the
organisations where the agent has a role; ``person.organisation`` is among them). Match on the
``person`` foreign key and, when ``person.user`` is set, on the account too (cases filed online,
appointments booked, invoices). Bound the query (``[:ITEM_LIMIT]``); never one query per row.

``collect`` gathers every app's items, sorts them newest first and logs the view in the journal
(the view does that, through ``record_person_view``).
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.http import HttpRequest

from parvis.organisations.models import Organisation
from parvis.people.models import Person

ITEM_LIMIT = 200

# kind → French label for the filter (apps add theirs with ``KINDS.setdefault`` at import).
KINDS: dict[str, str] = {
    "case": "Demandes",
    "message": "Messages",
    "document": "Documents",
    "call": "Appels",
    "letter": "Courriers",
    "email": "Courriels reçus",
    "appointment": "Rendez-vous",
    "invoice": "Factures",
    "report": "Signalements",
}


@dataclass(frozen=True)
class PersonItem:
    kind: str  # a key of KINDS
    at: dt.datetime  # aware datetime; the sort key
    title: str  # one line, French, e.g. "Demande ADM-2026-000123 — Acte de naissance"
    organisation: Organisation
    url: str = ""  # back-office page of the item, when the agent may open it
    channel: str = ""  # a cases.enums.Channel value when the item has one
    status: str = ""  # short French status ("En cours", "Payée", "Honoré"...)
    detail: str = ""  # optional second line
    extra: dict[str, str] = field(default_factory=dict)


def providers() -> list:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("parvis."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.people")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.people":
                raise
            continue
        if hasattr(module, "person_items"):
            found.append(module.person_items)
    return found


def collect(person: Person, *, organisations: list[Organisation], request: HttpRequest) -> list[PersonItem]:
    items: list[PersonItem] = []
    for provider in providers():
        items.extend(provider(person, organisations=organisations, request=request))
    items.sort(key=lambda item: item.at, reverse=True)
    return items
