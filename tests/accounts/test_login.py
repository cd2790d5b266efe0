import datetime as dt

import time_machine
from django.test import Client
from django.utils import timezone

from parvis.audit.models import AuditEvent
from tests.accounts.helpers import LOGIN_URL, post_login
from tests.conftest import HOST_A, logged_in
from tests.factories import PASSWORD, UserFactory

REFUSED = "Adresse électronique ou mot de passe incorrect."


def test_citizen_logs_in_and_lands_in_their_space_without_second_factor(territory, citizen, client_a):
    response = post_login(client_a, "Camille@Example.org ", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/compte/accueil/"
    landing = client_a.get("/compte/accueil/")
    assert landing["Location"] == "/mon-espace/"
    space = client_a.get("/mon-espace/")
    assert space.status_code == 200 and "Mon espace" in space.text and citizen.email in space.text
    assert AuditEvent.objects.filter(action="account.login", actor=citizen).exists()


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(territory, citizen, client_a):
    wrong = post_login(client_a, citizen.email, "pas le bon mot de passe")
    unknown = post_login(client_a, "personne@example.org", "pas le bon mot de passe")
    assert wrong.status_code == unknown.status_code == 200
    assert REFUSED in wrong.text and REFUSED in unknown.text
    assert f'value="{citizen.email}"' in wrong.text  # the email is kept, never the password
    assert "pas le bon mot de passe" not in wrong.text
    assert AuditEvent.objects.filter(action="account.login_failed").count() == 2


def test_repeated_failures_lock_the_account_even_against_the_right_password(territory, citizen, client_a, settings):
    settings.PARVIS_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        post_login(client_a, citizen.email, "mauvais mot de passe")
    citizen.refresh_from_db()
    assert citizen.is_locked()
    assert AuditEvent.objects.filter(action="account.locked", object_id=str(citizen.pk)).count() == 1

    response = post_login(client_a, citizen.email, PASSWORD)
    assert response.status_code == 200 and REFUSED in response.text
    assert "_auth_user_id" not in client_a.session


def test_the_lock_lifts_after_the_delay(territory, citizen, client_a, settings):
    settings.PARVIS_LOGIN_MAX_FAILURES = 3
    settings.PARVIS_LOGIN_LOCK_SECONDS = 600
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            post_login(client_a, citizen.email, "mauvais mot de passe")
        traveller.shift(dt.timedelta(seconds=599))
        assert post_login(client_a, citizen.email, PASSWORD).status_code == 200
        traveller.shift(dt.timedelta(seconds=2))
        assert post_login(client_a, citizen.email, PASSWORD).status_code == 302
    citizen.refresh_from_db()
    assert citizen.failed_login_count == 0 and citizen.locked_until is None


def test_failures_spread_beyond_the_window_do_not_lock(territory, citizen, client_a, settings):
    settings.PARVIS_LOGIN_MAX_FAILURES = 3
    settings.PARVIS_LOGIN_LOCK_SECONDS = 600
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(4):
            post_login(client_a, citizen.email, "mauvais mot de passe")
            traveller.shift(dt.timedelta(seconds=601))
    citizen.refresh_from_db()
    assert not citizen.is_locked()


def test_a_successful_login_resets_the_failure_counter(territory, citizen, client_a, settings):
    settings.PARVIS_LOGIN_MAX_FAILURES = 3
    post_login(client_a, citizen.email, "mauvais mot de passe")
    post_login(client_a, citizen.email, "mauvais mot de passe")
    assert post_login(client_a, citizen.email, PASSWORD).status_code == 302
    citizen.refresh_from_db()
    assert citizen.failed_login_count == 0


def test_one_ip_address_is_rate_limited_across_accounts(territory, citizen, settings):
    settings.PARVIS_LOGIN_IP_MAX_FAILURES = 3
    attacker = Client(HTTP_HOST=HOST_A, REMOTE_ADDR="203.0.113.7")
    for n in range(3):
        post_login(attacker, f"victime{n}@example.org", "devine")
    blocked = post_login(attacker, citizen.email, PASSWORD)
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.text
    assert AuditEvent.objects.filter(action="account.ip_rate_limited", ip_address="203.0.113.7").count() == 1
    neighbour = Client(HTTP_HOST=HOST_A, REMOTE_ADDR="198.51.100.2")
    assert post_login(neighbour, citizen.email, PASSWORD).status_code == 302


def test_next_is_followed_only_when_it_stays_on_the_site(territory, citizen):
    inside = post_login(Client(HTTP_HOST=HOST_A), citizen.email, PASSWORD, next="/mon-espace/mes-profils/")
    assert inside["Location"] == "/mon-espace/mes-profils/"
    for evil in ("https://evil.example/", "//evil.example/x", "http://commune-b.localhost/"):
        outside = post_login(Client(HTTP_HOST=HOST_A), citizen.email, PASSWORD, next=evil)
        assert outside["Location"] == "/compte/accueil/", evil


def test_the_login_page_carries_next_from_a_protected_page(territory, client_a):
    response = client_a.get("/mon-espace/", follow=True)
    assert response.redirect_chain == [("/compte/connexion/?next=/mon-espace/", 302)]
    assert 'name="next" value="/mon-espace/"' in response.text


def test_logout_is_post_only_and_journaled(territory, citizen):
    client = logged_in(citizen, HOST_A)
    assert client.get("/compte/deconnexion/").status_code == 405
    assert client.get("/mon-espace/").status_code == 200
    response = client.post("/compte/deconnexion/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/mon-espace/").status_code == 302
    assert AuditEvent.objects.filter(action="account.logout", actor=citizen).exists()


def test_agents_land_in_the_back_office_and_citizens_in_their_space(territory, citizen, agent_a, agent_b):
    assert logged_in(agent_a, HOST_A).get("/compte/accueil/")["Location"] == "/backoffice/"
    assert logged_in(citizen, HOST_A).get("/compte/accueil/")["Location"] == "/mon-espace/"
    # An agent of commune B visiting commune A is a resident there.
    assert logged_in(agent_b, HOST_A).get("/compte/accueil/")["Location"] == "/mon-espace/"


def test_a_logged_in_user_opening_the_login_page_is_told_so(territory, citizen):
    response = logged_in(citizen, HOST_A).get(LOGIN_URL)
    assert response.status_code == 200 and "Vous êtes connecté(e)" in response.text


def test_session_slides_while_active_and_expires_after_two_idle_hours(territory, citizen, client_a):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert post_login(client_a, citizen.email, PASSWORD).status_code == 302
        for _ in range(3):  # 3 × 1 h 50: well past 2 h in total, but never 2 h idle
            traveller.shift(dt.timedelta(hours=1, minutes=50))
            assert client_a.get("/mon-espace/").status_code == 200
        traveller.shift(dt.timedelta(hours=2, minutes=1))
        response = client_a.get("/mon-espace/", follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN_URL)
    assert "Votre session a expiré" in response.text
    # Said once: the next visit of the login page is an ordinary one.
    assert "Votre session a expiré" not in client_a.get(LOGIN_URL).text


def test_the_login_page_does_not_claim_an_expiry_after_a_logout(territory, citizen, client_a):
    post_login(client_a, citizen.email, PASSWORD)
    client_a.post("/compte/deconnexion/")
    assert "Votre session a expiré" not in client_a.get(LOGIN_URL).text


def test_inactive_accounts_cannot_log_in(territory, client_a):
    user = UserFactory(is_active=False)
    response = post_login(client_a, user.email, PASSWORD)
    assert response.status_code == 200 and REFUSED in response.text
