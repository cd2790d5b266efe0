"""The person 360° view's contract: every app says what it holds about a person.

An app contributes by defining ``parvis/<app>/people.py`` with::

    def person_items(person: Person, *, organisations: list[Organisation], request: HttpRequest) -> list[PersonItem]

returning, newest first, what it holds about ``person`` **in those organisations only** (the
organisations where the agent has a role; ``person.organisation`` is among them). Match on the
``person`` foreign key and, when ``person.user`` is set, on the account too (cases filed online,
appointments booked, invoices). Bound the query (``[:ITEM_LIMIT]``); never one query per row.

``collect`` gathers every app's items, sorts them newest first and logs the view in the journal
(the view does that, through ``record_person_view``).

Helpers for providers (computed once per request, so a provider adds one query, not one per
organisation): ``person_match`` (the ``Q`` matching the person's records and account),
``memberships_for`` (the agent's memberships reaching one organisation, for department scoping),
``item_url`` (a link to an item, on its own organisation's hostname when it is not this one).
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.http import HttpRequest

from parvis.accounts.enums import Role
from parvis.accounts.models import Membership
from parvis.organisations.models import Hostname, Organisation
from parvis.people.access import PEOPLE_ROLES
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


# --- The agent's reach: organisations where they hold a people role, computed once per request ---


@dataclass
class Reach:
    organisations: list[Organisation]
    memberships: dict[int, list[Membership]]  # organisation pk → memberships giving a people role there
    hostnames: dict[int, str]  # organisation pk → primary hostname


def reach(request: HttpRequest) -> Reach:
    """The organisations where the agent holds a role that may see people (PEOPLE_ROLES).

    A membership of an organisation reaches it; an EPCI administrator also reaches the EPCI's
    communes (as ``Membership.objects.reaching`` says). A commune where the agent holds no such
    role is never reached. Three queries, cached on the request.
    """
    cached = request.__dict__.get("_parvis_people_reach")
    if cached is not None:
        return cached
    user = request.user
    memberships = list(
        Membership.objects.filter(user_id=user.pk or 0, role__in=PEOPLE_ROLES).select_related(
            "organisation", "department"
        )
    )
    organisations: dict[int, Organisation] = {}
    by_organisation: dict[int, list[Membership]] = {}
    epci_admin: list[Membership] = []
    for membership in memberships:
        organisations[membership.organisation_id] = membership.organisation
        by_organisation.setdefault(membership.organisation_id, []).append(membership)
        if membership.role == Role.ADMIN and membership.organisation.is_epci:
            epci_admin.append(membership)
    if epci_admin:
        for commune in Organisation.objects.filter(parent_id__in={m.organisation_id for m in epci_admin}):
            organisations.setdefault(commune.pk, commune)
            by_organisation.setdefault(commune.pk, []).extend(
                m for m in epci_admin if m.organisation_id == commune.parent_id
            )
    hostnames: dict[int, str] = {}
    for host in Hostname.objects.filter(organisation_id__in=list(organisations)).order_by("-is_primary", "hostname"):
        hostnames.setdefault(host.organisation_id, host.hostname)
    current = getattr(request, "organisation", None)
    ordered = sorted(organisations.values(), key=lambda o: (current is None or o.pk != current.pk, o.name))
    result = Reach(organisations=ordered, memberships=by_organisation, hostnames=hostnames)
    request.__dict__["_parvis_people_reach"] = result
    return result


def reachable_organisations(request: HttpRequest) -> list[Organisation]:
    """The organisations whose items the 360° view shows to this agent (the current one first)."""
    return reach(request).organisations


def memberships_for(request: HttpRequest, organisation: Organisation) -> list[Membership]:
    """The agent's memberships giving a people role in ``organisation`` (for department scoping)."""
    return reach(request).memberships.get(organisation.pk, [])


def item_url(request: HttpRequest, organisation: Organisation, path: str) -> str:
    """``path`` as is in the current organisation; on the item's own hostname otherwise (an agent of
    several communes opens another commune's case there, where their role applies)."""
    current = getattr(request, "organisation", None)
    if current is not None and organisation.pk == current.pk:
        return path
    from parvis.organisations.queries import url_on_host

    return url_on_host(reach(request).hostnames.get(organisation.pk), path)


def person_match(
    person: Person,
    organisations: list[Organisation],
    *,
    person_field: str | None = "person",
    user_field: str | None = None,
    email_field: str | None = None,
) -> Q:
    """The ``Q`` selecting the rows of a model about ``person`` in ``organisations``.

    - ``person_field``: rows pointing to this record, or to another organisation's record of
      the same account;
    - ``user_field``: rows of the person's account (filed online, booked, invoiced);
    - ``email_field``: rows of the person's organisation whose email is the person's, or the
      account's (appointments booked and invoices issued without an account).
    Always limited to ``organisations``. Evaluates nothing (subqueries only).
    """
    q = Q(pk__in=[])
    if person_field:
        q |= Q(**{person_field: person.pk})
        if person.user_id:
            records = Person.objects.filter(organisation__in=organisations, user_id=person.user_id).values("pk")
            q |= Q(**{f"{person_field}__in": records})
    if user_field and person.user_id:
        q |= Q(**{user_field: person.user_id})
    if email_field:
        emails = {e.strip().lower() for e in (person.email, getattr(person.user, "email", "")) if e and e.strip()}
        for email in sorted(emails):
            q |= Q(**{f"{email_field}__iexact": email, "organisation_id": person.organisation_id})
    return q & Q(organisation__in=organisations)


def record_person_view(
    person: Person,
    *,
    items: list[PersonItem],
    filters: dict[str, str],
    request: HttpRequest,
) -> None:
    """Journal the view of a person's 360° page (PRODUCT §6: every view of personal data).

    One ``person.viewed`` event in the person's organisation, saying which organisations' items
    were shown; and one in each other organisation whose items were shown, so each commune's
    journal tells who saw its residents' data.
    """
    from parvis.audit.services import record_event

    shown: dict[int, Organisation] = {}
    for item in items:
        shown.setdefault(item.organisation.pk, item.organisation)
    summary = {
        "person": person.pk,
        "filters": {k: v for k, v in filters.items() if v},
        "items": len(items),
        "organisations": sorted(shown),
    }
    record_event(
        action="person.viewed",
        actor=request.user,
        organisation=person.organisation,
        obj=person,
        after=summary,
        request=request,
    )
    for organisation in shown.values():
        if organisation.pk != person.organisation_id:
            record_event(
                action="person.viewed",
                actor=request.user,
                organisation=organisation,
                obj=person,
                after={**summary, "viewed_from": person.organisation_id},
                request=request,
            )
