"""How to visit every URL of the calls app (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from parvis.calls.services import log_call
from parvis.knowledge.enums import Audience
from tests.calls.helpers import subject
from tests.isolation import Built, UrlCase
from tests.knowledge.helpers import article

CALLER = "Appelante de la commune A"
SUBJECT = "Sujet propre à la commune A"


def _call_of_a(territory: Any) -> Any:
    return log_call(
        organisation=territory.commune_a,
        caller_name=CALLER,
        caller_email="appelante-a@example.org",
        subject=subject(territory.commune_a, SUBJECT),
        actor=territory.agent_a,
    )


def _listed(territory: Any) -> Built:
    _call_of_a(territory)
    return Built(marker=CALLER)


def _stats(territory: Any) -> Built:
    _call_of_a(territory)
    return Built(marker=SUBJECT)


def _call(territory: Any) -> Built:
    return Built(kwargs={"pk": _call_of_a(territory).pk}, marker=CALLER)


def _call_no_marker(territory: Any) -> Built:
    return Built(kwargs={"pk": _call_of_a(territory).pk})


def _caller_search(territory: Any) -> Built:
    from tests.cases.isolation import _citizen_case_of_a

    _citizen_case_of_a(territory)  # the citizen filed a case in A: A's agents find them
    return Built(marker=territory.citizen.email, query=f"caller_search={territory.citizen.email}")


def _suggestions(territory: Any) -> Built:
    article(territory.commune_a, "Consigne lampadaires de la commune A", audience=Audience.AGENTS)
    return Built(marker="Consigne lampadaires", query="subject_other=lampadaires")


def _subject(territory: Any) -> Built:
    return Built(kwargs={"pk": subject(territory.commune_a, SUBJECT).pk})


CASES = [
    UrlCase("calls:log", "agent", build=_listed),
    UrlCase("calls:callers", "agent", build=_caller_search),
    UrlCase("calls:suggestions", "agent", build=_suggestions),
    UrlCase("calls:list", "agent", build=_listed),
    UrlCase("calls:detail", "agent", build=_call),
    UrlCase("calls:to_case", "agent", build=_call_no_marker, method="post", data={"procedure": "1"}),
    UrlCase("calls:attach", "agent", build=_call_no_marker, method="post", data={"reference": "X"}),
    UrlCase("calls:person", "agent", build=_call_no_marker, method="post", data={"person": ""}),
    UrlCase("calls:statistics", "agent", build=_stats, note="elected officials too: test_calls.py"),
    UrlCase("calls:statistics_csv", "agent", build=_stats),
    UrlCase("calls:subjects", "admin", build=_stats),
    UrlCase("calls:subjects_defaults", "admin", method="post"),
    UrlCase("calls:subject_toggle", "admin", build=_subject, method="post"),
]
