"""Canned responses: written by administrators, per organisation, offered in the message box."""

from __future__ import annotations

from parvis.audit.models import AuditEvent
from parvis.cases.models import CannedResponse
from parvis.cases.services import create_canned_response
from tests.conftest import HOST_A, HOST_B, logged_in

LIST = "/backoffice/reponses-types/"


def test_an_administrator_adds_edits_and_deletes_a_canned_response(territory, admin_a):
    client = logged_in(admin_a, HOST_A)
    response = client.post(LIST, {"title": "Pièce manquante", "text": "Il manque une pièce à votre dossier."})
    assert response.status_code == 302
    canned = CannedResponse.objects.get(organisation=territory.commune_a)
    assert "Pièce manquante" in client.get(LIST).content.decode()

    response = client.post(f"{LIST}{canned.pk}/", {"title": "Pièce manquante", "text": "Texte corrigé."})
    assert response.status_code == 302
    canned.refresh_from_db()
    assert canned.text == "Texte corrigé."

    assert client.post(f"{LIST}{canned.pk}/supprimer/").status_code == 302
    assert not CannedResponse.objects.exists()
    actions = set(AuditEvent.objects.filter(object_type="cases.cannedresponse").values_list("action", flat=True))
    assert actions == {"canned_response.created", "canned_response.updated", "canned_response.deleted"}


def test_a_duplicate_title_is_refused_and_the_text_kept(territory, admin_a):
    create_canned_response(organisation=territory.commune_a, title="Relance", text="Texte", actor=admin_a)
    response = logged_in(admin_a, HOST_A).post(LIST, {"title": "Relance", "text": "Mon nouveau texte"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Une réponse type porte déjà ce titre." in page and "Mon nouveau texte" in page
    assert CannedResponse.objects.count() == 1


def test_agents_who_are_not_administrators_cannot_manage_canned_responses(territory, agent_a, admin_a):
    canned = create_canned_response(organisation=territory.commune_a, title="Relance", text="Texte", actor=admin_a)
    client = logged_in(agent_a, HOST_A)
    assert client.get(LIST).status_code == 403
    assert client.post(f"{LIST}{canned.pk}/", {"title": "X", "text": "Y"}).status_code == 403
    assert client.post(f"{LIST}{canned.pk}/supprimer/").status_code == 403
    assert CannedResponse.objects.get().title == "Relance"


def test_each_commune_has_its_own_canned_responses(territory, admin_a, agent_b):
    from parvis.accounts.enums import Role
    from tests.factories import MembershipFactory, UserFactory

    create_canned_response(organisation=territory.commune_a, title="Propre à A", text="Texte de A", actor=admin_a)
    admin_b = UserFactory(email="admin-b@commune-b.test")
    MembershipFactory(user=admin_b, organisation=territory.commune_b, role=Role.ADMIN)
    assert "Propre à A" not in logged_in(admin_b, HOST_B).get(LIST).content.decode()
