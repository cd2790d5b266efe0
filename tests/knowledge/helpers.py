from __future__ import annotations

from parvis.knowledge.enums import ArticleStatus, Audience
from parvis.knowledge.services import create_article


def article(
    organisation,
    title="Passeport : prendre rendez-vous",
    *,
    body=None,
    audience=Audience.BOTH,
    status=ArticleStatus.PUBLISHED,
    theme="etat-civil",
    actor=None,
    **extra,
):
    return create_article(
        organisation=organisation,
        title=title,
        body=body or f"{title}.\n\n- Premier point\n- Second point",
        theme=theme,
        audience=audience,
        status=status,
        actor=actor,
        **extra,
    )
