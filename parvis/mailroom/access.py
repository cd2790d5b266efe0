"""The gates for letters, scans and outgoing letters taken from a URL (404 for another tenant's)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from parvis.mailroom.models import Letter, LetterScan, OutgoingLetter
from parvis.mailroom.queries import MAIL_ROLES, letters_visible_to_agent

__all__ = ["MAIL_ROLES", "get_letter_for_agent", "get_outgoing_for_agent", "get_scan_for_agent"]


def get_letter_for_agent(request: HttpRequest, pk: int) -> Letter:
    """A letter of the current organisation this agent may see (``letters_visible_to_agent``), else 404.

    Views are decorated with ``agent_required(*MAIL_ROLES)``: the role is checked before."""
    if getattr(request, "organisation", None) is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    letter = (
        letters_visible_to_agent(request)
        .select_related("person", "department", "case", "registered_by", "organisation")
        .filter(pk=pk)
        .first()
    )
    if letter is None:
        raise Http404("Courrier introuvable.")
    return letter


def get_scan_for_agent(request: HttpRequest, letter_pk: int, pk: int) -> LetterScan:
    letter = get_letter_for_agent(request, letter_pk)
    scan = LetterScan.objects.filter(letter=letter, pk=pk).first()
    if scan is None:
        raise Http404("Fichier introuvable.")
    return scan


def get_outgoing_for_agent(request: HttpRequest, pk: int) -> OutgoingLetter:
    """An outgoing letter of a case this agent may see (the case's own gate), else 404."""
    from parvis.cases.access import cases_visible_to_agent

    if getattr(request, "organisation", None) is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    outgoing = (
        OutgoingLetter.objects.select_related("case", "document", "signed_by")
        .filter(organisation=request.organisation, pk=pk)  # type: ignore[attr-defined]
        .filter(case__in=cases_visible_to_agent(request))
        .first()
    )
    if outgoing is None:
        raise Http404("Courrier introuvable.")
    return outgoing
