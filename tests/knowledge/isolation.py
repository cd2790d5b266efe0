"""How to visit every URL of the knowledge app (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from parvis.knowledge.enums import Audience
from tests.isolation import Built, UrlCase
from tests.knowledge.helpers import article

MARKER = "Réponse réservée à la commune A"
AGENT_MARKER = "Consigne interne de la commune A"


def _public_article(territory: Any) -> Built:
    created = article(territory.commune_a, MARKER, slug="reponse-a")
    return Built(kwargs={"slug": created.slug}, marker=MARKER)


def _listed(territory: Any) -> Built:
    article(territory.commune_a, MARKER)
    article(territory.commune_a, AGENT_MARKER, audience=Audience.AGENTS)
    return Built(marker=MARKER)


def _agent_article(territory: Any) -> Built:
    created = article(territory.commune_a, AGENT_MARKER, audience=Audience.AGENTS)
    return Built(kwargs={"pk": created.pk}, marker=AGENT_MARKER)


def _agent_article_no_marker(territory: Any) -> Built:
    created = article(territory.commune_a, AGENT_MARKER, audience=Audience.AGENTS)
    return Built(kwargs={"pk": created.pk})


CASES = [
    UrlCase("knowledge:home", "public", build=_listed, note="agents-only articles never listed: test_sharing.py"),
    UrlCase("knowledge:article", "public", build=_public_article),
    UrlCase("knowledge:backoffice_list", "agent", build=_listed),
    UrlCase("knowledge:backoffice_detail", "agent", build=_agent_article),
    UrlCase("knowledge:backoffice_new", "admin"),
    UrlCase("knowledge:backoffice_edit", "admin", build=_agent_article),
    UrlCase("knowledge:backoffice_delete", "admin", build=_agent_article_no_marker, method="post"),
    UrlCase(
        "knowledge:backoffice_hide",
        "admin",
        build=_agent_article_no_marker,
        method="post",
        data={"hidden": "on"},
        note="hiding an EPCI article from a commune: test_sharing.py",
    ),
]
