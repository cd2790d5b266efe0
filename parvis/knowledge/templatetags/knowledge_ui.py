"""Article bodies are plain text: blank lines separate paragraphs, lines starting with « - », « * »
or « 1. » make lists, a line starting with « ## » a sub-heading. Everything is escaped: no HTML
typed by an author ever reaches the page."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")


def _kind(line: str) -> str:
    if _BULLET.match(line):
        return "ul"
    if _NUMBERED.match(line):
        return "ol"
    if line.startswith("## "):
        return "h2"
    return "p"


def _block_to_html(lines: list[str]) -> SafeString:
    """Consecutive lines of one kind make one element: a list, a sub-heading or a paragraph."""
    groups: list[tuple[str, list[str]]] = []
    for line in lines:
        kind = _kind(line)
        if groups and groups[-1][0] == kind and kind != "h2":
            groups[-1][1].append(line)
        else:
            groups.append((kind, [line]))
    html = SafeString("")
    for kind, group in groups:
        if kind == "ul":
            html += format_html(
                "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((_BULLET.sub("", g),) for g in group))
            )
        elif kind == "ol":
            items = format_html_join("", "<li>{}</li>", ((_NUMBERED.sub("", g),) for g in group))
            html += format_html("<ol>{}</ol>", items)
        elif kind == "h2":
            html += format_html("<h2>{}</h2>", group[0][3:].strip())
        else:
            paragraph = mark_safe("<br>".join(escape(g) for g in group))  # noqa: S308 - each line escaped
            html += format_html("<p>{}</p>", paragraph)
    return html


@register.filter
def article_body(text: str) -> SafeString:
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    parts = [_block_to_html([line.rstrip() for line in block.split("\n") if line.strip()]) for block in blocks]
    return mark_safe("\n".join(part for part in parts if part))  # noqa: S308 - parts built with format_html


@register.simple_tag
def procedure_articles(organisation: Any, procedure: Any) -> list[Any]:
    """The residents' articles linked to ``procedure`` in ``organisation`` (its public page)."""
    from parvis.knowledge.queries import articles_for_procedure

    if organisation is None or procedure is None:
        return []
    return articles_for_procedure(organisation, procedure.pk)
