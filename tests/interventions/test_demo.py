"""The demo examples: Admiville's voirie team with this week's plan, loaded once."""

from __future__ import annotations

from typing import Any

import pytest

from parvis.interventions.demo import TEAM, load_examples
from parvis.interventions.enums import Status
from parvis.interventions.models import Intervention, Team
from parvis.interventions.weeks import current_week
from tests.factories import DepartmentFactory, OrganisationFactory, UserFactory
from tests.interventions.helpers import case_of, field_agent

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_voirie_team_with_a_rolled_over_and_an_awaiting_intervention(citizen: Any) -> None:
    from parvis.accounts.enums import Role
    from tests.factories import MembershipFactory

    admiville = OrganisationFactory(name="Admiville", slug="admiville")
    voirie = DepartmentFactory(organisation=admiville, name="Voirie et propreté", slug="voirie")
    supervisor = UserFactory(email="voirie@admiville.fr")
    MembershipFactory(user=supervisor, organisation=admiville, role=Role.BACK_OFFICE, department=voirie)
    lucas = field_agent(admiville, voirie, email="terrain@admiville.fr")
    for _ in range(5):
        case_of(admiville, actor=None, department=voirie)

    lines = load_examples(organisations={"admiville": admiville}, citizen=citizen)
    assert any(TEAM in line for line in lines)
    team = Team.objects.get(organisation=admiville, name=TEAM)
    assert list(team.members.all()) == [lucas]
    interventions = Intervention.objects.filter(team=team)
    assert interventions.count() == 5
    assert all(i.planned_week == current_week() for i in interventions)
    assert interventions.filter(rollover_count=1).count() == 1
    assert interventions.filter(status=Status.DONE).count() == 1

    assert load_examples(organisations={"admiville": admiville}, citizen=citizen) == []
    assert Intervention.objects.count() == 5
