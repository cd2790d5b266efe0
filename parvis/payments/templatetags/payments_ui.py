"""Template helpers of payments: amounts in euros, a case's invoices."""

from __future__ import annotations

from typing import Any

from django import template

from parvis.payments.models import Invoice
from parvis.procedures.formengine import format_amount

register = template.Library()


@register.filter
def euros(cents: Any) -> str:
    """1250 → « 12,50 € » (integer cents, never floats)."""
    if cents in (None, ""):
        return ""
    return format_amount(int(cents))


@register.simple_tag
def case_invoices(case: Any) -> list[Invoice]:
    """The invoices issued for a case (its fees), oldest first."""
    if case is None or not getattr(case, "pk", None):
        return []
    return list(Invoice.objects.filter(case=case).order_by("issued_on", "pk"))
