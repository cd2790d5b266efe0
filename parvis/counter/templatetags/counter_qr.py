"""{% resume_qr resume_code %}: the QR code of a draft's resume code, for the counter to scan."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from parvis.cases.drafts import normalise_resume_code
from parvis.counter.qr import counter_resume_url, qr_svg

register = template.Library()


@register.simple_tag(takes_context=True)
def resume_qr(context: Any, resume_code: str) -> str:
    request = context.get("request")
    code = normalise_resume_code(resume_code)
    if not code:
        return ""
    url = counter_resume_url(getattr(request, "organisation", None), code)
    return format_html(
        '<figure class="resume-qr">{}<figcaption>{}</figcaption></figure>',
        qr_svg(url, title=f"QR code du code de reprise {resume_code}", scale=3),
        "À montrer à l'accueil de la mairie : l'agent reprend votre brouillon.",
    )
