"""The person 360° view: everything about a resident, across the communes where the agent has a role."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from parvis.accounts.enums import Role
from parvis.audit.models import AuditEvent
from parvis.cases.enums import Channel
from parvis.people.models import Person
from parvis.people.overview import collect, reachable_organisations
from parvis.people.services import create_person, merge_persons, person_for_user
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import MembershipFactory, UserFactory
from tests.people.overview_helpers import camille_story


@pytest.fixture
def story(territory, citizen, admin_a):
    return camille_story(territory, citizen, admin_a)


def _page(user, person, host=HOST_A, query=""):
    response = logged_in(user, host).get(f"/backoffice/personnes/{person.pk}/{query}")
    return response, response.content.decode()


def _agent_request(user, organisation):
    request = RequestFactory().get("/")
    request.user = user
    request.organisation = organisation
    return request


def test_the_page_shows_every_kind_of_item_of_the_person_with_its_channel(territory, admin_a, story):
    response, page = _page(admin_a, story.person)
    assert response.status_code == 200
    for text in (
        f"Demande {story.case_a.reference}",
        "Message à la personne",
        "Message de la personne",
        "livret-famille.pdf",
        "Appel — État civil",
        "Rendez-vous — Carte nationale",
        "Facture CANT-0001 — Cantine de novembre",
        "Canal : Accueil (guichet)",
        "Canal : Téléphone",
    ):
        assert text in page, text
    assert story.case_b.reference not in page  # commune B: the administrator of A has no role there


def test_items_come_newest_first_from_every_provider(territory, admin_a, story):
    request = _agent_request(admin_a, territory.commune_a)
    items = collect(story.person, organisations=reachable_organisations(request), request=request)
    kinds = {item.kind for item in items}
    assert kinds == {"case", "message", "document", "call", "appointment", "invoice"}
    dates = [item.at for item in items]
    assert dates == sorted(dates, reverse=True)


def test_an_agent_of_commune_a_sees_only_as_items_even_when_the_account_filed_in_b(territory, admin_a, story):
    request = _agent_request(admin_a, territory.commune_a)
    assert reachable_organisations(request) == [territory.commune_a]
    items = collect(story.person, organisations=reachable_organisations(request), request=request)
    assert {item.organisation for item in items} == {territory.commune_a}


def test_an_agent_with_a_role_in_both_communes_sees_the_accounts_items_in_b_linked_there(
    territory, admin_a, citizen, story
):
    MembershipFactory(user=admin_a, organisation=territory.commune_b, role=Role.FRONT_OFFICE)
    response, page = _page(admin_a, story.person)
    assert story.case_a.reference in page and story.case_b.reference in page
    # B's case opens on B's own hostname, where the agent's role applies.
    assert f"http://{HOST_B}" in page and f"/backoffice/demandes/{story.case_b.reference}/" in page
    assert "<li>Commune B : " in page


def test_the_epci_administrator_reaches_every_commune_of_the_epci(territory, epci_admin, story):
    request = _agent_request(epci_admin, territory.commune_a)
    assert set(reachable_organisations(request)) == {territory.epci, territory.commune_a, territory.commune_b}
    response, page = _page(epci_admin, story.person)
    assert response.status_code == 200 and story.case_b.reference in page


def test_an_elected_role_in_b_does_not_open_bs_items(territory, admin_a, story):
    MembershipFactory(user=admin_a, organisation=territory.commune_b, role=Role.ELECTED)
    _, page = _page(admin_a, story.person)
    assert story.case_b.reference not in page


def test_a_department_agent_sees_the_cases_of_their_department_only(territory, agent_a, story):
    MembershipFactory(user=agent_a, organisation=territory.commune_a, role=Role.FRONT_OFFICE, department=None)
    _, page = _page(agent_a, story.person)
    assert story.other_department_case.reference in page  # front office: every department
    limited = UserFactory()
    MembershipFactory(
        user=limited, organisation=territory.commune_a, role=Role.BACK_OFFICE, department=territory.department_a
    )
    _, page = _page(limited, story.person)
    assert story.case_a.reference in page and story.other_department_case.reference not in page


def test_another_communes_record_of_the_same_account_brings_its_items(territory, admin_a, citizen, story):
    from parvis.calls.services import log_call
    from tests.calls.helpers import subject

    record_b = person_for_user(organisation=territory.commune_b, user=citizen, actor=None)
    log_call(
        organisation=territory.commune_b,
        caller_name="Camille",
        subject=subject(territory.commune_b, "Urbanisme"),
        person=record_b,
        actor=None,
    )
    MembershipFactory(user=admin_a, organisation=territory.commune_b, role=Role.ADMIN)
    _, page = _page(admin_a, story.person)
    assert "Appel — Urbanisme" in page


def test_a_light_identity_sees_only_its_own_communes_items_matched_by_email(territory, admin_a, story):
    from tests.payments.helpers import make_invoice, make_regie

    light = create_person(
        organisation=territory.commune_a,
        actor=admin_a,
        first_name="Louis",
        last_name="Perrin",
        email="louis.perrin@example.org",
    )
    make_invoice(
        territory.commune_a,
        make_regie(territory.commune_a, slug="eau", name="Eau"),
        reference="EAU-1",
        email="Louis.Perrin@example.org",
    )
    make_invoice(
        territory.commune_b,
        make_regie(territory.commune_b, slug="eau-b", name="Eau B"),
        reference="EAU-B",
        email="louis.perrin@example.org",
    )
    MembershipFactory(user=admin_a, organisation=territory.commune_b, role=Role.ADMIN)
    _, page = _page(admin_a, light)
    assert "Facture EAU-1" in page and "EAU-B" not in page and story.case_a.reference not in page


def test_each_view_is_written_in_the_journal_of_each_commune_whose_items_were_shown(territory, admin_a, citizen, story):
    _page(admin_a, story.person)
    _page(admin_a, story.person, query="?kind=call")
    events = AuditEvent.objects.filter(action="person.viewed", organisation=territory.commune_a)
    assert events.count() == 2
    assert events.order_by("sequence").last().after["filters"] == {"kind": "call"}
    assert events.first().object_id == str(story.person.pk)
    assert not AuditEvent.objects.filter(action="person.viewed", organisation=territory.commune_b).exists()
    MembershipFactory(user=admin_a, organisation=territory.commune_b, role=Role.ADMIN)
    _page(admin_a, story.person)
    in_b = AuditEvent.objects.get(action="person.viewed", organisation=territory.commune_b)
    assert in_b.actor == admin_a and in_b.after["viewed_from"] == territory.commune_a.pk


def test_the_items_are_filtered_by_kind_and_by_channel_without_javascript(territory, admin_a, story):
    response, page = _page(admin_a, story.person, query="?kind=call&channel=")
    assert response.status_code == 200
    assert "Appel — État civil" in page and story.case_a.reference + " —" not in page
    assert "1 élément correspondant aux filtres" in page
    _, page = _page(admin_a, story.person, query=f"?kind=&channel={Channel.COUNTER}")
    assert f"Demande {story.case_a.reference}" in page and "Appel — État civil" not in page
    assert 'value="call" ' in page or 'value="call">' in page  # the filter lists every kind


def test_an_unknown_filter_value_is_refused_beside_the_field(territory, admin_a, story):
    response, page = _page(admin_a, story.person, query="?kind=spaceship")
    assert response.status_code == 400 and "spaceship" in page and "id_kind_error" in page


def test_the_page_keeps_a_fixed_number_of_queries_whatever_the_number_of_items(
    territory, admin_a, citizen, story, django_assert_max_num_queries, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(admin_a, HOST_A)
    url = f"/backoffice/personnes/{story.person.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    from parvis.calls.services import log_call
    from parvis.cases.services import message_citizen
    from tests.calls.helpers import subject

    for number in range(5):
        log_call(
            organisation=territory.commune_a,
            caller_name="Camille",
            subject=subject(territory.commune_a, f"Sujet {number}"),
            person=story.person,
            actor=admin_a,
        )
        message_citizen(case=story.case_a, text=f"Message {number}", actor=admin_a)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Appel — Sujet") == 5
    with django_assert_max_num_queries(30):
        client.get(url + "?kind=message")


def test_a_merged_record_says_so_and_links_to_the_kept_one(territory, admin_a):
    keep = create_person(organisation=territory.commune_a, actor=admin_a, first_name="Marie", last_name="Curie")
    duplicate = create_person(
        organisation=territory.commune_a, actor=admin_a, first_name="Marie", last_name="Curie", allow_duplicate=True
    )
    merge_persons(keep=keep, duplicate=duplicate, actor=admin_a)
    _, page = _page(admin_a, duplicate)
    assert "Fiche fusionnée" in page and f"/backoffice/personnes/{keep.pk}/" in page


def test_the_account_is_shown_on_the_identity_card(territory, admin_a, citizen, story):
    _, page = _page(admin_a, story.person)
    assert citizen.email in page and "Compte" in page


@pytest.mark.parametrize("role", [Role.ELECTED, Role.FIELD])
def test_roles_without_access_to_people_are_refused(territory, story, role):
    user = UserFactory()
    MembershipFactory(user=user, organisation=territory.commune_a, role=role)
    response, page = _page(user, story.person)
    assert response.status_code == 403 and story.case_a.reference not in page


def test_an_agent_of_b_gets_a_404_for_as_person_on_their_own_hostname(territory, agent_b, story):
    response, page = _page(agent_b, story.person, host=HOST_B)
    assert response.status_code == 404 and story.case_a.reference not in page
    response, _ = _page(agent_b, story.person, host=HOST_A)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="person.viewed").exists()


def test_person_records_are_unchanged_by_a_view(territory, admin_a, story):
    before = Person.objects.count()
    _page(admin_a, story.person)
    assert Person.objects.count() == before
