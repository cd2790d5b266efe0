"""The person 360° view (/backoffice/personnes/<pk>/): everything about a resident, in one place.

Every case, message, document, call, letter, email, appointment, invoice and report of the person
in the organisations where the agent holds a people role (parvis.people.overview), newest first,
with its channel; filters by kind and channel (GET, without JavaScript). Each view is journaled.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from parvis.accounts.access import agent_required
from parvis.cases.enums import Channel
from parvis.people.access import get_person_for_agent
from parvis.people.overview import KINDS, PersonItem, collect, reachable_organisations, record_person_view

ITEMS_PER_PAGE = 50
CHANNEL_LABELS = dict(Channel.choices)
# One item's kind (the filter says « Appels », an item « Appel »); other kinds show KINDS' label.
KIND_SINGULAR = {
    "case": "Demande",
    "message": "Message",
    "document": "Document",
    "call": "Appel",
    "letter": "Courrier",
    "email": "Courriel reçu",
    "appointment": "Rendez-vous",
    "invoice": "Facture",
    "report": "Signalement",
}


@dataclass(frozen=True)
class Row:
    item: PersonItem

    @property
    def kind_label(self) -> str:
        return KIND_SINGULAR.get(self.item.kind) or KINDS.get(self.item.kind, self.item.kind)

    @property
    def upcoming(self) -> bool:
        """An appointment still to come (it sorts before today's items)."""
        return self.item.at > timezone.now()

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS.get(self.item.channel, self.item.channel)


class OverviewFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Type", required=False)
    channel = forms.ChoiceField(label="Canal", required=False)

    def __init__(self, *args: Any, kinds: Counter[str], channels: Counter[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        total = sum(kinds.values())
        self.fields["kind"].choices = [("", f"Tous ({total})")] + [  # type: ignore[attr-defined]
            (key, f"{label} ({kinds.get(key, 0)})") for key, label in KINDS.items()
        ]
        self.fields["channel"].choices = [("", "Tous")] + [  # type: ignore[attr-defined]
            (key, f"{label} ({channels.get(key, 0)})") for key, label in Channel.choices
        ]


@require_GET
@agent_required()  # the gate answers 404 for another's person, then 403 without a people role
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """As an agent at any desk, I see everything about a resident across the communes and
    departments where I hold a role, newest first, and narrow it by kind or channel."""
    person = get_person_for_agent(request, pk)
    organisations = reachable_organisations(request)
    items = collect(person, organisations=organisations, request=request)
    form = OverviewFilterForm(
        request.GET if ("kind" in request.GET or "channel" in request.GET) else None,
        kinds=Counter(item.kind for item in items),
        channels=Counter(item.channel for item in items if item.channel),
    )
    filters = {"kind": "", "channel": ""}
    status = 200
    if form.is_bound:
        if form.is_valid():
            filters = {"kind": form.cleaned_data["kind"], "channel": form.cleaned_data["channel"]}
        else:
            status = 400
    shown = [
        item
        for item in items
        if (not filters["kind"] or item.kind == filters["kind"])
        and (not filters["channel"] or item.channel == filters["channel"])
    ]
    record_person_view(person, items=shown, filters=filters, request=request)
    page = Paginator([Row(item) for item in shown], ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    shown_organisations = Counter(item.organisation.pk for item in items)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "form": form,
            "page": page,
            "total": len(shown),
            "filtered": any(filters.values()),
            "query": query.urlencode(),
            "several_organisations": len(shown_organisations) > 1 or len(organisations) > 1,
            "organisations": [(o, shown_organisations.get(o.pk, 0)) for o in organisations],
        },
        status=status,
    )
