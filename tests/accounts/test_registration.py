import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from parvis.accounts.models import User
from parvis.audit.models import AuditEvent
from parvis.notifications.models import OutboundMessage
from tests.accounts.helpers import last_message, link_path, post_login
from tests.conftest import HOST_A
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "une phrase de passe solide"


def registration(**overrides):
    data = {
        "email": "Nouvelle.Usagere@Example.org",
        "first_name": "Louise",
        "last_name": "Dupont",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "accept_terms": "on",
    }
    return data | overrides


def test_registration_creates_an_unconfirmed_account_and_emails_a_link(territory, client_a):
    response = client_a.post("/compte/inscription/", registration())
    assert response.status_code == 302
    assert response["Location"] == "/compte/inscription/verifiez-votre-messagerie/"
    user = User.objects.get(email="nouvelle.usagere@example.org")
    assert user.email_verified_at is None
    message = last_message("account.confirm_email", user.email)
    assert message.organisation == territory.commune_a
    assert "Louise" in message.body_text
    assert "commune-a.localhost" in message.body_text
    assert AuditEvent.objects.filter(action="account.registered", object_id=str(user.pk)).exists()


def test_the_confirmation_link_confirms_logs_in_and_lands_in_the_space(territory, client_a):
    client_a.post("/compte/inscription/", registration())
    path = link_path(last_message("account.confirm_email", "nouvelle.usagere@example.org"))
    page = client_a.get(path)
    assert page.status_code == 200
    assert "Confirmer mon adresse" in page.text
    assert User.objects.get(email="nouvelle.usagere@example.org").email_verified_at is None  # GET confirms nothing

    response = client_a.post(path, follow=True)
    assert response.redirect_chain[-1][0] == "/mon-espace/"
    assert "Votre adresse électronique est confirmée" in response.text
    user = User.objects.get(email="nouvelle.usagere@example.org")
    assert user.email_verified_at is not None
    assert AuditEvent.objects.filter(action="account.email_confirmed", actor=user).exists()


def test_a_used_confirmation_link_does_not_log_anyone_in_again(territory, client_a, client):
    client_a.post("/compte/inscription/", registration())
    path = link_path(last_message("account.confirm_email", "nouvelle.usagere@example.org"))
    client_a.post(path)
    other = client.post(path, HTTP_HOST=HOST_A)
    assert other.status_code == 302 and other["Location"] == "/compte/connexion/"
    assert "_auth_user_id" not in client.session


def test_an_expired_confirmation_link_is_refused_and_offers_a_new_one(territory, client_a):
    client_a.post("/compte/inscription/", registration())
    path = link_path(last_message("account.confirm_email", "nouvelle.usagere@example.org"))
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        response = client_a.get(path)
    assert response.status_code == 400
    assert "a expiré" in response.text
    assert User.objects.get(email="nouvelle.usagere@example.org").email_verified_at is None


def test_a_forged_confirmation_link_is_refused(territory, client_a):
    assert client_a.get("/compte/confirmation/abc:def:ghi/").status_code == 400


def test_registering_an_existing_address_reveals_nothing_and_warns_the_owner(territory, citizen, client_a):
    fresh = client_a.post("/compte/inscription/", registration(email="quelquun@example.org"))
    duplicate = client_a.post("/compte/inscription/", registration(email="CAMILLE@example.org"))
    assert duplicate.status_code == fresh.status_code == 302
    assert duplicate["Location"] == fresh["Location"]
    assert User.objects.filter(email__iexact="camille@example.org").count() == 1
    assert not OutboundMessage.objects.filter(event="account.confirm_email", to=citizen.email).exists()
    warning = last_message("account.already_registered", citizen.email)
    assert "/compte/mot-de-passe-oublie/" in warning.body_text
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)  # the attempt changed nothing


def test_registration_errors_are_in_french_and_keep_what_was_typed_but_not_passwords(territory, client_a):
    response = client_a.post(
        "/compte/inscription/",
        registration(email="pas-une-adresse", password2="autre chose encore", accept_terms=""),
    )
    assert response.status_code == 200
    assert "Saisissez une adresse électronique valide" in response.text
    assert "Les deux mots de passe ne sont pas identiques." in response.text
    assert "Cochez cette case" in response.text
    assert 'value="pas-une-adresse"' in response.text and 'value="Louise"' in response.text
    assert NEW_PASSWORD not in response.text
    assert 'aria-invalid="true"' in response.text and 'href="#id_email"' in response.text
    assert not User.objects.exists()


def test_registration_refuses_a_weak_password(territory, client_a):
    response = client_a.post("/compte/inscription/", registration(password1="12345678", password2="12345678"))
    assert response.status_code == 200
    assert "trop court" in response.text
    assert not User.objects.exists()


def test_login_with_an_unconfirmed_account_is_refused_with_a_way_to_resend(territory, client_a):
    user = UserFactory(email="pas-confirme@example.org", email_verified_at=None)
    response = post_login(client_a, user.email, PASSWORD)
    assert response.status_code == 200
    assert "pas encore confirmée" in response.text
    assert "Recevoir un nouveau lien de confirmation" in response.text
    assert "_auth_user_id" not in client_a.session

    resend = client_a.post("/compte/confirmation/renvoyer/", {"email": user.email})
    assert resend.status_code == 302
    assert link_path(last_message("account.confirm_email", user.email)).startswith("/compte/confirmation/")


def test_resending_a_confirmation_for_an_unknown_address_answers_the_same(territory, client_a):
    response = client_a.post("/compte/confirmation/renvoyer/", {"email": "inconnu@example.org"})
    assert response.status_code == 302 and response["Location"] == "/compte/inscription/verifiez-votre-messagerie/"
    assert not OutboundMessage.objects.exists()


@pytest.mark.parametrize("path", ["/compte/inscription/", "/compte/mot-de-passe-oublie/"])
def test_email_sending_forms_are_rate_limited_per_ip(territory, client_a, settings, path):
    settings.PARVIS_EMAIL_FORMS_IP_MAX = 2
    data = registration() if "inscription" in path else {"email": "x@example.org"}
    for n in range(2):
        payload = data | {"email": f"personne{n}@example.org"}
        assert client_a.post(path, payload).status_code == 302
    assert client_a.post(path, data | {"email": "encore@example.org"}).status_code == 429
    other_ip = client_a.post(path, data | {"email": "ailleurs@example.org"}, REMOTE_ADDR="10.1.2.3")
    assert other_ip.status_code == 302
