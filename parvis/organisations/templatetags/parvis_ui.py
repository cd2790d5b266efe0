from __future__ import annotations

from datetime import datetime

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def accessible(field: BoundField) -> SafeString:
    """Render a widget tied to its help text and errors (aria-describedby, aria-invalid)."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    attrs: dict[str, str | bool] = {}
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def time_short(value: datetime | None) -> SafeString:
    """``<time datetime="2026-03-05T10:12:33+01:00">05/03/26 10:12</time>`` in the current time zone:
    what ``<time datetime="{{ value|date:'c' }}">{{ value|date:"d/m/y H:i" }}</time>`` writes, without
    the cost of Django's date formatting (lists show two per row)."""
    if value is None:
        return SafeString('<time datetime=""></time>')
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), local.strftime("%d/%m/%y %H:%M"))


_FEMININE_HEADS = ("Communauté ", "Métropole ", "Métropole")
_VOWELS = "AEIOUYÂÊÎÔÛÀÉÈËÏÜŒaeiouyâêîôûàéèëïüœ"


@register.filter
def de(name: str) -> str:
    """« de » before an organisation's name, as French writes it: d'Admiville, de la Communauté
    d'agglomération…, du Havre, des Mureaux, de Saint-Admi."""
    name = str(name)
    if name.startswith(_FEMININE_HEADS):
        return f"de la {name}"
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name[:1] in _VOWELS:
        return f"d'{name}"
    return f"de {name}"
