"""Account reconciliation: on the pivot identity, never on the email alone."""

from __future__ import annotations

import pytest

from parvis.accounts.models import User
from parvis.audit.models import AuditEvent
from parvis.franceconnect import services
from parvis.franceconnect import views as fc_views
from parvis.franceconnect.models import FranceConnectConfig, FranceConnectIdentity
from tests.factories import PASSWORD, UserFactory
from tests.franceconnect.conftest import CLIENT_ID, CLIENT_SECRET, ISSUER, Browser

CAMILLE = {
    "given_name": "Camille",
    "family_name": "Martin",
    "birthdate": "1988-05-14",
    "gender": "female",
    "birthplace": "75056",
    "birthcountry": "99100",
}


def _claims(sub: str = "sub-1", client_id: str = CLIENT_ID, email: str = "camille.martin@example.org", **pivot):
    return services.FranceConnectIdentityClaims(
        issuer=ISSUER, client_id=client_id, sub=sub, pivot={**CAMILLE, **pivot}, email=email
    )


def test_an_account_with_the_same_email_is_not_linked_without_its_password(fc_config):
    existing = UserFactory(email="camille.martin@example.org", first_name="Camille", last_name="Martin")
    browser = Browser()
    response = browser.login("camille")
    assert response["Location"] == "/franceconnect/relier-mon-compte/"
    assert browser.logged_in_user_id() is None
    assert not FranceConnectIdentity.objects.exists()
    page = browser.page_text("/franceconnect/relier-mon-compte/")
    assert "Un compte existe déjà" in page and "camille.martin@example.org" in page
    assert User.objects.filter(email__iexact="camille.martin@example.org").count() == 1
    assert existing.pk


def test_the_password_typed_once_links_the_identity_and_logs_in(fc_config):
    existing = UserFactory(email="camille.martin@example.org")
    browser = Browser()
    browser.login("camille")
    response = browser.site.post("/franceconnect/relier-mon-compte/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/compte/accueil/"
    assert browser.logged_in_user_id() == str(existing.pk)
    assert FranceConnectIdentity.objects.get().user == existing
    assert fc_views.SESSION_KEY in browser.site.session
    assert AuditEvent.objects.filter(action="franceconnect.linked", after__rule="password").exists()
    # Next time the button alone is enough.
    again = Browser()
    assert again.login("camille")["Location"] == "/compte/accueil/"
    assert again.logged_in_user_id() == str(existing.pk)


def test_a_wrong_password_links_nothing_and_counts_towards_the_lockout(fc_config, settings):
    settings.PARVIS_LOGIN_MAX_FAILURES = 2
    existing = UserFactory(email="camille.martin@example.org")
    browser = Browser()
    browser.login("camille")
    response = browser.site.post("/franceconnect/relier-mon-compte/", {"password": "pas le bon"})
    assert response.status_code == 200
    assert "Mot de passe incorrect" in response.content.decode()
    assert browser.logged_in_user_id() is None and not FranceConnectIdentity.objects.exists()
    browser.site.post("/franceconnect/relier-mon-compte/", {"password": "toujours pas"})
    existing.refresh_from_db()
    assert existing.is_locked()
    # Locked: even the right password does not link now.
    browser.site.post("/franceconnect/relier-mon-compte/", {"password": PASSWORD})
    assert browser.logged_in_user_id() is None and not FranceConnectIdentity.objects.exists()


def test_declining_to_link_leaves_everything_as_it_was(fc_config):
    UserFactory(email="camille.martin@example.org")
    browser = Browser()
    browser.login("camille")
    response = browser.site.post("/franceconnect/relier-mon-compte/", {"cancel": "1"})
    assert response["Location"] == "/compte/connexion/"
    assert browser.logged_in_user_id() is None and not FranceConnectIdentity.objects.exists()
    assert browser.site.get("/franceconnect/relier-mon-compte/")["Location"] == "/compte/connexion/"


def test_the_same_pivot_identity_through_another_client_finds_the_same_account(db):
    first = services.reconcile(claims=_claims())
    assert first.outcome is services.Outcome.CREATED
    other_client = services.reconcile(claims=_claims(sub="autre-sub", client_id="client-d-une-autre-commune"))
    assert other_client.outcome is services.Outcome.LOGGED_IN and other_client.user == first.user
    assert FranceConnectIdentity.objects.filter(user=first.user).count() == 2


def test_the_email_alone_never_links_even_to_an_account_created_by_franceconnect(db):
    first = services.reconcile(claims=_claims())
    namesake = services.reconcile(claims=_claims(sub="sub-2", given_name="Camille Louise", birthdate="1990-01-01"))
    assert namesake.outcome is services.Outcome.NEEDS_PASSWORD and namesake.user is None
    assert FranceConnectIdentity.objects.filter(user=first.user).count() == 1


def test_a_different_birthplace_is_a_different_person(db):
    services.reconcile(claims=_claims())
    other = services.reconcile(
        claims=_claims(sub="sub-3", client_id="autre", email="autre@example.org", birthplace="69123")
    )
    assert other.outcome is services.Outcome.CREATED


def test_the_identity_is_updated_when_franceconnect_corrects_it(db):
    user = services.reconcile(claims=_claims()).user
    again = services.reconcile(claims=_claims(family_name="Martin-Durand"))
    assert again.user == user
    assert FranceConnectIdentity.objects.get().family_name == "Martin-Durand"
    assert AuditEvent.objects.filter(action="franceconnect.identity_updated").exists()


def test_an_incomplete_identity_or_a_missing_email_is_refused(db):
    with pytest.raises(services.FranceConnectRuleError, match="identité complète"):
        services.reconcile(claims=_claims(birthdate=""))
    with pytest.raises(services.FranceConnectRuleError, match="adresse électronique"):
        services.reconcile(claims=_claims(email=""))
    assert not User.objects.exists()


def test_a_deactivated_account_cannot_log_in_with_franceconnect(db):
    user = services.reconcile(claims=_claims()).user
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(services.FranceConnectRuleError, match="désactivé"):
        services.reconcile(claims=_claims())


def test_a_commune_uses_its_own_configuration_before_its_epcis(territory):
    shared = FranceConnectConfig(organisation=territory.epci, enabled=True, client_id="epci", shared_with_communes=True)
    shared.set_client_secret(CLIENT_SECRET)
    shared.save()
    assert services.config_for(territory.commune_a) == shared
    own = FranceConnectConfig(organisation=territory.commune_a, enabled=True, client_id="a")
    own.set_client_secret(CLIENT_SECRET)
    own.save()
    assert services.config_for(territory.commune_a) == own
    assert services.config_for(territory.commune_b) == shared
    FranceConnectConfig.objects.filter(pk=shared.pk).update(shared_with_communes=False)
    assert services.config_for(territory.commune_b) is None
