"""``{% franceconnect_button %}``: the FranceConnect button group, first on the login and registration pages."""

from __future__ import annotations

from typing import Any

from django import template

from parvis.franceconnect.services import config_for

register = template.Library()


@register.inclusion_tag("franceconnect/button.html", takes_context=True)
def franceconnect_button(context: dict[str, Any], next_url: str = "") -> dict[str, Any]:
    request = context.get("request")
    organisation = getattr(request, "organisation", None)
    return {"available": config_for(organisation) is not None, "next": next_url}
