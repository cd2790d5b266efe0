from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parvis.audit.models import AuditEvent
from parvis.organisations.models import Department
from parvis.organisations.services import create_department, set_department_active, update_department
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import DepartmentFactory

LIST = "/backoffice/services/"
NEW = "/backoffice/services/nouveau/"

DEPARTMENT = {
    "name": "Voirie et propreté",
    "slug": "",
    "postal_address": "Centre technique\n5 rue des Ateliers\n99000 Testville",
    "email": "voirie@mairie.test",
    "phone": "01 23 45 67 00",
    "opening_hours": "Du lundi au vendredi, de 8 h à 12 h",
}


def edit_url(department: Department) -> str:
    return f"/backoffice/services/{department.pk}/"


def test_an_administrator_lists_the_departments_of_the_commune_only(territory, admin_a):
    response = logged_in(admin_a, HOST_A).get(LIST)
    assert response.status_code == 200
    assert "État civil A" in response.text and "État civil B" not in response.text


def test_creating_a_department_makes_its_identifier_from_the_name_and_journals_it(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(NEW, DEPARTMENT)
    assert response.status_code == 302
    department = Department.objects.get(organisation=territory.commune_a, name="Voirie et propreté")
    assert department.slug == "voirie-et-proprete"
    event = AuditEvent.objects.get(action="department.created")
    assert event.after["name"] == "Voirie et propreté" and event.after["opening_hours"].startswith("Du lundi")
    assert event.organisation == territory.commune_a and event.actor == admin_a


def test_a_second_department_with_the_same_name_gets_a_distinct_identifier(territory, admin_a):
    first = create_department(organisation=territory.commune_a, data=DEPARTMENT, actor=admin_a)
    second = create_department(organisation=territory.commune_a, data=DEPARTMENT, actor=admin_a)
    assert (first.slug, second.slug) == ("voirie-et-proprete", "voirie-et-proprete-2")


def test_the_same_identifier_is_free_in_another_commune(territory, admin_a):
    # Both communes of the fixture already have "etat-civil".
    assert territory.department_a.slug == territory.department_b.slug


def test_an_identifier_already_used_in_the_commune_is_refused(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(NEW, {**DEPARTMENT, "slug": "etat-civil"})
    assert response.status_code == 200
    assert "utilise déjà cet identifiant" in response.text
    assert not Department.objects.filter(name="Voirie et propreté").exists()


def test_missing_contact_details_are_refused_in_french_and_the_input_is_kept(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(NEW, {**DEPARTMENT, "email": "", "opening_hours": ""})
    assert response.status_code == 200
    assert "Le formulaire contient 2 erreurs" in response.text
    assert "Ce champ est obligatoire." in response.text
    assert 'id="id_email_error"' in response.text and 'id="id_opening_hours_error"' in response.text
    assert 'value="Voirie et propreté"' in response.text
    assert "5 rue des Ateliers" in response.text
    assert "accusés de réception légaux" in response.text  # the help text says why
    assert not Department.objects.filter(name="Voirie et propreté").exists()


def test_editing_a_department_journals_before_and_after(territory, admin_a):
    data = {**DEPARTMENT, "name": "État civil", "slug": "etat-civil", "phone": "09 99 99 99 99"}
    response = logged_in(admin_a, HOST_A).post(edit_url(territory.department_a), data)
    assert response.status_code == 302
    territory.department_a.refresh_from_db()
    assert territory.department_a.phone == "09 99 99 99 99"
    event = AuditEvent.objects.get(action="department.updated")
    assert event.before["phone"] == "01 23 45 67 89" and event.after["phone"] == "09 99 99 99 99"
    assert event.before["name"] == "État civil A" and event.after["name"] == "État civil"


def test_a_refused_edit_keeps_the_stored_department_unchanged(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(edit_url(territory.department_a), {**DEPARTMENT, "phone": ""})
    assert response.status_code == 200
    assert 'value="Voirie et propreté"' in response.text
    territory.department_a.refresh_from_db()
    assert territory.department_a.name == "État civil A"


def test_deactivating_and_reactivating_a_department_is_journaled(territory, admin_a):
    client = logged_in(admin_a, HOST_A)
    url = f"/backoffice/services/{territory.department_a.pk}/activation/"
    assert client.post(url, {"active": "0"}).status_code == 302
    territory.department_a.refresh_from_db()
    assert territory.department_a.is_active is False
    client.post(url, {"active": "1"})
    territory.department_a.refresh_from_db()
    assert territory.department_a.is_active is True
    actions = list(AuditEvent.objects.filter(action__startswith="department.").values_list("action", flat=True))
    assert actions == ["department.deactivated", "department.reactivated"]


def test_deactivation_is_post_only(territory, admin_a):
    url = f"/backoffice/services/{territory.department_a.pk}/activation/"
    assert logged_in(admin_a, HOST_A).get(url).status_code == 405


def test_setting_the_same_state_twice_writes_nothing(territory, admin_a):
    set_department_active(department=territory.department_a, active=True, actor=admin_a)
    assert not AuditEvent.objects.exists()


def test_the_service_refuses_a_department_without_its_legal_details(territory, admin_a):
    with pytest.raises(ValidationError) as error:
        create_department(organisation=territory.commune_a, data={"name": "Sans adresse"}, actor=admin_a)
    assert {"postal_address", "email", "phone", "opening_hours"} <= set(error.value.message_dict)


def test_an_update_without_change_writes_no_event(territory, admin_a):
    update_department(department=territory.department_a, data={"name": "État civil A"}, actor=admin_a)
    assert not AuditEvent.objects.exists()


def test_an_agent_without_the_administrator_role_is_refused(territory, agent_a):
    client = logged_in(agent_a, HOST_A)
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.get(edit_url(territory.department_a)).status_code == 403
    assert client.post(edit_url(territory.department_a), DEPARTMENT).status_code == 403


def test_people_of_another_commune_are_refused_on_a_and_never_reach_as_departments(territory, admin_b, agent_b):
    assert logged_in(admin_b, HOST_A).get(LIST).status_code == 403
    assert logged_in(agent_b, HOST_A).get(edit_url(territory.department_a)).status_code == 403
    on_b = logged_in(admin_b, HOST_B)
    assert on_b.get(edit_url(territory.department_a)).status_code == 404
    assert on_b.post(edit_url(territory.department_a), DEPARTMENT).status_code == 404
    url = f"/backoffice/services/{territory.department_a.pk}/activation/"
    assert on_b.post(url, {"active": "0"}).status_code == 404
    territory.department_a.refresh_from_db()
    assert territory.department_a.name == "État civil A" and territory.department_a.is_active


def test_the_epci_administrator_manages_a_member_communes_departments(territory, epci_admin):
    client = logged_in(epci_admin, HOST_A)
    assert "État civil A" in client.get(LIST).text
    assert client.post(NEW, DEPARTMENT).status_code == 302
    assert Department.objects.filter(organisation=territory.commune_a, slug="voirie-et-proprete").exists()


def test_the_department_list_runs_a_bounded_number_of_queries(territory, admin_a):
    client = logged_in(admin_a, HOST_A)

    def count() -> int:
        client.get(LIST)  # the organisation cache is refilled after a department is saved
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    few = count()
    DepartmentFactory.create_batch(8, organisation=territory.commune_a)
    assert count() == few
    assert few <= 10
