from parvis.lib.colours import contrast_ratio
from tests.conftest import HOST_A, HOST_B, logged_in


def test_each_commune_home_shows_its_own_name(territory, client):
    response_a = client.get("/", HTTP_HOST=HOST_A)
    response_b = client.get("/", HTTP_HOST=HOST_B)
    assert "Commune A" in response_a.text and "Commune B" not in response_a.text
    assert "Commune B" in response_b.text


def test_unknown_host_lists_the_territory(territory, client):
    response = client.get("/", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert "Choisissez votre collectivité" in response.text
    assert "commune-a.localhost" in response.text


def test_theme_css_carries_the_commune_colours(territory, client):
    territory.commune_a.primary_colour = "#004d40"
    territory.commune_a.save()
    response = client.get("/theme.css", HTTP_HOST=HOST_A)
    assert response["Content-Type"].startswith("text/css")
    assert "--primary: #004d40" in response.text


def test_legal_pages_show_the_dpo_of_the_commune(territory, client):
    territory.commune_a.dpo_name = "Dominique Protection"
    territory.commune_a.save()
    assert "Dominique Protection" in client.get("/donnees-personnelles/", HTTP_HOST=HOST_A).text
    assert "Dominique Protection" not in client.get("/donnees-personnelles/", HTTP_HOST=HOST_B).text


def test_backoffice_is_refused_to_an_agent_of_another_commune(territory, agent_b):
    assert logged_in(agent_b, HOST_A).get("/backoffice/").status_code == 403
    assert logged_in(agent_b, HOST_B).get("/backoffice/").status_code == 200


def test_epci_administrator_administers_its_communes(territory, epci_admin):
    assert logged_in(epci_admin, HOST_A).get("/backoffice/").status_code == 200


def test_contrast_ratio_matches_wcag_reference_values():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48
