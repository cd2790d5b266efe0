from __future__ import annotations

from typing import Any

import pytest

from tests.factories import published_procedure


@pytest.fixture
def procedure(territory: Any, admin_a: Any) -> Any:
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a, slug="stats-acte")


@pytest.fixture
def other_procedure(territory: Any, admin_a: Any) -> Any:
    return published_procedure(
        territory.commune_a, actor=admin_a, title="Permis de stationnement", slug="stats-stationnement"
    )
