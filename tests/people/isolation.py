"""How to visit every URL of the people directory and the 360° view (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from parvis.people.services import create_person
from tests.cases.isolation import _citizen_case_of_a
from tests.isolation import Built, UrlCase

NAME = "Isolationa"
MARKER = "ISOLATIONA"


def _person(territory: Any) -> Any:
    return create_person(
        organisation=territory.commune_a,
        actor=territory.agent_a,
        first_name="Jeanne",
        last_name=NAME,
        email="isolation-a@example.fr",
    )


def _search(territory: Any) -> Built:
    _person(territory)
    return Built(marker=MARKER, query=f"q={NAME}")


def _new(territory: Any) -> Built:
    _person(territory)
    return Built()


def _record(territory: Any) -> Built:
    return Built(kwargs={"pk": _person(territory).pk}, marker=MARKER)


def _record_no_marker(territory: Any) -> Built:
    return Built(kwargs={"pk": _person(territory).pk})


CASES = [
    UrlCase("people:search", "agent", build=_search),
    UrlCase("people:new", "agent", build=_new),
    UrlCase("people:new", "agent", build=_new, method="post", data={"last_name": NAME, "first_name": "Jeanne"}),
    UrlCase("people:edit", "agent", build=_record),
    UrlCase("people:edit", "agent", build=_record_no_marker, method="post", data={"last_name": "Changé"}),
    UrlCase("people:merge", "agent", build=_record),
    UrlCase("people:merge", "agent", build=_record_no_marker, method="post", data={"duplicate": "1", "confirm": "on"}),
    # The 360° view (people/views/overview.py, another part of issue 5): normal behaviour for A's agents.
    UrlCase("people:detail", "agent", build=_record),
    UrlCase(
        "people:for_case",
        "agent",
        build=lambda t: Built(kwargs={"reference": _citizen_case_of_a(t).reference}),
        method="post",
    ),
]
