"""Template filters for the recourse route frozen in ``Case.legal`` (see ``parvis.legal.recourse``)."""

from __future__ import annotations

from django import template

from parvis.legal.decisions import aupres as _aupres

register = template.Library()


@register.filter
def aupres(target: str) -> str:
    """« auprès de la commission de contrôle… », « auprès du préfet »."""
    return _aupres(str(target or "").strip())
