from __future__ import annotations

from typing import Any

import pytest

from parvis.accounts.enums import Role
from parvis.accounts.models import User
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def admin_b(territory: Any) -> User:
    user = UserFactory(email="admin-b@commune-b.test", first_name="Bérénice")
    MembershipFactory(user=user, organisation=territory.commune_b, role=Role.ADMIN)
    return user


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploaded logos go to a temporary directory, never to the project's data directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
