from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def setup(territory: Any) -> dict[str, Any]:
    from tests.reports.factories import setup_reports

    return setup_reports(territory)
