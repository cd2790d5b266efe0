"""The « Interventions » block of an agent's case page (cases/backoffice/detail.html)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("interventions/includes/case_interventions.html", takes_context=True)
def case_interventions(context: Any, case: Any) -> dict[str, Any]:
    """The case's interventions this agent may see, and « Créer une intervention » for the service
    (administrators and back office; not for read-only roles). One query."""
    from parvis.interventions.access import interventions_visible_to_agent, is_supervisor
    from parvis.interventions.queries import interventions_of_case

    request = context.get("request")
    if request is None or getattr(request, "organisation", None) is None:
        return {"show": False}
    return {
        "show": True,
        "case": case,
        "interventions": interventions_of_case(interventions_visible_to_agent(request), case),
        "can_create": bool(context.get("can_act", True)) and is_supervisor(request),
    }
