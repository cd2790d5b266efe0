"""The agents' deadline calculator page."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import HOST_A, logged_in

URL = "/backoffice/calcul-delais/"

EXAMPLE_1 = {"received": "2025-01-15", "rule": "sva", "period": "2", "unit": "months", "calendar": "FR"}


def test_the_calculator_has_its_url_name():
    assert reverse("legal:calculator") == URL


def test_an_agent_sees_the_empty_form_with_the_organisations_calendar(territory, agent_a):
    territory.commune_a.calendar = "FR-ALSACE-MOSELLE"
    territory.commune_a.save()
    response = logged_in(agent_a, HOST_A).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Calcul des délais</h1>" in html
    assert '<option value="FR-ALSACE-MOSELLE" selected>' in html
    assert "Explication du calcul" not in html
    assert 'aria-current="page">Calcul des délais</a>' in html  # the back-office menu entry


def test_an_agent_computes_example_1_in_french_long_form(territory, agent_a):
    response = logged_in(agent_a, HOST_A).get(URL, EXAMPLE_1)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>samedi 15 mars 2025</strong>" in html
    assert "<strong>dimanche 16 mars 2025</strong> (acceptation)" in html
    assert "Pas de report au jour ouvré suivant : le délai de l&#x27;administration n&#x27;est pas prorogé." in html


def test_an_svr_result_shows_the_suspension_and_the_recourse_deadline(territory, agent_a):
    query = {**EXAMPLE_1, "received": "2025-02-10", "rule": "svr"}
    query |= {"incomplete_1_requested": "2025-02-20", "incomplete_1_received": "2025-02-25"}
    html = logged_in(agent_a, HOST_A).get(URL, query).content.decode()
    assert "<strong>mardi 15 avril 2025</strong>" in html and "<strong>mercredi 16 avril 2025</strong> (rejet)" in html
    assert "Jours de suspension</dt><dd>5</dd>" in html
    # Rejection born Wed 16 Apr 2025: + 2 months = 16 Jun, franc day Tue 17 Jun 2025.
    assert "Dernier jour de recours contre le rejet implicite</dt><dd>mardi 17 juin 2025</dd>" in html


def test_a_missing_piece_shows_the_clock_has_not_started(territory, agent_a):
    query = {**EXAMPLE_1, "incomplete_2_requested": "2025-02-10", "incomplete_2_deadline": "2025-03-10"}
    html = logged_in(agent_a, HOST_A).get(URL, query).content.decode()
    assert "Délai non commencé" in html and "Pas encore de date : pièces manquantes attendues" in html


def test_bad_input_shows_french_errors_on_the_fields_and_keeps_the_values(territory, agent_a):
    query = {**EXAMPLE_1, "received": "2025-02-30", "period": "-2"}
    response = logged_in(agent_a, HOST_A).get(URL, query)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le 30 février 2025 n&#x27;existe pas" in html
    assert 'value="2025-02-30"' in html and 'value="-2"' in html
    assert 'aria-invalid="true"' in html and "Explication du calcul" not in html


def test_an_engine_error_is_shown_on_the_right_field(territory, agent_a):
    query = {**EXAMPLE_1, "incomplete_3_requested": "2025-02-10", "incomplete_3_received": "2025-02-01"}
    html = logged_in(agent_a, HOST_A).get(URL, query).content.decode()
    assert 'id="id_incomplete_3_received_error"' in html and "ne peuvent pas avoir été reçues" in html
    assert "Pièces manquantes n° 3 : les pièces" in html  # the row's number, though rows 1 and 2 are empty
    assert 'value="2025-02-01"' in html


def test_a_negative_period_is_refused_by_the_engine_message(territory, agent_a):
    html = logged_in(agent_a, HOST_A).get(URL, {**EXAMPLE_1, "period": "0"}).content.decode()
    assert 'id="id_period_error"' in html and "strictement positif" in html


def test_pieces_received_without_a_request_date_are_refused(territory, agent_a):
    html = logged_in(agent_a, HOST_A).get(URL, {**EXAMPLE_1, "incomplete_1_received": "2025-02-10"}).content.decode()
    assert 'id="id_incomplete_1_requested_error"' in html


def test_an_anonymous_visitor_is_sent_to_login(territory, client_a):
    response = client_a.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_a_citizen_is_refused(territory, citizen):
    assert logged_in(citizen, HOST_A).get(URL).status_code == 403


def test_the_calculator_is_read_only(territory, agent_a):
    assert logged_in(agent_a, HOST_A).post(URL, EXAMPLE_1).status_code == 405
