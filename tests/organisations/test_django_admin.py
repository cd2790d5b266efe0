from __future__ import annotations

import pytest

from parvis.audit.models import AuditEvent
from parvis.organisations.models import Department, Hostname, Organisation
from tests.conftest import HOST_A, logged_in
from tests.factories import UserFactory


@pytest.fixture
def operator(db):
    return UserFactory(email="exploitant@parvis.test", is_staff=True, is_superuser=True)


def organisation_form(territory, **changes):
    data = {
        "kind": "commune",
        "parent": territory.epci.pk,
        "name": "Admi-sur-Loire",
        "slug": "admi-sur-loire",
        "insee_code": "99104",
        "reference_prefix": "ASL",
        "calendar": "FR",
        "primary_colour": "#1f4e8c",
        "accent_colour": "#c8102e",
        "accessibility_status": "partiellement conforme",
        "hostnames-TOTAL_FORMS": "1",
        "hostnames-INITIAL_FORMS": "0",
        "hostnames-MIN_NUM_FORMS": "0",
        "hostnames-MAX_NUM_FORMS": "1000",
        "hostnames-0-hostname": "Admi-sur-Loire.localhost",
        "hostnames-0-is_primary": "on",
    }
    data.update(changes)
    return data


def test_the_platform_operator_adds_a_commune_with_its_hostname(territory, operator):
    client = logged_in(operator, HOST_A)
    response = client.post("/django-admin/organisations/organisation/add/", organisation_form(territory))
    assert response.status_code == 302, response.text
    commune = Organisation.objects.get(slug="admi-sur-loire")
    assert commune.parent == territory.epci
    assert Hostname.objects.get(organisation=commune).hostname == "admi-sur-loire.localhost"
    actions = set(AuditEvent.objects.filter(organisation=commune).values_list("action", flat=True))
    assert actions == {"organisation.created", "hostname.saved"}
    assert "Admi-sur-Loire" in client.get("/", HTTP_HOST="admi-sur-loire.localhost").text


def test_the_operators_form_checks_the_colours_too(territory, operator):
    response = logged_in(operator, HOST_A).post(
        "/django-admin/organisations/organisation/add/", organisation_form(territory, primary_colour="#ffff00")
    )
    assert response.status_code == 200
    assert "contraste de 4,5:1" in response.text
    assert not Organisation.objects.filter(slug="admi-sur-loire").exists()


def test_the_operator_edits_a_department_through_the_services(territory, operator):
    department = territory.department_a
    response = logged_in(operator, HOST_A).post(
        f"/django-admin/organisations/department/{department.pk}/change/",
        {
            "name": "État civil",
            "slug": department.slug,
            "postal_address": department.postal_address,
            "email": department.email,
            "phone": department.phone,
            "opening_hours": department.opening_hours,
            "is_active": "",
        },
    )
    assert response.status_code == 302, response.text
    department.refresh_from_db()
    assert department.name == "État civil" and not department.is_active
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("pk"))
    assert actions == ["department.updated", "department.deactivated"]


def test_departments_and_organisations_cannot_be_deleted_from_the_admin(territory, operator):
    client = logged_in(operator, HOST_A)
    assert client.get(f"/django-admin/organisations/department/{territory.department_a.pk}/delete/").status_code == 403
    assert client.get(f"/django-admin/organisations/organisation/{territory.commune_a.pk}/delete/").status_code == 403
    assert Department.objects.filter(pk=territory.department_a.pk).exists()


def test_an_organisation_administrator_is_not_let_into_the_django_admin(territory, admin_a):
    response = logged_in(admin_a, HOST_A).get("/django-admin/organisations/organisation/")
    assert response.status_code == 302 and "/django-admin/login/" in response["Location"]
