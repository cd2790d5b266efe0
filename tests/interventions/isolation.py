"""How to visit every URL of the interventions app (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from parvis.interventions.services import submit_field_report
from parvis.interventions.weeks import current_week
from tests.interventions.helpers import case_of, checked_photo, field_agent, intervention_of, team_of
from tests.isolation import Built, UrlCase

TITLE = "Reboucher le trou propre à la commune A"
TEAM = "Équipe propre à la commune A"


def _intervention_of_a(territory: Any, *, done: bool = False) -> Any:
    lucas = field_agent(territory.commune_a, territory.department_a, email="terrain-isolation@commune-a.test")
    team = team_of(territory.commune_a, territory.department_a, [lucas], name=TEAM)
    case = case_of(territory.commune_a, actor=territory.admin_a, department=territory.department_a, slug="voirie-a")
    intervention = intervention_of(case, actor=territory.agent_a, team=team, week=current_week(), title=TITLE)
    if done:
        submit_field_report(intervention=intervention, time_spent_minutes=30, photo=checked_photo(), actor=lucas)
    return intervention


def _listed(territory: Any) -> Built:
    _intervention_of_a(territory)
    return Built(marker=TITLE)


def _awaiting(territory: Any) -> Built:
    _intervention_of_a(territory, done=True)
    return Built(marker=TITLE)


def _one(territory: Any) -> Built:
    return Built(kwargs={"pk": _intervention_of_a(territory).pk}, marker=TITLE)


def _one_done(territory: Any) -> Built:
    return Built(kwargs={"pk": _intervention_of_a(territory, done=True).pk})


def _one_no_marker(territory: Any) -> Built:
    return Built(kwargs={"pk": _intervention_of_a(territory).pk})


def _team(territory: Any) -> Built:
    team = team_of(territory.commune_a, territory.department_a, [], name=TEAM)
    return Built(kwargs={"pk": team.pk}, marker=TEAM)


def _teams(territory: Any) -> Built:
    team_of(territory.commune_a, territory.department_a, [], name=TEAM)
    return Built(marker=TEAM)


def _case(territory: Any) -> Built:
    case = case_of(territory.commune_a, actor=territory.admin_a, department=territory.department_a, slug="voirie-a")
    return Built(kwargs={"reference": case.reference}, marker=case.reference)


CASES = [
    UrlCase("interventions:plan", "agent", build=_listed),
    UrlCase("interventions:to_validate", "agent", build=_awaiting),
    UrlCase("interventions:teams", "agent", build=_teams, note="back office and administrators"),
    UrlCase("interventions:team_edit", "agent", build=_team),
    UrlCase("interventions:detail", "agent", build=_one),
    UrlCase("interventions:photo", "agent", build=_one_done),
    UrlCase("interventions:create", "agent", build=_case),
    UrlCase("interventions:mine", "agent", note="field agents see their teams': test_views.py"),
    UrlCase("interventions:report", "agent", build=_one, note="team members and supervisors"),
    UrlCase("interventions:plan_one", "agent", build=_one_no_marker, method="post", data={"team": "1"}),
    UrlCase("interventions:start", "agent", build=_one_no_marker, method="post"),
    UrlCase("interventions:validate", "agent", build=_one_done, method="post"),
    UrlCase("interventions:return_to_field", "agent", build=_one_done, method="post", data={"comment": "x"}),
    UrlCase("interventions:cancel", "agent", build=_one_no_marker, method="post", data={"reason": "x"}),
]
