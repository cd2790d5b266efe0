"""How to visit every URL of the counter (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from parvis.cases import drafts as draft_services
from parvis.counter.services import file_for_person, start_filing
from tests.counter.helpers import counter_procedure, light_identity
from tests.isolation import Built, UrlCase

NAME = "Isolationa"  # last name of commune A's resident (shown upper-cased)
MARKER = "ISOLATIONA"
DRAFT_MARKER = "Démarche propre à la commune A"


def _person(territory: Any) -> Any:
    return light_identity(territory.commune_a, actor=territory.agent_a, last_name=NAME, email="isolation-a@example.fr")


def _filing(territory: Any, *, filed: bool = False) -> Any:
    procedure = counter_procedure(territory.commune_a, actor=territory.admin_a, slug="isolation-guichet")
    filing = start_filing(
        organisation=territory.commune_a,
        person=_person(territory),
        procedure=procedure,
        channel="counter",
        actor=territory.agent_a,
    )
    draft_services.save_draft_answers(
        draft=filing.draft, page_index=0, answers={"objet": "Objet A"}, actor=territory.agent_a, claim=False
    )
    if filed:
        file_for_person(filing=filing, visitor="self", actor=territory.agent_a)
        filing.refresh_from_db()
    return filing


def _home(territory: Any) -> Built:
    _person(territory)
    return Built(marker=MARKER, query=f"q={NAME}")


def _person_page(territory: Any) -> Built:
    return Built(kwargs={"pk": _person(territory).pk}, marker=MARKER)


def _resume(territory: Any) -> Built:
    procedure = counter_procedure(territory.commune_a, actor=territory.admin_a, slug="isolation-reprise")
    procedure.title = DRAFT_MARKER
    procedure.save(update_fields=["title"])
    draft = draft_services.start_draft(
        organisation=territory.commune_a, procedure=procedure, user=None, session_key="", actor=None
    )
    return Built(marker=DRAFT_MARKER, query=f"code={draft.resume_code}")


def _open(territory: Any) -> Built:
    return Built(kwargs={"pk": _filing(territory).pk}, marker=MARKER)


def _filed(territory: Any) -> Built:
    return Built(kwargs={"pk": _filing(territory, filed=True).pk}, marker=MARKER)


def _filed_pdf(territory: Any) -> Built:
    return Built(kwargs={"pk": _filing(territory, filed=True).pk})


CASES = [
    UrlCase("counter:home", "agent", build=_home),
    UrlCase("counter:person", "agent", build=_person_page),
    UrlCase(
        "counter:person", "agent", build=_person_page, method="post", data={"procedure": "1", "channel": "counter"}
    ),
    UrlCase("counter:resume", "agent", build=_resume),
    UrlCase("counter:resume", "agent", build=_resume, method="post", data={"channel": "counter"}),
    UrlCase("counter:fill", "agent", build=_open),
    UrlCase("counter:fill", "agent", build=_open, method="post", data={"_action": "next", "objet": "Changé"}),
    UrlCase("counter:summary", "agent", build=_open),
    UrlCase("counter:summary", "agent", build=_open, method="post", data={"visitor": "self"}),
    UrlCase("counter:handover", "agent", build=_open),
    UrlCase("counter:handover", "agent", build=_open, method="post", data={"email": "x@example.org"}),
    UrlCase("counter:done", "agent", build=_filed),
    UrlCase("counter:slip", "agent", build=_filed),
    UrlCase("counter:acknowledgment", "agent", build=_filed_pdf),
]
