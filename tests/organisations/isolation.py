"""How to visit every URL of the organisations app (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from parvis.accounts.enums import Role
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.isolation import Built, UrlCase

SECRET_AGENT = "agent-secret@commune-a.test"


def _settings_of_a(territory: Any) -> Built:
    territory.commune_a.legal_notices = "Hébergeur réservé à la commune A"
    territory.commune_a.save()
    return Built(marker="Hébergeur réservé à la commune A")


def _department_of_a(territory: Any) -> Built:
    department = DepartmentFactory(organisation=territory.commune_a, name="Service confidentiel A")
    return Built(kwargs={"pk": department.pk}, marker="Service confidentiel A")


def _departments_of_a(territory: Any) -> Built:
    _department_of_a(territory)
    return Built(marker="Service confidentiel A")


def _membership_of_a(territory: Any) -> Any:
    user = UserFactory(email=SECRET_AGENT, first_name="Sidonie", last_name="Secrète")
    return MembershipFactory(
        user=user, organisation=territory.commune_a, role=Role.FIELD, department=territory.department_a
    )


def _agent_of_a(territory: Any) -> Built:
    membership = _membership_of_a(territory)
    return Built(kwargs={"pk": membership.user_id}, marker=SECRET_AGENT)


def _agents_of_a(territory: Any) -> Built:
    _membership_of_a(territory)
    return Built(marker=SECRET_AGENT)


def _role_of_a(territory: Any) -> Built:
    membership = _membership_of_a(territory)
    return Built(kwargs={"pk": membership.pk}, marker=SECRET_AGENT)


CASES = [
    UrlCase("organisations:home", "public"),
    UrlCase("organisations:theme_css", "public", tenant_scoped=False, note="the served organisation's colours"),
    UrlCase("organisations:legal_notices", "public"),
    UrlCase("organisations:accessibility", "public"),
    UrlCase("organisations:personal_data", "public"),
    UrlCase("organisations:backoffice", "agent"),
    UrlCase("organisations:settings", "admin", build=_settings_of_a),
    UrlCase("organisations:department_list", "admin", build=_departments_of_a),
    UrlCase("organisations:department_create", "admin"),
    UrlCase("organisations:department_edit", "admin", build=_department_of_a),
    UrlCase(
        "organisations:department_set_active", "admin", build=_department_of_a, method="post", data={"active": "0"}
    ),
    UrlCase("organisations:agent_list", "admin", build=_agents_of_a),
    UrlCase("organisations:agent_add", "admin"),
    UrlCase("organisations:agent_detail", "admin", build=_agent_of_a),
    UrlCase("organisations:agent_grant", "admin", build=_agent_of_a, method="post", data={"role": Role.ADMIN}),
    UrlCase("organisations:membership_revoke", "admin", build=_role_of_a, method="post"),
    UrlCase(
        "organisations:membership_title", "admin", build=_role_of_a, method="post", data={"title": "Adjoint au maire"}
    ),
    UrlCase(
        "organisations:communes",
        "admin",
        note="on an EPCI's host, its member communes; on a commune's host, only which EPCI it belongs to",
    ),
]
