"""What the pieces slots of the case pages show (legal/includes/agent_pieces.html, citizen_pieces.html).

Two queries at most per page (the case's requests, the current one's documents); bound forms with
their errors come from the view through the page context (``pieces_request_form``,
``pieces_receipt_form``, ``pieces_cancel_form``; ``pieces_bound`` on the requester's side).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from parvis.legal.enums import PiecesRequestStatus
from parvis.legal.forms_pieces import PiecesCancelForm, PiecesReceiptForm, PiecesRequestForm, piece_form
from parvis.legal.models import PiecesRequest
from parvis.legal.pieces import ACTIVE, INFORMATION, clock_effect, pending_items

register = template.Library()


def _items(pieces_request: PiecesRequest) -> list[dict[str, Any]]:
    return [
        item
        | {
            "is_information": item.get("kind") == INFORMATION,
            "received": bool(item.get("received_at")),
            "received_on": timezone.localdate(dt.datetime.fromisoformat(item["received_at"]))
            if item.get("received_at")
            else None,
        }
        for item in pieces_request.items
    ]


def pieces_transition(transitions: list[Any]) -> Any:
    """The available workflow step that asks for pieces (``request_documents``), if any."""
    return next((t for t in transitions if getattr(t, "requests_documents", False)), None)


@register.simple_tag(takes_context=True)
def agent_pieces_panel(context: template.Context) -> dict[str, Any]:
    case = context["case"]
    requests = list(PiecesRequest.objects.filter(case=case).select_related("requested_by").order_by("-requested_at"))
    active = next((r for r in requests if r.status in ACTIVE), None)
    panel: dict[str, Any] = {
        "requests": [{"request": r, "items": _items(r), "active": r is active} for r in requests],
        "active": active,
        "transition": pieces_transition(context.get("transitions") or []),
        "can_act": bool(context.get("can_act")),
    }
    if not panel["can_act"]:
        return panel
    if active is not None:
        panel["receipt_form"] = context.get("pieces_receipt_form") or PiecesReceiptForm(items=pending_items(active))
        panel["cancel_form"] = context.get("pieces_cancel_form") or PiecesCancelForm()
    elif case.is_open:
        panel["request_form"] = context.get("pieces_request_form") or PiecesRequestForm(
            documents=case.procedure.documents_list
        )
    return panel


@register.simple_tag(takes_context=True)
def citizen_pieces_panel(context: template.Context) -> dict[str, Any]:
    case = context["case"]
    tracked = bool(context.get("tracked"))
    requests = list(PiecesRequest.objects.filter(case=case).exclude(status=PiecesRequestStatus.CANCELLED))
    active = next((r for r in sorted(requests, key=lambda r: r.requested_at, reverse=True) if r.status in ACTIVE), None)
    if active is None:
        return {"active": None, "done": [r for r in requests if r.status == PiecesRequestStatus.COMPLETE]}
    bound = context.get("pieces_bound") or {}
    url_name = "legal:tracked_piece" if tracked else "legal:my_piece"
    rows = []
    for item in _items(active):
        row: dict[str, Any] = {"item": item}
        if not item["received"] and case.is_open:
            row["form"] = bound["form"] if bound.get("key") == item["key"] else piece_form(item)
            row["url"] = reverse(url_name, kwargs={"reference": case.reference, "pk": active.pk, "item": item["key"]})
        rows.append(row)
    return {
        "active": active,
        "rows": rows,
        "missing": sum(1 for row in rows if not row["item"]["received"]),
        "clock_effect": clock_effect(case, active.deadline),
        "expired": active.status == PiecesRequestStatus.EXPIRED,
        "done": [r for r in requests if r.status == PiecesRequestStatus.COMPLETE],
    }
