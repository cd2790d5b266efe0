"""One account for the territory: the same account on every commune's site, each commune showing its own cases.

Decision: sessions are per hostname (the session cookie has no Domain attribute), because the communes'
sites may live on unrelated domains (admiville.fr, saint-admi.fr); the user logs in on each site with
the same account (password, magic link or FranceConnect). "Mes demandes" lists only the cases filed
with the commune whose site it is.
"""

from __future__ import annotations

from django.test import Client

from parvis.cases.services import submit_case
from tests.accounts.helpers import post_login
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import PASSWORD, published_procedure
from tests.franceconnect.conftest import Browser


def test_the_session_cookie_belongs_to_one_host(territory, citizen, settings):
    assert settings.SESSION_COOKIE_DOMAIN is None
    client = Client(HTTP_HOST=HOST_A)
    response = post_login(client, citizen.email, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["domain"] == ""  # host-only: commune B's site never receives it


def test_the_same_account_logs_in_on_both_communes(territory, citizen):
    for host in (HOST_A, HOST_B):
        client = Client(HTTP_HOST=host)
        assert post_login(client, citizen.email, PASSWORD).status_code == 302
        assert client.session["_auth_user_id"] == str(citizen.pk)


def test_franceconnect_logs_in_the_same_account_on_both_communes(fc_config):
    on_a, on_b = Browser(HOST_A), Browser(HOST_B)
    on_a.login("camille")
    on_b.login("camille")
    assert on_a.logged_in_user_id() == on_b.logged_in_user_id() is not None


def test_each_commune_lists_only_the_cases_filed_with_it(territory, citizen, admin_a, epci_admin):
    cases = {}
    for commune, host in ((territory.commune_a, HOST_A), (territory.commune_b, HOST_B)):
        procedure = published_procedure(commune, actor=epci_admin, slug=f"demande-{commune.slug}")
        cases[host] = submit_case(
            organisation=commune,
            procedure=procedure,
            answers={"objet": f"Objet à {commune.name}"},
            requester=citizen,
            requester_name="Camille Martin",
            requester_email=citizen.email,
            actor=citizen,
        ).case
    for host, other in ((HOST_A, HOST_B), (HOST_B, HOST_A)):
        page = logged_in(citizen, host).get("/mon-espace/demandes/").content.decode()
        assert cases[host].reference in page
        assert cases[other].reference not in page
