"""What the cases app holds about a person, for the 360° view (contract: parvis.people.overview).

Three kinds: the cases (filed by the person's record or their account), the messages exchanged
with the requester on those cases, and the cases' documents. Cases are those the agent may see:
every case of an organisation where a membership has no department, only the department's (and
the agent's own) cases otherwise, as in the work queue. Three queries whatever the number of cases.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

from parvis.cases.enums import EventKind
from parvis.cases.models import Case, CaseDocument, CaseEvent
from parvis.organisations.models import Organisation
from parvis.people.models import Person
from parvis.people.overview import ITEM_LIMIT, PersonItem, item_url, memberships_for, person_match

MESSAGE_KINDS = (EventKind.MESSAGE_TO_CITIZEN, EventKind.MESSAGE_FROM_CITIZEN)


def _visible(organisations: list[Organisation], request: HttpRequest) -> Q:
    """The cases the agent may see in each organisation (see cases.access.cases_visible_to_member)."""
    scope = Q(pk__in=[])
    for organisation in organisations:
        memberships = memberships_for(request, organisation)
        if not memberships:
            continue
        if any(m.department_id is None for m in memberships):
            scope |= Q(organisation_id=organisation.pk)
        else:
            departments = {m.department_id for m in memberships}
            scope |= Q(organisation_id=organisation.pk) & (
                Q(department_id__in=departments) | Q(assigned_to_id=request.user.pk)
            )
    return scope


def _short(text: str, length: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def person_items(person: Person, *, organisations: list[Organisation], request: HttpRequest) -> list[PersonItem]:
    by_pk = {o.pk: o for o in organisations}
    cases = Case.objects.filter(_visible(organisations, request)).filter(
        person_match(person, organisations, person_field="person", user_field="requester")
    )
    items: list[PersonItem] = []
    for case in (
        cases.select_related("procedure", "department")
        .only(
            "pk",
            "organisation_id",
            "reference",
            "channel",
            "status_label",
            "is_open",
            "submitted_at",
            "procedure__title",
            "department__name",
        )
        .order_by("-submitted_at")[:ITEM_LIMIT]
    ):
        items.append(
            PersonItem(
                kind="case",
                at=case.submitted_at,
                title=f"Demande {case.reference} — {case.procedure.title}",
                organisation=by_pk[case.organisation_id],
                url=item_url(request, by_pk[case.organisation_id], reverse("cases:detail", args=[case.reference])),
                channel=case.channel,
                status=case.status_label if case.is_open else f"{case.status_label} (close)",
                detail=case.department.name if case.department_id and case.department else "",
            )
        )
    case_ids = cases.values("pk")
    events = (
        CaseEvent.objects.filter(case_id__in=case_ids, kind__in=MESSAGE_KINDS)
        .select_related("case")
        .only("pk", "kind", "title", "body", "channel", "created_at", "case__reference", "case__organisation_id")
        .order_by("-created_at")[:ITEM_LIMIT]
    )
    for event in events:
        organisation = by_pk[event.case.organisation_id]
        sent = event.kind == EventKind.MESSAGE_TO_CITIZEN
        direction = "Message à la personne" if sent else "Message de la personne"
        items.append(
            PersonItem(
                kind="message",
                at=event.created_at,
                title=f"{direction} — demande {event.case.reference}",
                organisation=organisation,
                url=item_url(
                    request, organisation, reverse("cases:detail", args=[event.case.reference]) + "#historique"
                ),
                channel=event.channel,
                status="Envoyé" if sent else "Reçu",
                detail=_short(event.body),
            )
        )
    documents = (
        CaseDocument.objects.filter(case_id__in=case_ids)
        .select_related("case")
        .only(
            "pk",
            "name",
            "created_at",
            "visible_to_citizen",
            "issued_by_administration",
            "case__reference",
            "case__organisation_id",
            "case__channel",
        )
        .order_by("-created_at")[:ITEM_LIMIT]
    )
    for document in documents:
        organisation = by_pk[document.case.organisation_id]
        if document.issued_by_administration:
            status = "Délivré par l'administration"
        elif document.visible_to_citizen:
            status = "Pièce du dossier"
        else:
            status = "Document interne"
        items.append(
            PersonItem(
                kind="document",
                at=document.created_at,
                title=f"{document.name} — demande {document.case.reference}",
                organisation=organisation,
                url=item_url(
                    request,
                    organisation,
                    reverse("cases:document", args=[document.case.reference, document.pk]),
                ),
                channel="" if document.issued_by_administration else document.case.channel,
                status=status,
            )
        )
    return items
