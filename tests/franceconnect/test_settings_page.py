"""The administrators' FranceConnect page: keys stored encrypted, environments, sharing at EPCI level."""

from __future__ import annotations

from parvis.audit.models import AuditEvent
from parvis.franceconnect.models import FranceConnectConfig
from parvis.franceconnect.services import config_for
from tests.conftest import HOST_A, HOST_EPCI, logged_in

URL = "/backoffice/franceconnect/"
SECRET = "secret-d-integration-recu-de-datapass-0123456789"


def test_an_administrator_saves_the_keys_and_the_secret_is_stored_encrypted(territory, admin_a):
    client = logged_in(admin_a, HOST_A)
    page = client.get(URL).content.decode()
    assert "http://commune-a.localhost/franceconnect/retour/" in page
    assert "http://commune-a.localhost/franceconnect/deconnexion/retour/" in page
    response = client.post(
        URL, {"enabled": "on", "environment": "integration", "client_id": "abc123", "client_secret": SECRET}
    )
    assert response.status_code == 302
    config = FranceConnectConfig.objects.get(organisation=territory.commune_a)
    assert config.client_secret == SECRET and SECRET not in config.client_secret_encrypted
    assert config_for(territory.commune_a) == config
    event = AuditEvent.objects.get(action="franceconnect.config_changed")
    assert SECRET not in str(event.after) and event.after["client_secret_changed"] is True
    # An empty secret keeps the stored one.
    client.post(URL, {"enabled": "on", "environment": "production", "client_id": "abc123", "client_secret": ""})
    config.refresh_from_db()
    assert config.client_secret == SECRET and config.environment == "production"


def test_enabling_without_keys_is_refused_with_a_clear_message(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(URL, {"enabled": "on", "environment": "integration", "client_id": "abc"})
    assert response.status_code == 200
    assert "indiquez l&#x27;identifiant client et le secret" in response.content.decode()
    assert 'value="abc"' in response.content.decode()


def test_the_local_provider_cannot_be_chosen_where_it_is_off(territory, admin_a, settings):
    settings.PARVIS_FC_LOCAL_PROVIDER = False
    response = logged_in(admin_a, HOST_A).post(
        URL, {"enabled": "on", "environment": "local", "client_id": "x", "client_secret": SECRET}
    )
    assert "fournisseur local de démonstration n&#x27;est pas activé" in response.content.decode()
    assert not FranceConnectConfig.objects.filter(enabled=True).exists()


def test_the_epci_shares_its_configuration_and_a_commune_sees_it_inherited(territory, epci_admin, admin_a):
    logged_in(epci_admin, HOST_EPCI).post(
        URL,
        {
            "enabled": "on",
            "environment": "integration",
            "client_id": "epci",
            "client_secret": SECRET,
            "shared_with_communes": "on",
        },
    )
    assert config_for(territory.commune_b).organisation == territory.epci
    page = logged_in(admin_a, HOST_A).get(URL).content.decode()
    assert "configuration partagée par" in page and "Agglo de test" in page


def test_a_commune_cannot_share_with_communes(territory, admin_a):
    logged_in(admin_a, HOST_A).post(
        URL,
        {
            "enabled": "on",
            "environment": "integration",
            "client_id": "a",
            "client_secret": SECRET,
            "shared_with_communes": "on",
        },
    )
    assert not FranceConnectConfig.objects.get(organisation=territory.commune_a).shared_with_communes


def test_agents_who_are_not_administrators_are_refused(territory, agent_a):
    assert logged_in(agent_a, HOST_A).get(URL).status_code == 403
