"""Data for the decision parts of the case pages (legal/includes/citizen_clock.html, agent_decision.html).

One query for the documents (decision letter, attestation), one more on the agent page for the
signing capacity: never used in lists.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from parvis.legal.decisions import is_demande, missing_title
from parvis.legal.enums import AcknowledgmentKind, DeadlineState, SilenceRule

register = template.Library()


def _documents(case: Any, *, citizen: bool) -> dict[str, Any]:
    from parvis.legal.models import Acknowledgment

    found = Acknowledgment.objects.filter(
        case=case, kind__in=[AcknowledgmentKind.ATTESTATION, AcknowledgmentKind.DECISION], document__isnull=False
    )
    if citizen:
        found = found.filter(document__visible_to_citizen=True)
    documents: dict[str, Any] = {}
    for acknowledgment in found.select_related("document").order_by("sent_at", "pk"):
        documents.setdefault(acknowledgment.kind, acknowledgment.document)
    return {
        "attestation": documents.get(AcknowledgmentKind.ATTESTATION),
        "letter": documents.get(AcknowledgmentKind.DECISION),
    }


def _common(case: Any) -> dict[str, Any]:
    legal = case.legal or {}
    return {
        "demande": is_demande(case),
        "sva": legal.get("silence_rule") == SilenceRule.SVA,
        "implicit_accepted": case.deadline_state == DeadlineState.IMPLICIT_ACCEPTED,
        "implicit_rejected": case.deadline_state == DeadlineState.IMPLICIT_REJECTED,
        "decided": case.deadline_state == DeadlineState.DECIDED,
        "legal_basis": str(legal.get("legal_basis") or "").strip(),
    }


@register.simple_tag
def citizen_decision(case: Any, tracked: bool = False) -> dict[str, Any]:
    """What the requester's page shows about the decision, and where to ask for the attestation."""
    name = "legal:tracked_attestation" if tracked else "legal:my_attestation"
    return {
        **_common(case),
        **_documents(case, citizen=True),
        "attestation_url": reverse(name, kwargs={"reference": case.reference}),
    }


@register.simple_tag
def agent_decision(case: Any, user: Any) -> dict[str, Any]:
    """What the agent's page shows: decision facts, the attestation, the capacity hint."""
    return {
        **_common(case),
        **_documents(case, citizen=False),
        "attestation_url": reverse("legal:agent_attestation", kwargs={"reference": case.reference}),
        "title_missing": case.is_open and is_demande(case) and missing_title(user=user, organisation=case.organisation),
        "signing_title_url": reverse("legal:signing_title"),
    }
