"""People (issue 5): one record per resident, found again whatever was typed, merged without losing history."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.calls.services import log_call
from parvis.cases.services import submit_case
from parvis.people.models import Person
from parvis.people.queries import search_persons
from parvis.people.services import (
    PersonError,
    create_person,
    link_account,
    merge_persons,
    person_for_user,
    phone_digits,
)
from tests.factories import UserFactory, published_procedure


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)


def jeanne(territory, agent_a, **values):
    data = {
        "first_name": "Jeanne",
        "last_name": "Lefèvre",
        "birth_date": dt.date(1948, 3, 2),
        "phone": "06 12 34 56 78",
        "address": "3 rue des Tilleuls, 99100 Admiville",
    } | values
    return create_person(organisation=territory.commune_a, actor=agent_a, **data)


def test_phone_numbers_compare_by_their_digits_whatever_the_format():
    assert phone_digits("06 12 34 56 78") == phone_digits("+33 6 12 34 56 78") == phone_digits("0033612345678")


def test_a_light_identity_needs_a_name_and_no_account(territory, agent_a):
    person = jeanne(territory, agent_a)
    assert person.user is None and person.full_name == "Jeanne LEFÈVRE"
    with pytest.raises(PersonError) as error:
        create_person(organisation=territory.commune_a, actor=agent_a, first_name="Sans", last_name="  ")
    assert error.value.field == "last_name"


def test_a_birth_date_in_the_future_is_refused(territory, agent_a):
    with pytest.raises(PersonError) as error:
        jeanne(territory, agent_a, birth_date=dt.date(2999, 1, 1))
    assert error.value.field == "birth_date"


def test_the_same_resident_coming_back_is_not_recorded_twice(territory, agent_a):
    jeanne(territory, agent_a)
    with pytest.raises(PersonError, match="semble déjà connue"):
        jeanne(territory, agent_a, phone="")  # same name and birth date
    with pytest.raises(PersonError, match="semble déjà connue"):
        jeanne(territory, agent_a, birth_date=None)  # same name and phone, typed differently below
    assert Person.objects.filter(organisation=territory.commune_a).count() == 1
    # Another commune keeps its own records.
    create_person(organisation=territory.commune_b, actor=None, first_name="Jeanne", last_name="Lefèvre")


def test_the_search_finds_a_person_by_name_without_accents_phone_birth_date_or_case_reference(
    territory, agent_a, procedure
):
    person = jeanne(territory, agent_a)
    jeanne(territory, agent_a, first_name="Paul", last_name="Martin", birth_date=None, phone="", address="")
    org = territory.commune_a
    assert search_persons(org, "lefevre") == [person]
    assert search_persons(org, "JEANNE lefèvre") == [person]
    assert search_persons(org, "+33 6 12 34 56 78") == [person]
    assert search_persons(org, "02/03/1948") == [person]
    assert search_persons(org, "tilleuls") == [person]
    assert search_persons(org, "31/02/1948") == []
    case = submit_case(
        organisation=org,
        procedure=procedure,
        answers={"objet": "Copie"},
        requester=None,
        requester_name="Jeanne Lefèvre",
        requester_phone="0612345678",
        channel="counter",
        person=person,
        actor=agent_a,
    ).case
    assert search_persons(org, case.reference) == [person]
    assert search_persons(territory.commune_b, "lefevre") == []


def test_a_case_cannot_point_to_another_communes_person(territory, agent_a, procedure):
    other = create_person(organisation=territory.commune_b, actor=None, last_name="Ailleurs")
    with pytest.raises(Exception, match="pas connue de cette collectivité"):
        submit_case(
            organisation=territory.commune_a,
            procedure=procedure,
            answers={"objet": "Copie"},
            requester=None,
            requester_name="X",
            requester_phone="0600000000",
            channel="counter",
            person=other,
            actor=agent_a,
        )


def test_an_account_gets_one_record_per_commune(territory, agent_a):
    user = UserFactory(first_name="Camille", last_name="Martin")
    first = person_for_user(organisation=territory.commune_a, user=user, actor=agent_a)
    assert person_for_user(organisation=territory.commune_a, user=user, actor=agent_a) == first
    assert person_for_user(organisation=territory.commune_b, user=user, actor=None) != first
    assert first.email == user.email and first.last_name == "Martin"


def test_merging_moves_every_case_and_call_to_the_kept_record_and_keeps_the_duplicate(territory, agent_a, procedure):
    keep = jeanne(territory, agent_a)
    duplicate = create_person(
        organisation=territory.commune_a, actor=agent_a, first_name="Jeane", last_name="Lefevre", email="j@example.fr"
    )
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Copie"},
        requester=None,
        requester_name="Jeane Lefevre",
        requester_email="j@example.fr",
        channel="counter",
        person=duplicate,
        actor=agent_a,
    ).case
    call = log_call(
        organisation=territory.commune_a, caller_name="Jeane Lefevre", subject_other="Horaires", actor=agent_a
    )
    call.person = duplicate
    call.save(update_fields=["person"])

    merge_persons(keep=keep, duplicate=duplicate, actor=agent_a)

    case.refresh_from_db()
    call.refresh_from_db()
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert case.person == keep and call.person == keep
    assert duplicate.merged_into == keep  # the duplicate stays, as history
    assert keep.email == "j@example.fr"  # an empty field took the duplicate's value
    assert search_persons(territory.commune_a, "jeane") == []  # merged records are not offered any more
    from parvis.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="person.merged")
    assert event.after["moved"] == {"cases.case.person": 1, "calls.call.person": 1}


def test_records_of_two_accounts_or_two_communes_are_never_merged(territory, agent_a):
    one = person_for_user(organisation=territory.commune_a, user=UserFactory(), actor=agent_a)
    two = person_for_user(organisation=territory.commune_a, user=UserFactory(), actor=agent_a)
    with pytest.raises(PersonError, match="deux comptes"):
        merge_persons(keep=one, duplicate=two, actor=agent_a)
    elsewhere = create_person(organisation=territory.commune_b, actor=None, last_name="Ailleurs")
    with pytest.raises(PersonError, match="même collectivité"):
        merge_persons(keep=one, duplicate=elsewhere, actor=agent_a)
    with pytest.raises(PersonError):
        merge_persons(keep=one, duplicate=one, actor=agent_a)


def test_an_account_is_linked_to_a_light_identity_only_once(territory, agent_a):
    user = UserFactory()
    light = jeanne(territory, agent_a)
    link_account(person=light, user=user, actor=agent_a)
    assert light.user == user
    other = create_person(organisation=territory.commune_a, actor=agent_a, last_name="Autre")
    with pytest.raises(PersonError, match="déjà rattaché"):
        link_account(person=other, user=user, actor=agent_a)
