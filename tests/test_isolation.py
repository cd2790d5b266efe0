"""Tenant isolation on every URL: nobody outside commune A reaches commune A's data.

See tests/isolation.py for the registry and the expected results.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from parvis.accounts.enums import Role
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import MembershipFactory, UserFactory
from tests.isolation import Built, UrlCase

# URLs outside the tenant registry, each with the test that covers it.
NOT_TENANT_URLS = {
    "admin": "Django admin: superusers only, see test_django_admin_is_for_superusers_only",
    "media": "only mounted in demo/debug mode",
    "api_v1": "REST API with bearer tokens (session clients get 401): see tests/api/test_isolation.py",
    "fc_demo_api": "local OpenID provider's back channel (secret, bearer token): tests/franceconnect/test_provider.py",
    "inbox_webhook": "inbound email webhook (bearer secret, no session): tests/inbox/test_webhook.py",
}

PROJECT_CASES = [
    UrlCase("healthz", "public", tenant_scoped=False),
    UrlCase("audit:journal", "admin"),
]


def collect_cases() -> list[UrlCase]:
    cases = list(PROJECT_CASES)
    root = Path(tests.__file__).parent
    for module in pkgutil.iter_modules([str(root)]):
        if module.ispkg and (root / module.name / "isolation.py").exists():
            cases += importlib.import_module(f"tests.{module.name}.isolation").CASES
    return cases


def url_names(patterns=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in NOT_TENANT_URLS:
                continue
            names |= url_names(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in NOT_TENANT_URLS:
            names.add(f"{namespace}{pattern.name}")
    return names


CASES = collect_cases()


def test_every_url_has_an_isolation_case():
    covered = {case.name for case in CASES}
    missing = url_names() - covered
    assert not missing, f"URLs without a tenant-isolation case in tests/<app>/isolation.py: {sorted(missing)}"
    unknown = covered - url_names()
    assert not unknown, f"Isolation cases for URLs that do not exist: {sorted(unknown)}"


@pytest.fixture
def personas(territory, citizen, agent_a, admin_a, agent_b, epci_admin):
    territory.citizen = citizen
    territory.agent_a = agent_a
    territory.admin_a = admin_a
    admin_b = UserFactory(email="admin-b@commune-b.test")
    MembershipFactory(user=admin_b, organisation=territory.commune_b, role=Role.ADMIN)
    stranger = UserFactory(email="autre-usager@example.org")
    return {
        "citizen": citizen,
        "stranger": stranger,
        "agent_a": agent_a,
        "admin_a": admin_a,
        "agent_b": agent_b,
        "admin_b": admin_b,
        "epci_admin": epci_admin,
    }


def _request(client: Client, case: UrlCase, built: Built, host_kwargs: dict | None = None):
    url = reverse(case.name, kwargs=host_kwargs if host_kwargs is not None else built.kwargs)
    if built.query:
        url += "?" + built.query
    if case.method == "post":
        return client.post(url, case.data)
    return client.get(url)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/compte/connexion/" in response["Location"]


def _expected_on_a(case: UrlCase, who: str, has_object: bool) -> set[int] | str:
    """Allowed status codes for persona ``who`` on commune A's host, or 'login'."""
    ok = {200} if case.method == "get" and not case.redirect else {200, 302, 303}
    if case.audience in {"demo", "unlocked"}:
        return {404}
    if case.audience == "public":
        return ok
    if who == "anonymous":
        return "login"
    if case.audience == "citizen":
        if who == "citizen":
            return ok
        return {404} if has_object else ok
    staff_a = {"agent_a", "admin_a", "epci_admin"}
    if case.audience == "agent":
        return ok if who in staff_a else {403}
    if case.audience == "admin":
        return ok if who in {"admin_a", "epci_admin"} else {403}
    raise AssertionError(case.audience)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}:{c.name}")
def test_url_respects_tenant_isolation(case: UrlCase, personas, territory):
    built = case.build(territory)
    has_object = bool(built.kwargs)
    clients = {"anonymous": Client(HTTP_HOST=HOST_A)}
    clients |= {who: logged_in(user, HOST_A) for who, user in personas.items()}
    for who, client in clients.items():
        if case.method == "post" and who in {"citizen", "agent_a", "admin_a", "epci_admin"}:
            continue  # acting is the app's own tests' business; here we check refusals
        expected = _expected_on_a(case, "citizen" if who == "citizen" else who, has_object)
        if who in {"stranger"} and case.audience == "citizen":
            expected = (
                {404} if has_object else ({200} if case.method == "get" and not case.redirect else {200, 302, 303})
            )
        if who in {"agent_b", "admin_b", "stranger"} and case.audience in {"agent", "admin"}:
            expected = {403}
        if who in {"agent_b", "admin_b"} and case.audience == "citizen":
            expected = {404} if has_object else _expected_on_a(case, "stranger", has_object)
        if case.invalid_data and expected != "login":
            expected = {*expected, 400}
        response = _request(client, case, built)
        if expected == "login":
            assert _is_login_redirect(response), f"{who} on {case.name}: {response.status_code}"
        else:
            assert response.status_code in expected, (
                f"{who} on {case.name}: {response.status_code}, expected {expected}"
            )
        if built.marker and who in {"agent_b", "admin_b", "stranger", "anonymous"} and case.audience != "public":
            assert built.marker not in response.content.decode(errors="replace"), f"{who} saw A's data on {case.name}"

    if not case.tenant_scoped:
        return
    # From commune B's own hostname, A's objects do not exist and A's data never shows.
    for who in ("agent_b", "admin_b"):
        response = _request(logged_in(personas[who], HOST_B), case, built)
        if has_object:
            assert response.status_code == 404, f"{who} on B's host reached A's object via {case.name}"
        if built.marker:
            assert built.marker not in response.content.decode(errors="replace"), f"{who} saw A's data on {case.name}"


def test_django_admin_is_for_superusers_only(personas, territory):
    assert logged_in(personas["admin_a"], HOST_A).get("/django-admin/").status_code == 302
    superuser = UserFactory(email="root@parvis.test", is_staff=True, is_superuser=True)
    assert logged_in(superuser, HOST_A).get("/django-admin/").status_code == 200
