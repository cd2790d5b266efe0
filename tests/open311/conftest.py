from __future__ import annotations

from typing import Any

import pytest

from tests.open311.helpers import receives_reports


@pytest.fixture
def category_a(territory: Any) -> Any:
    return receives_reports(territory.commune_a)
