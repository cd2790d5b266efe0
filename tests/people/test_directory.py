"""The people directory through HTTP: search, light identity without duplicates, edit, merge."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.audit.models import AuditEvent
from parvis.cases.services import submit_case
from parvis.people.models import Person
from parvis.people.services import create_person, person_for_user
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import published_procedure

SEARCH = "/backoffice/personnes/"
NEW = "/backoffice/personnes/nouvelle/"


@pytest.fixture
def jeanne(territory, agent_a):
    return create_person(
        organisation=territory.commune_a,
        actor=agent_a,
        first_name="Jeanne",
        last_name="Lefèvre",
        birth_date=dt.date(1948, 3, 2),
        email="jeanne.lefevre@example.fr",
        phone="06 11 22 33 44",
    )


def test_the_search_finds_a_resident_by_name_birth_date_phone_email_or_reference_and_shows_the_account(
    territory, agent_a, jeanne, citizen
):
    camille = person_for_user(organisation=territory.commune_a, user=citizen, actor=agent_a)
    client = logged_in(agent_a, HOST_A)
    for text in (
        "lefevre",
        "Jeanne LEFÈVRE",
        "02/03/1948",
        "0611223344",
        "+33 6 11 22 33 44",
        "jeanne.lefevre@example.fr",
    ):
        response = client.get(SEARCH, {"q": text})
        assert response.status_code == 200 and "Jeanne LEFÈVRE" in response.text, text
        assert "identité légère" in response.text and f"/backoffice/personnes/{jeanne.pk}/" in response.text
    procedure = published_procedure(territory.commune_a, actor=agent_a)
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "x"},
        requester=citizen,
        requester_name="Camille",
        requester_email=citizen.email,
        actor=citizen,
    ).case
    by_reference = client.get(SEARCH, {"q": case.reference})
    assert camille.full_name in by_reference.text and "Oui" in by_reference.text
    nothing = client.get(SEARCH, {"q": "inconnu"})
    assert "Personne ne correspond" in nothing.text


def test_the_search_is_a_bounded_number_of_queries(territory, agent_a, django_assert_max_num_queries):
    for n in range(20):
        create_person(organisation=territory.commune_a, actor=agent_a, last_name="Durand", first_name=f"P{n}")
    client = logged_in(agent_a, HOST_A)
    with django_assert_max_num_queries(12):
        response = client.get(SEARCH, {"q": "durand"})
    assert response.text.count("DURAND</a>") == 20


def test_an_agent_records_a_light_identity_and_the_same_resident_coming_back_is_offered_instead(
    territory, agent_a, jeanne
):
    client = logged_in(agent_a, HOST_A)
    form = client.get(NEW, {"q": "Martin Paul"})
    assert 'value="Martin"' in form.text and 'value="Paul"' in form.text
    response = client.post(NEW, {"last_name": "Martin", "first_name": "Paul", "phone": "06 00 00 00 01"})
    paul = Person.objects.get(last_name="Martin")
    assert response.status_code == 302 and response["Location"] == f"/backoffice/personnes/{paul.pk}/"
    assert paul.user is None and paul.created_by == agent_a
    again = client.post(NEW, {"last_name": "lefèvre", "first_name": "jeanne", "birth_date": "02/03/1948"})
    assert again.status_code == 400 and "Cette personne est peut-être déjà connue" in again.text
    assert f"/backoffice/personnes/{jeanne.pk}/" in again.text and 'value="02/03/1948"' in again.text
    assert Person.objects.filter(last_name__iexact="lefèvre").count() == 1
    forced = client.post(
        NEW, {"last_name": "Lefèvre", "first_name": "Jeanne", "birth_date": "02/03/1948", "allow_duplicate": "on"}
    )
    assert forced.status_code == 302 and Person.objects.filter(last_name="Lefèvre").count() == 2


def test_a_record_created_from_the_counter_goes_back_there_with_the_person(territory, agent_a, jeanne):
    client = logged_in(agent_a, HOST_A)
    response = client.post(NEW, {"last_name": "Nouveau", "next": "/backoffice/guichet/"})
    person = Person.objects.get(last_name="Nouveau")
    assert response["Location"] == f"/backoffice/guichet/?person={person.pk}"
    picked = client.post(
        NEW,
        {
            "last_name": "Lefèvre",
            "first_name": "Jeanne",
            "email": "jeanne.lefevre@example.fr",
            "next": "/backoffice/guichet/reprendre/?code=ABCD-EFGH",
        },
    )
    assert f"/backoffice/guichet/reprendre/?code=ABCD-EFGH&amp;person={jeanne.pk}" in picked.text
    unsafe = client.post(NEW, {"last_name": "Ailleurs", "next": "https://example.com/"})
    assert unsafe["Location"].startswith("/backoffice/personnes/")


def test_bad_input_is_refused_beside_the_field_and_kept(territory, agent_a, jeanne):
    client = logged_in(agent_a, HOST_A)
    response = client.post(NEW, {"first_name": "Sans nom", "birth_date": "31/02/2020", "email": "pas-un-courriel"})
    assert response.status_code == 400
    assert "Indiquez le nom de la personne." in response.text and "date valide" in response.text
    assert 'value="Sans nom"' in response.text and 'aria-describedby="id_last_name_error' in response.text
    future = client.post(
        f"/backoffice/personnes/{jeanne.pk}/modifier/", {"last_name": "Lefèvre", "birth_date": "01/01/2999"}
    )
    assert future.status_code == 400 and "ne peut pas être dans le futur" in future.text


def test_an_agent_corrects_a_record(territory, agent_a, jeanne):
    client = logged_in(agent_a, HOST_A)
    page = client.get(f"/backoffice/personnes/{jeanne.pk}/modifier/")
    assert 'value="jeanne.lefevre@example.fr"' in page.text
    response = client.post(
        f"/backoffice/personnes/{jeanne.pk}/modifier/",
        {"last_name": "Lefèvre", "first_name": "Jeanne", "phone": "07 99 88 77 66", "birth_date": "02/03/1948"},
    )
    assert response.status_code == 302
    jeanne.refresh_from_db()
    assert jeanne.phone == "07 99 88 77 66" and "0799887766" in jeanne.search_text
    assert AuditEvent.objects.filter(action="person.updated").exists()


def test_an_agent_merges_a_duplicate_found_by_search_after_confirming(territory, agent_a, jeanne):
    duplicate = create_person(
        organisation=territory.commune_a, actor=agent_a, last_name="Lefevre", first_name="J.", phone="06 11 22 33 44"
    )
    procedure = published_procedure(territory.commune_a, actor=agent_a)
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "x"},
        requester=None,
        requester_name="J. Lefevre",
        requester_phone="0611223344",
        actor=agent_a,
        person=duplicate,
    ).case
    client = logged_in(agent_a, HOST_A)
    url = f"/backoffice/personnes/{jeanne.pk}/fusionner/"
    found = client.get(url, {"q": "0611223344"})
    assert f"?duplicate={duplicate.pk}" in found.text and found.text.count("C'est un doublon") == 1
    confirm = client.get(url, {"duplicate": duplicate.pk})
    assert "Confirmer la fusion" in confirm.text and "1 demandes" in confirm.text
    refused = client.post(url, {"duplicate": duplicate.pk})
    assert refused.status_code == 400 and "Cochez la case" in refused.text
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    response = client.post(url, {"duplicate": duplicate.pk, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == f"/backoffice/personnes/{jeanne.pk}/"
    duplicate.refresh_from_db()
    case.refresh_from_db()
    assert duplicate.merged_into == jeanne and case.person == jeanne
    assert AuditEvent.objects.filter(action="person.merged").exists()
    # The merged record stays; opening it leads to the kept one.
    assert client.get(f"/backoffice/personnes/{duplicate.pk}/modifier/")["Location"] == (
        f"/backoffice/personnes/{jeanne.pk}/modifier/"
    )


def test_a_record_of_another_commune_cannot_be_merged_or_edited(territory, agent_a, agent_b, jeanne):
    other = create_person(organisation=territory.commune_b, actor=agent_b, last_name="Lefèvre", first_name="Jeanne")
    client = logged_in(agent_a, HOST_A)
    assert client.get(f"/backoffice/personnes/{jeanne.pk}/fusionner/", {"duplicate": other.pk}).status_code == 404
    assert (
        client.post(
            f"/backoffice/personnes/{jeanne.pk}/fusionner/", {"duplicate": other.pk, "confirm": "on"}
        ).status_code
        == 404
    )
    assert logged_in(agent_b, HOST_B).get(f"/backoffice/personnes/{jeanne.pk}/modifier/").status_code == 404
    other.refresh_from_db()
    assert other.merged_into is None


def test_the_same_name_typed_without_accents_is_recognised_as_a_possible_duplicate(territory, agent_a, jeanne):
    client = logged_in(agent_a, HOST_A)
    again = client.post(NEW, {"last_name": "LEFEVRE", "first_name": "Jeanne", "phone": "06.11.22.33.44"})
    assert again.status_code == 400 and f"/backoffice/personnes/{jeanne.pk}/" in again.text
    other = client.post(NEW, {"last_name": "Lefèvre", "first_name": "Paul", "phone": "06 11 22 33 44"})
    assert other.status_code == 302  # her son, same phone, another person
