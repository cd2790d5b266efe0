"""Personas and a two-commune territory, shared by every test.

The territory: an EPCI with two communes, A and B, each with a department.
Personas: a citizen, an agent (back office) and an administrator of A, an agent of B,
and the EPCI administrator.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from parvis.accounts.enums import Role
from parvis.accounts.middleware import OTP_SESSION_KEY
from parvis.accounts.models import User
from parvis.organisations.models import Department, Organisation
from tests.factories import DepartmentFactory, MembershipFactory, OrganisationFactory, UserFactory

HOST_A = "commune-a.localhost"
HOST_B = "commune-b.localhost"
HOST_EPCI = "epci.localhost"


@dataclass
class Territory:
    epci: Organisation
    commune_a: Organisation
    commune_b: Organisation
    department_a: Department
    department_b: Department


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the internet: only loopback connections are allowed."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/") or host == ""
        ):
            raise RuntimeError(f"Network access blocked in tests: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """PBKDF2 at production strength costs 0.3 s to several seconds a hash on a loaded 2-core machine,
    and every persona has a password: tests use a fast hasher (hashing itself is Django's business)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def territory(db: Any) -> Territory:
    epci = OrganisationFactory(epci=True, name="Agglo de test", slug="epci", hostname=HOST_EPCI)
    commune_a = OrganisationFactory(name="Commune A", slug="commune-a", parent=epci, hostname=HOST_A)
    commune_b = OrganisationFactory(name="Commune B", slug="commune-b", parent=epci, hostname=HOST_B)
    return Territory(
        epci=epci,
        commune_a=commune_a,
        commune_b=commune_b,
        department_a=DepartmentFactory(organisation=commune_a, name="État civil A", slug="etat-civil"),
        department_b=DepartmentFactory(organisation=commune_b, name="État civil B", slug="etat-civil"),
    )


@pytest.fixture
def citizen(db: Any) -> User:
    return UserFactory(email="camille@example.org")


@pytest.fixture
def agent_a(territory: Territory) -> User:
    user = UserFactory(email="agent-a@commune-a.test", first_name="Alice")
    MembershipFactory(
        user=user, organisation=territory.commune_a, role=Role.BACK_OFFICE, department=territory.department_a
    )
    return user


@pytest.fixture
def admin_a(territory: Territory) -> User:
    user = UserFactory(email="admin-a@commune-a.test", first_name="Armand")
    MembershipFactory(user=user, organisation=territory.commune_a, role=Role.ADMIN)
    return user


@pytest.fixture
def agent_b(territory: Territory) -> User:
    user = UserFactory(email="agent-b@commune-b.test", first_name="Bruno")
    MembershipFactory(
        user=user, organisation=territory.commune_b, role=Role.BACK_OFFICE, department=territory.department_b
    )
    return user


@pytest.fixture
def epci_admin(territory: Territory) -> User:
    user = UserFactory(email="admin@epci.test", first_name="Esther")
    MembershipFactory(user=user, organisation=territory.epci, role=Role.ADMIN)
    return user


def logged_in(user: User, host: str, *, second_factor: bool = True) -> Client:
    """A client on ``host`` with ``user`` logged in (second factor already checked by default)."""
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    if second_factor:
        session = client.session
        session[OTP_SESSION_KEY] = True
        session.save()
    return client


@pytest.fixture
def client_a() -> Client:
    return Client(HTTP_HOST=HOST_A)
