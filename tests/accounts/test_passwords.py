from django.contrib.auth import SESSION_KEY

from parvis.accounts.models import User
from parvis.audit.models import AuditEvent
from parvis.notifications.models import OutboundMessage
from tests.accounts.helpers import last_message, link_path, post_login
from tests.conftest import HOST_A, logged_in
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "un tout nouveau mot de passe"


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(territory, citizen, client_a):
    known = client_a.post("/compte/mot-de-passe-oublie/", {"email": citizen.email.upper()})
    unknown = client_a.post("/compte/mot-de-passe-oublie/", {"email": "inconnu@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/compte/mot-de-passe-oublie/envoye/"
    assert list(OutboundMessage.objects.values_list("event", "to")) == [("account.password_reset", citizen.email)]


def test_password_reset_flow_sets_a_new_password_and_lifts_the_lock(territory, citizen, client_a, settings):
    settings.PARVIS_LOGIN_MAX_FAILURES = 2
    post_login(client_a, citizen.email, "mauvais")
    post_login(client_a, citizen.email, "mauvais")
    citizen.refresh_from_db()
    assert citizen.is_locked()

    client_a.post("/compte/mot-de-passe-oublie/", {"email": citizen.email})
    path = link_path(last_message("account.password_reset", citizen.email))
    assert client_a.get(path).status_code == 200
    mismatch = client_a.post(path, {"password1": NEW_PASSWORD, "password2": "autre chose"})
    assert "ne sont pas identiques" in mismatch.text and NEW_PASSWORD not in mismatch.text

    response = client_a.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/compte/connexion/"
    assert "Votre mot de passe a été modifié" in response.text
    citizen.refresh_from_db()
    assert not citizen.is_locked()
    assert AuditEvent.objects.filter(action="account.password_reset", actor=citizen).exists()
    assert post_login(client_a, citizen.email, PASSWORD).status_code == 200  # old one refused
    assert post_login(client_a, citizen.email, NEW_PASSWORD).status_code == 302
    # The link served once.
    client_a.post("/compte/deconnexion/")
    assert client_a.get(path).status_code == 400


def test_a_reset_link_for_an_unconfirmed_account_confirms_the_address(territory, client_a):
    user = UserFactory(email_verified_at=None)
    client_a.post("/compte/mot-de-passe-oublie/", {"email": user.email})
    path = link_path(last_message("account.password_reset", user.email))
    client_a.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert User.objects.get(pk=user.pk).email_verified_at is not None


def test_a_tampered_reset_link_is_refused(territory, citizen, client_a):
    client_a.post("/compte/mot-de-passe-oublie/", {"email": citizen.email})
    path = link_path(last_message("account.password_reset", citizen.email))
    assert client_a.get(path[:-3] + "xx/").status_code == 400
    assert client_a.get("/compte/mot-de-passe-oublie/ZZZ/abc-def/").status_code == 400


def test_password_change_needs_the_current_password_and_keeps_the_session(territory, citizen):
    client = logged_in(citizen, HOST_A)
    wrong = client.post(
        "/mon-espace/mot-de-passe/",
        {"old_password": "pas le bon", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and "Le mot de passe actuel est incorrect." in wrong.text
    weak = client.post("/mon-espace/mot-de-passe/", {"old_password": PASSWORD, "password1": "123", "password2": "123"})
    assert weak.status_code == 200 and "trop court" in weak.text

    done = client.post(
        "/mon-espace/mot-de-passe/",
        {"old_password": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert done["Location"] == "/mon-espace/"
    assert SESSION_KEY in client.session and client.get("/mon-espace/").status_code == 200
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="account.password_changed", actor=citizen).exists()
