"""What the mail room holds about a person, for the 360° view (contract: parvis.people.overview).

The letters received from the person (their record, or another commune's record of their account)
and the letters written to them from their cases. Two queries.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

from parvis.cases.enums import Channel
from parvis.mailroom.models import Letter, OutgoingLetter
from parvis.mailroom.queries import sees_all_letters
from parvis.mailroom.services import received_at
from parvis.organisations.models import Organisation
from parvis.people.models import Person
from parvis.people.overview import ITEM_LIMIT, PersonItem, item_url, memberships_for, person_match


def _visible(request: HttpRequest, organisations: list[Organisation]) -> Q:
    """Letters the agent may see in each organisation: all of them with a role not limited to a department,
    else those of their departments and those they registered (as ``letters_visible_to_agent``)."""
    q = Q(pk__in=[])
    for organisation in organisations:
        memberships = memberships_for(request, organisation)
        if not memberships:
            continue
        if sees_all_letters(memberships):
            q |= Q(organisation=organisation)
        else:
            departments = {m.department_id for m in memberships}
            q |= Q(organisation=organisation) & (Q(department_id__in=departments) | Q(registered_by=request.user))
    return q


def person_items(person: Person, *, organisations: list[Organisation], request: HttpRequest) -> list[PersonItem]:
    by_pk = {o.pk: o for o in organisations}
    letters = (
        Letter.objects.filter(person_match(person, organisations, person_field="person"))
        .filter(_visible(request, organisations))
        .select_related("case")
        .only("pk", "organisation_id", "number", "received_on", "description", "status", "case__reference")
        .order_by("-received_on", "-pk")[:ITEM_LIMIT]
    )
    items = []
    for letter in letters:
        organisation = by_pk[letter.organisation_id]
        detail = letter.description
        if letter.case_id and letter.case is not None:
            detail = f"Demande {letter.case.reference} — {detail}"
        items.append(
            PersonItem(
                kind="letter",
                at=received_at(letter),
                title=f"Courrier reçu {letter.number}",
                organisation=organisation,
                url=item_url(request, organisation, reverse("mailroom:detail", args=[letter.pk])),
                channel=Channel.MAIL,
                status=letter.get_status_display(),
                detail=" ".join(detail.split())[:200],
            )
        )
    from parvis.cases.access import cases_visible_to_member

    visible_cases = Q(pk__in=[])
    for organisation in organisations:
        memberships = memberships_for(request, organisation)
        if memberships:
            cases = cases_visible_to_member(user=request.user, organisation=organisation, memberships=memberships)
            visible_cases |= Q(case__in=cases.values("pk"))
    outgoing = (
        OutgoingLetter.objects.filter(
            person_match(person, organisations, person_field="case__person", user_field="case__requester")
        )
        .filter(visible_cases)
        .select_related("case")
        .only("pk", "organisation_id", "subject", "created_at", "signatory_name", "case__reference")
        .order_by("-created_at", "-pk")[:ITEM_LIMIT]
    )
    for sent in outgoing:
        organisation = by_pk[sent.organisation_id]
        signed = f" — signé par {sent.signatory_name}" if sent.signatory_name else ""
        items.append(
            PersonItem(
                kind="letter",
                at=sent.created_at,
                title=f"Courrier envoyé — {sent.subject}",
                organisation=organisation,
                url=item_url(request, organisation, reverse("mailroom:outgoing_detail", args=[sent.pk])),
                channel=Channel.MAIL,
                status="Envoyé",
                detail=f"Demande {sent.case.reference}{signed}",
            )
        )
    return items
