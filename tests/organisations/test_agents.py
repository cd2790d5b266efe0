from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parvis.accounts.enums import Role
from parvis.accounts.models import Membership, User
from parvis.audit.models import AuditEvent
from parvis.notifications.models import OutboundMessage
from parvis.organisations.services import AdministrationError, grant_membership, revoke_membership
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import MembershipFactory, UserFactory

LIST = "/backoffice/agents/"
ADD = "/backoffice/agents/ajouter/"


def detail_url(user: User) -> str:
    return f"/backoffice/agents/{user.pk}/"


def revoke_url(membership: Membership) -> str:
    return f"/backoffice/habilitations/{membership.pk}/retrait/"


def test_the_list_shows_the_communes_agents_with_their_roles_and_departments(territory, admin_a, agent_a, agent_b):
    response = logged_in(admin_a, HOST_A).get(LIST)
    assert response.status_code == 200
    assert agent_a.email in response.text and admin_a.email in response.text
    assert "Service instructeur / back office — État civil A" in response.text
    assert agent_b.email not in response.text


def test_the_list_names_the_epci_administrators_who_also_administer_the_commune(territory, admin_a, epci_admin):
    response = logged_in(admin_a, HOST_A).get(LIST)
    assert "Administrateurs de Agglo de test" in response.text
    assert epci_admin.email in response.text


def test_adding_an_existing_person_gives_them_the_role_without_an_invitation(territory, admin_a, citizen):
    response = logged_in(admin_a, HOST_A).post(
        ADD, {"email": "Camille@Example.org", "role": Role.FRONT_OFFICE, "department": territory.department_a.pk}
    )
    assert response.status_code == 302 and response["Location"] == detail_url(citizen)
    membership = Membership.objects.get(user=citizen)
    assert (membership.organisation, membership.role, membership.department) == (
        territory.commune_a,
        Role.FRONT_OFFICE,
        territory.department_a,
    )
    assert not OutboundMessage.objects.exists()
    event = AuditEvent.objects.get(action="membership.granted")
    assert event.after["email"] == "camille@example.org" and event.after["role"] == Role.FRONT_OFFICE


def test_adding_a_new_email_creates_an_account_without_password_and_queues_an_invitation(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(
        ADD, {"email": "nouvel.agent@commune-a.test", "first_name": "Noé", "last_name": "Vel", "role": Role.FIELD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvel.agent@commune-a.test")
    assert not user.has_usable_password() and user.first_name == "Noé"
    message = OutboundMessage.objects.get(event="agent.invitation")
    assert message.to == "nouvel.agent@commune-a.test" and message.organisation == territory.commune_a
    assert "Commune A" in message.subject
    assert "Équipe terrain" in message.body_text and "Bonjour Noé" in message.body_text
    link = re.search(r"http://commune-a\.localhost:8000(/compte/mot-de-passe-oublie/\S+/)", message.body_text)
    assert link, message.body_text
    assert {"user.invited", "membership.granted", "message.queued"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )

    # The link lets the new agent choose a password on the commune's own hostname.
    from django.test import Client

    page = Client(HTTP_HOST=HOST_A).get(link.group(1))
    assert page.status_code == 200


def test_an_invited_person_added_again_receives_a_new_invitation(territory, admin_a):
    client = logged_in(admin_a, HOST_A)
    client.post(ADD, {"email": "lent@commune-a.test", "role": Role.FIELD})
    client.post(ADD, {"email": "lent@commune-a.test", "role": Role.FRONT_OFFICE})
    assert OutboundMessage.objects.filter(event="agent.invitation", to="lent@commune-a.test").count() == 2


def test_a_role_already_held_is_refused_in_french_and_the_input_is_kept(territory, admin_a, agent_a):
    response = logged_in(admin_a, HOST_A).post(
        ADD, {"email": agent_a.email, "role": Role.BACK_OFFICE, "department": territory.department_a.pk}
    )
    assert response.status_code == 200
    assert "Cet agent a déjà ce rôle" in response.text
    assert f'value="{agent_a.email}"' in response.text


def test_a_bad_email_is_refused_in_french(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(ADD, {"email": "pas-une-adresse", "role": Role.FIELD})
    assert "Saisissez une adresse de courriel valide." in response.text
    assert 'value="pas-une-adresse"' in response.text
    assert not User.objects.filter(email="pas-une-adresse").exists()


def test_a_department_of_another_commune_cannot_be_chosen(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(
        ADD, {"email": "x@commune-a.test", "role": Role.FIELD, "department": territory.department_b.pk}
    )
    assert response.status_code == 200
    assert 'id="id_department_error"' in response.text
    assert not User.objects.filter(email="x@commune-a.test").exists()


def test_the_service_refuses_a_department_of_another_organisation(territory, admin_a, citizen):
    with pytest.raises(AdministrationError, match="n'appartient pas"):
        grant_membership(
            organisation=territory.commune_a,
            user=citizen,
            role=Role.FIELD,
            department=territory.department_b,
            actor=admin_a,
        )


def test_opening_an_agents_page_is_journaled_as_a_personal_data_view(territory, admin_a, agent_a):
    response = logged_in(admin_a, HOST_A).get(detail_url(agent_a))
    assert response.status_code == 200
    assert agent_a.email in response.text and "État civil A" in response.text
    event = AuditEvent.objects.get(action="personal_data.viewed")
    assert event.actor == admin_a and event.object_id == str(agent_a.pk) and event.object_type == "accounts.user"


def test_an_administrator_grants_another_role(territory, admin_a, agent_a):
    response = logged_in(admin_a, HOST_A).post(f"/backoffice/agents/{agent_a.pk}/roles/", {"role": Role.ELECTED})
    assert response.status_code == 302
    assert set(agent_a.memberships.values_list("role", flat=True)) == {Role.BACK_OFFICE, Role.ELECTED}


def test_a_refused_grant_shows_the_error_on_the_agents_page(territory, admin_a, agent_a):
    response = logged_in(admin_a, HOST_A).post(f"/backoffice/agents/{agent_a.pk}/roles/", {"role": "chef"})
    assert response.status_code == 400
    assert 'id="id_role_error"' in response.text


def test_an_administrator_revokes_a_role_and_it_is_journaled(territory, admin_a, agent_a):
    membership = agent_a.memberships.get()
    response = logged_in(admin_a, HOST_A).post(revoke_url(membership))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not agent_a.memberships.exists()
    event = AuditEvent.objects.get(action="membership.revoked")
    assert event.before["role"] == Role.BACK_OFFICE and event.before["email"] == agent_a.email


def test_an_administrator_cannot_revoke_their_own_last_administrator_role(territory, admin_a):
    membership = admin_a.memberships.get()
    client = logged_in(admin_a, HOST_A)
    response = client.post(revoke_url(membership), follow=True)
    assert "Vous ne pouvez pas retirer votre propre et dernier rôle d'administrateur" in html.unescape(response.text)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.filter(action="membership.revoked").exists()


def test_an_administrator_with_another_administrator_role_may_drop_one(territory, admin_a):
    first = admin_a.memberships.get()
    MembershipFactory(
        user=admin_a, organisation=territory.commune_a, role=Role.ADMIN, department=territory.department_a
    )
    revoke_membership(membership=first, actor=admin_a)
    assert admin_a.memberships.count() == 1


def test_the_epci_administrator_may_revoke_a_commune_administrator(territory, admin_a, epci_admin):
    membership = admin_a.memberships.get()
    assert logged_in(epci_admin, HOST_A).post(revoke_url(membership)).status_code == 302
    assert not admin_a.memberships.exists()


def test_the_epci_administrators_own_role_cannot_be_revoked_from_a_commune(territory, admin_a, epci_admin):
    membership = epci_admin.memberships.get()
    assert logged_in(admin_a, HOST_A).post(revoke_url(membership)).status_code == 404
    assert logged_in(admin_a, HOST_A).get(detail_url(epci_admin)).status_code == 404


def test_an_agent_without_the_administrator_role_is_refused(territory, agent_a, admin_a):
    client = logged_in(agent_a, HOST_A)
    assert client.get(LIST).status_code == 403
    assert client.get(ADD).status_code == 403
    assert client.get(detail_url(admin_a)).status_code == 403
    assert client.post(revoke_url(admin_a.memberships.get())).status_code == 403
    assert client.post(f"/backoffice/agents/{agent_a.pk}/roles/", {"role": Role.ADMIN}).status_code == 403
    assert not agent_a.memberships.filter(role=Role.ADMIN).exists()


def test_people_of_another_commune_never_reach_as_agents(territory, admin_b, agent_b, agent_a):
    assert logged_in(admin_b, HOST_A).get(LIST).status_code == 403
    assert logged_in(agent_b, HOST_A).get(detail_url(agent_a)).status_code == 403
    on_b = logged_in(admin_b, HOST_B)
    assert on_b.get(detail_url(agent_a)).status_code == 404
    assert on_b.post(revoke_url(agent_a.memberships.get())).status_code == 404
    assert on_b.post(f"/backoffice/agents/{agent_a.pk}/roles/", {"role": Role.ADMIN}).status_code == 404
    assert agent_a.memberships.count() == 1
    assert not AuditEvent.objects.filter(action="personal_data.viewed").exists()


def test_the_agent_list_runs_a_bounded_number_of_queries(territory, admin_a):
    client = logged_in(admin_a, HOST_A)

    def count() -> int:
        client.get(LIST)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    few = count()
    for n in range(6):
        user = UserFactory(email=f"agent{n}@commune-a.test")
        MembershipFactory(
            user=user, organisation=territory.commune_a, role=Role.FIELD, department=territory.department_a
        )
        MembershipFactory(user=user, organisation=territory.commune_a, role=Role.ELECTED)
    assert count() == few
    assert few <= 10
