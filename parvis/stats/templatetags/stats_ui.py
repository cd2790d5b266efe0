"""Number formatting of the statistics pages (French: comma as decimal mark, « — » when undefined)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.4567 → « 45,7 % »; None → « — »."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + " %"


@register.filter
def days(value: float | None) -> str:
    """12.5 → « 12,5 j »; None → « — »."""
    if value is None:
        return "—"
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} j"


@register.filter
def bar_width(value: Any, largest: Any) -> str:
    """Width of a bar in a 0–100 SVG view box (at least 0.5 so a non-zero value stays visible)."""
    try:
        value, largest = float(value or 0), float(largest or 0)
    except (TypeError, ValueError):
        return "0"
    if value <= 0 or largest <= 0:
        return "0"
    return f"{max(value / largest * 100, 0.5):.2f}"


@register.filter
def euros(cents: Any) -> str:
    """123450 → « 1 234,50 € » (narrow no-break space between thousands)."""
    try:
        value = int(cents or 0)
    except (TypeError, ValueError):
        return "—"
    text = f"{value / 100:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text} €"


@register.filter
def count_of(row: Any, column: str) -> int:
    """``row.get(column)`` in a template (an activity table's cell)."""
    return int(row.get(column)) if row is not None else 0


@register.filter
def count_ratio(row: Any, columns: str) -> float | None:
    """``row.get(a) / row.get(b)`` for ``columns`` "a,b" (None when b is 0): a rate between two cells of a
    row whose columns may be missing (a filter argument cannot be a missing key)."""
    part, whole = columns.split(",")
    return share(count_of(row, part), count_of(row, whole))


@register.filter
def share(part: Any, whole: Any) -> float | None:
    """part / whole, None when whole is 0 (then « — » through ``percent``)."""
    try:
        return float(part) / float(whole) if whole else None
    except (TypeError, ValueError):
        return None
