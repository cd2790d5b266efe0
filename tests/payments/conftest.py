from __future__ import annotations

from typing import Any

import pytest

from tests.payments import payfip_double
from tests.payments.helpers import make_regie


@pytest.fixture
def payfip(monkeypatch: pytest.MonkeyPatch) -> payfip_double.FakePayFiP:
    return payfip_double.install(monkeypatch)


@pytest.fixture
def regie_a(territory: Any):
    return make_regie(territory.commune_a)


@pytest.fixture
def dummy_allowed(settings: Any) -> None:
    settings.PARVIS_PAYMENTS_ALLOW_DUMMY = True
