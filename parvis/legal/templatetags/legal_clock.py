"""Template tags for the agents' view of deadlines: ``{% deadline_badge case as badge %}``.

They read the case's own fields only (see ``parvis.legal.clock``): no query per row of a list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from parvis.legal.clock import Badge, deadline_badge, paris_today
from parvis.legal.enums import DeadlineState, PeriodUnit, SilenceRule

register = template.Library()


@register.simple_tag(takes_context=True)
def case_deadline_badge(context: template.Context, case: Any) -> Badge | None:
    """The countdown badge of ``case`` (None when there is nothing to show). "Today" is computed once
    per rendering and kept in the context, so a page of fifty rows agrees on the day."""
    today = _today(context)
    return deadline_badge(case, today) if case is not None else None


@register.simple_tag(takes_context=True)
def case_deadline_badge_html(context: template.Context, case: Any) -> SafeString:
    """The countdown badge of ``case`` as HTML (empty when there is nothing to show), preceded by a
    space. Built in Python rather than by a template: the work queue shows one per row."""
    badge = case_deadline_badge(context, case)
    return badge_html(badge) if badge is not None else SafeString("")


def badge_html(badge: Badge) -> SafeString:
    """The visible text is hidden from screen readers, which read the full sentence instead."""
    day = format_html(' <time datetime="{}">{}</time>', badge.day.isoformat(), badge.day_short) if badge.day else ""
    suffix = format_html(" {}", badge.suffix) if badge.suffix else ""
    return format_html(
        ' <span class="badge status-badge deadline-badge {}" data-deadline-level="{}">'
        '<span aria-hidden="true">{}{}{}</span><span class="visually-hidden">{}</span></span>',
        badge.css,
        badge.level,
        badge.text,
        day,
        suffix,
        badge.sentence,
    )


def _today(context: template.Context) -> dt.date:
    render_context = context.render_context
    if "legal_clock_today" not in render_context:
        render_context["legal_clock_today"] = paris_today()
    today: dt.date = render_context["legal_clock_today"]
    return today


@register.simple_tag
def clock_rule(case: Any) -> str:
    """``Silence vaut accord, 2 mois`` from the settings frozen on the case."""
    legal: dict[str, Any] = getattr(case, "legal", None) or {}
    rule = legal.get("silence_rule") or SilenceRule.NONE
    label = SilenceRule(rule).label if rule in SilenceRule.values else str(rule)
    period = legal.get("period")
    if period:
        unit = legal.get("unit") or PeriodUnit.MONTHS
        unit_label = PeriodUnit(unit).label if unit in PeriodUnit.values else str(unit)
        if period == 1 and unit != PeriodUnit.MONTHS:
            unit_label = unit_label.rstrip("s")
        return f"{label}, délai de {period} {unit_label}"
    return str(label)


@register.filter
def deadline_state_label(state: str) -> str:
    return DeadlineState(state).label if state in DeadlineState.values else state


@register.simple_tag
def case_clock_explanation(case: Any) -> list[str]:
    """The engine's explanation of the case's clock (one query for its requests for pieces; case page only)."""
    from parvis.legal.services import compute_for

    result = compute_for(case)
    return list(result.explanation) if result is not None else []
