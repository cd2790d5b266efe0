"""The acknowledgments of a case for its pages (one query, documents joined)."""

from __future__ import annotations

from typing import Any

from django import template

from parvis.legal.enums import AcknowledgmentKind
from parvis.legal.models import Acknowledgment

register = template.Library()


@register.simple_tag
def acknowledgments_of(case: Any) -> dict[str, Any]:
    """``{"items": [...], "receipt": the latest accusé de réception with a PDF or None}``."""
    items = list(Acknowledgment.objects.filter(case=case).select_related("document").order_by("sent_at", "pk"))
    receipts = [a for a in items if a.kind == AcknowledgmentKind.RECEIPT and a.document is not None]
    return {"items": items, "receipt": receipts[-1] if receipts else None}
