from __future__ import annotations

from datetime import date

from django import template

from parvis.legal.calendars import date_fr, long_date_fr

register = template.Library()


@register.filter(name="long_date_fr")
def long_date_fr_filter(value: date | None) -> str:
    """``samedi 15 mars 2025`` (empty for None)."""
    return long_date_fr(value) if value else ""


@register.filter(name="date_fr")
def date_fr_filter(value: date | None) -> str:
    """``1er mars 2026`` (empty for None)."""
    return date_fr(value) if value else ""
