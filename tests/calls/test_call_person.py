"""A call linked to the caller's record: picked among known people, or a light identity made from the call."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.audit.models import AuditEvent
from parvis.calls.enums import Outcome
from parvis.calls.models import Call
from parvis.calls.queries import find_people_and_callers
from parvis.calls.services import CallError, link_call_to_person, log_call, split_name, turn_call_into_case
from parvis.cases.enums import Channel
from parvis.cases.services import submit_case
from parvis.people.models import Person
from parvis.people.services import create_person
from tests.calls.helpers import call
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import published_procedure


@pytest.fixture
def jeanne(territory, agent_a):
    return create_person(
        organisation=territory.commune_a,
        actor=agent_a,
        first_name="Jeanne",
        last_name="Lefèvre",
        birth_date=dt.date(1948, 3, 2),
        phone="06 12 34 56 78",
    )


def _save(client, **data):
    body = {"action": "save", "subject_other": "Horaires", "outcome": Outcome.ANSWERED} | data
    return client.post("/backoffice/appels/", body)


def test_the_agent_finds_a_light_identity_by_name_or_phone_and_links_the_call(territory, agent_a, jeanne):
    client = logged_in(agent_a, HOST_A)
    page = client.get("/backoffice/appels/personnes/?caller_search=lefevre").content.decode()
    assert "Jeanne LEFÈVRE" in page and f'value="person-{jeanne.pk}"' in page
    page = client.post("/backoffice/appels/", {"action": "find", "caller_search": "0612345678"}).content.decode()
    assert f'value="person-{jeanne.pk}"' in page
    response = _save(client, caller_choice=f"person-{jeanne.pk}")
    logged = Call.objects.get()
    assert response.status_code == 302
    assert logged.person == jeanne and logged.caller_name == "Jeanne LEFÈVRE" and logged.caller_phone == jeanne.phone


def test_another_communes_people_are_never_found_nor_linked(territory, agent_a, agent_b, jeanne):
    assert not find_people_and_callers(territory.commune_b, "lefevre")
    page = logged_in(agent_b, HOST_B).get("/backoffice/appels/personnes/?caller_search=lefevre").content.decode()
    assert "LEFÈVRE" not in page
    response = _save(logged_in(agent_b, HOST_B), caller_choice=f"person-{jeanne.pk}")
    assert response.status_code == 400 and not Call.objects.exists()
    with pytest.raises(CallError):
        log_call(organisation=territory.commune_b, person=jeanne, subject_other="X", actor=agent_b)


def test_a_typed_caller_becomes_a_light_identity_when_the_agent_asks(territory, agent_a):
    response = _save(
        logged_in(agent_a, HOST_A),
        caller_name="Paul DURAND",
        caller_phone="07 00 00 00 01",
        caller_email="Paul.Durand@example.org",
        new_person="on",
    )
    assert response.status_code == 302
    person = Call.objects.get().person
    assert (person.first_name, person.last_name, person.phone, person.email) == (
        "Paul",
        "DURAND",
        "07 00 00 00 01",
        "paul.durand@example.org",
    )
    assert person.organisation == territory.commune_a and person.user is None
    assert AuditEvent.objects.filter(action="person.created", organisation=territory.commune_a).exists()


def test_a_resident_already_known_is_not_created_twice_and_is_offered_instead(territory, agent_a, jeanne):
    response = _save(
        logged_in(agent_a, HOST_A),
        caller_name="Jeanne Lefèvre",
        caller_phone="06 12 34 56 78",
        question="Ma question à garder",
        new_person="on",
    )
    page = response.content.decode()
    assert response.status_code == 400 and not Call.objects.exists()
    assert "semble déjà connue" in page and 'id="id_caller_name_error"' in page
    assert "Ma question à garder" in page and f'value="person-{jeanne.pk}"' in page
    assert Person.objects.count() == 1


def test_a_caller_with_an_account_gets_their_communes_record(territory, citizen, admin_a, agent_a):
    submit_case(
        organisation=territory.commune_a,
        procedure=published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a),
        answers={"objet": "Copie"},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
    )
    client = logged_in(agent_a, HOST_A)
    page = client.get(f"/backoffice/appels/personnes/?caller_search={citizen.email}").content.decode()
    assert f'value="account-{citizen.pk}"' in page  # an account without a record yet
    _save(client, caller_choice=f"account-{citizen.pk}")
    person = Call.objects.get().person
    assert person.user == citizen and person.organisation == territory.commune_a
    # Next time, the record is found (and the bare account is no longer offered).
    page = client.get(f"/backoffice/appels/personnes/?caller_search={citizen.email}").content.decode()
    assert f'value="person-{person.pk}"' in page and f'value="account-{citizen.pk}"' not in page


def test_a_call_turned_into_a_case_gives_the_case_its_person(territory, admin_a, agent_a, jeanne):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    procedure.channels = [Channel.WEB, Channel.PHONE]
    procedure.save(update_fields=["channels"])
    logged = call(territory.commune_a, agent_a, person=jeanne, caller_name="")
    case = turn_call_into_case(call=logged, procedure=procedure, actor=agent_a)
    assert case.person == jeanne and case.channel == Channel.PHONE


def test_the_call_page_links_to_the_persons_page(territory, agent_a, jeanne):
    logged = call(territory.commune_a, agent_a, person=jeanne)
    page = logged_in(agent_a, HOST_A).get(f"/backoffice/appels/{logged.pk}/").content.decode()
    assert f'href="/backoffice/personnes/{jeanne.pk}/"' in page and "Fiche de la personne" in page


def test_a_call_logged_without_record_is_linked_afterwards_to_a_person_found(territory, agent_a, jeanne):
    logged = call(territory.commune_a, agent_a, caller_name="Jeanne Lefèvre", caller_phone="06 12 34 56 78")
    assert logged.person is None
    client = logged_in(agent_a, HOST_A)
    page = client.get(f"/backoffice/appels/{logged.pk}/").content.decode()
    assert f'name="person" value="{jeanne.pk}"' in page
    response = client.post(f"/backoffice/appels/{logged.pk}/personne/", {"person": jeanne.pk})
    assert response.status_code == 302
    logged.refresh_from_db()
    assert logged.person == jeanne
    assert AuditEvent.objects.filter(action="call.person_linked").exists()


def test_a_call_logged_without_record_makes_one_from_what_was_typed(territory, agent_a):
    logged = call(territory.commune_a, agent_a, caller_name="Zoé Nouvelle", caller_phone="07 11 22 33 44")
    logged_in(agent_a, HOST_A).post(f"/backoffice/appels/{logged.pk}/personne/", {"person": ""})
    logged.refresh_from_db()
    assert logged.person is not None and logged.person.last_name == "Nouvelle"


def test_a_call_cannot_be_linked_to_another_communes_person(territory, agent_a, agent_b):
    logged = call(territory.commune_a, agent_a)
    stranger = create_person(organisation=territory.commune_b, actor=agent_b, last_name="Inconnue")
    logged_in(agent_a, HOST_A).post(f"/backoffice/appels/{logged.pk}/personne/", {"person": stranger.pk})
    logged.refresh_from_db()
    assert logged.person is None
    with pytest.raises(CallError):
        link_call_to_person(call=logged, person=stranger, actor=agent_a)


def test_recording_a_call_from_a_persons_page_preselects_them(territory, agent_a, jeanne):
    page = logged_in(agent_a, HOST_A).get(f"/backoffice/appels/?personne={jeanne.pk}").content.decode()
    assert f'value="person-{jeanne.pk}" id="caller-person-{jeanne.pk}" checked' in page


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Camille Martin", ("Camille", "Martin")),
        ("MARTIN Camille", ("Camille", "MARTIN")),
        ("Martin", ("", "Martin")),
        ("Jean-Pierre de La Tour", ("Jean-Pierre", "de La Tour")),
    ],
)
def test_the_typed_name_is_split_into_first_and_last_name(typed, expected):
    assert split_name(typed) == expected


def test_a_call_linked_to_a_person_is_summarised_in_the_journal(territory, agent_a, jeanne):
    logged = call(territory.commune_a, agent_a, person=jeanne)
    event = AuditEvent.objects.get(action="call.logged", object_id=str(logged.pk))
    assert event.after["person"] == jeanne.pk
