"""Residents subscribe to alerts: double opt-in without an account, at once with a verified account,
opt-out from every message, bad input kept and explained."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from parvis.alerts import services
from parvis.alerts.enums import Scope
from parvis.alerts.models import Subscription
from parvis.notifications.models import OutboundMessage
from tests.alerts.helpers import area
from tests.conftest import HOST_A, HOST_B, logged_in


def _link(message: OutboundMessage, kind: str) -> str:
    match = re.search(rf"http://[^/\s]+(/alertes/{kind}/[^/\s]+/)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def test_without_an_account_an_alert_is_active_only_after_the_emailed_link_is_followed(territory, client):
    response = client.post(
        "/alertes/",
        {
            "email": "voisin@example.org",
            "scope": "address",
            "address": "8 rue des Tilleuls",
            "radius_m": "300",
            "wants_messages": "on",
            "wants_reports": "on",
        },
        HTTP_HOST=HOST_A,
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None and not subscription.is_active
    assert subscription.street_folded == "rue des tilleuls"
    message = OutboundMessage.objects.get(event="alerts.confirm")
    assert message.to == "voisin@example.org"
    confirm = _link(message, "confirmer")
    page = client.get(confirm, HTTP_HOST=HOST_A)
    assert page.status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None  # a GET (a mail scanner) confirms nothing
    assert client.post(confirm, HTTP_HOST=HOST_A).status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active


def test_a_confirmation_link_does_not_work_on_another_communes_host_nor_when_forged(territory, client):
    subscription = services.subscribe(organisation=territory.commune_a, email="v@example.org", scope=Scope.COMMUNE)
    token = services.confirm_token(subscription)
    assert client.get(f"/alertes/confirmer/{token}/", HTTP_HOST=HOST_B).status_code == 404
    assert client.get(f"/alertes/confirmer/{token}x/", HTTP_HOST=HOST_A).status_code == 404
    manage = services.manage_token(subscription)
    assert client.get(f"/alertes/confirmer/{manage}/", HTTP_HOST=HOST_A).status_code == 404  # wrong purpose


def test_a_logged_in_resident_with_a_verified_address_is_subscribed_at_once(territory, citizen):
    citizen.email_verified_at = timezone.now()
    citizen.save()
    client = logged_in(citizen, HOST_A)
    page = client.get("/alertes/")
    assert citizen.email in page.content.decode()
    response = client.post("/alertes/", {"email": citizen.email, "scope": "commune", "wants_messages": "on"})
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.is_active and subscription.user == citizen
    assert not OutboundMessage.objects.filter(event="alerts.confirm").exists()
    assert "Toute la commune" in client.get("/alertes/").content.decode()


def test_a_logged_in_resident_subscribing_another_address_must_confirm_it(territory, citizen):
    citizen.email_verified_at = timezone.now()
    citizen.save()
    logged_in(citizen, HOST_A).post(
        "/alertes/", {"email": "autre@example.org", "scope": "commune", "wants_messages": "on"}
    )
    assert not Subscription.objects.get().is_active
    assert OutboundMessage.objects.filter(event="alerts.confirm", to="autre@example.org").exists()


def test_a_district_subscription(territory, client):
    centre = area(territory.commune_a)
    response = client.post(
        "/alertes/",
        {"email": "q@example.org", "scope": "area", "area": centre.pk, "wants_messages": "on"},
        HTTP_HOST=HOST_A,
    )
    assert response.status_code == 302
    assert Subscription.objects.get().area == centre


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "pas-un-courriel", "scope": "commune", "wants_messages": "on"}, "email", "invalide"),
        ({"email": "a@example.org", "scope": "address", "wants_messages": "on"}, "address", "adresse"),
        ({"email": "a@example.org", "scope": "area", "wants_messages": "on"}, "area", "quartier"),
        ({"email": "a@example.org", "scope": "commune"}, "wants_messages", "au moins un"),
        ({"email": "a@example.org", "scope": "commune", "wants_messages": "on", "by_sms": "on"}, "phone", "mobile"),
        (
            {"email": "a@example.org", "scope": "commune", "wants_messages": "on", "by_sms": "on", "phone": "12"},
            "phone",
            "invalide",
        ),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_kept(territory, client, data, field, message):
    area(territory.commune_a)
    response = client.post("/alertes/", data, HTTP_HOST=HOST_A)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert message in body
    assert 'value="' + data["email"] + '"' in body
    assert not Subscription.objects.exists()


def test_every_message_carries_the_opt_out_link_which_stops_the_alert(territory, client):
    subscription = services.subscribe(organisation=territory.commune_a, email="v@example.org", scope=Scope.COMMUNE)
    message = OutboundMessage.objects.get(event="alerts.confirm")
    manage = _link(message, "gerer")
    page = client.get(manage, HTTP_HOST=HOST_A)
    assert page.status_code == 200 and "Ne plus recevoir" in page.content.decode()
    assert client.post(manage + "desinscription/", HTTP_HOST=HOST_A).status_code == 302
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    assert not services.confirm_subscription(subscription=subscription)  # an old confirmation link does nothing
    subscription.refresh_from_db()
    assert not subscription.is_active


def test_an_address_is_located_through_the_reports_geocoding_when_possible(territory, monkeypatch):
    from decimal import Decimal

    monkeypatch.setattr(services, "_locate", lambda organisation, address: (Decimal("45.001"), Decimal("5.001")))
    subscription = services.subscribe(
        organisation=territory.commune_a, email="v@example.org", scope=Scope.ADDRESS, address="8 rue des Tilleuls"
    )
    assert subscription.latitude == Decimal("45.001")
    assert subscription.where == "300 m autour de 8 rue des Tilleuls"


def test_subscriptions_are_journaled(territory):
    from parvis.audit.models import AuditEvent

    subscription = services.subscribe(organisation=territory.commune_a, email="v@example.org", scope=Scope.COMMUNE)
    services.confirm_subscription(subscription=subscription)
    services.unsubscribe(subscription=subscription)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"alerts.subscribed", "alerts.confirmed", "alerts.unsubscribed"} <= actions


def test_the_public_form_cannot_flood_an_address_with_confirmation_emails(territory):
    for _ in range(services.MAX_PENDING_PER_DAY):
        services.subscribe(organisation=territory.commune_a, email="cible@example.org", scope=Scope.COMMUNE)
    with pytest.raises(services.AlertError):
        services.subscribe(organisation=territory.commune_a, email="cible@example.org", scope=Scope.COMMUNE)
    assert OutboundMessage.objects.filter(event="alerts.confirm").count() == services.MAX_PENDING_PER_DAY


def test_a_persons_alerts_show_in_the_360_view_of_their_commune_only(territory, citizen):
    from django.test import RequestFactory

    from parvis.alerts.people import person_items
    from parvis.people.models import Person

    services.subscribe(organisation=territory.commune_a, email=citizen.email, scope=Scope.COMMUNE)
    services.subscribe(organisation=territory.commune_b, email=citizen.email, scope=Scope.COMMUNE)
    person = Person.objects.create(
        organisation=territory.commune_a, first_name="Camille", last_name="Martin", email=citizen.email
    )
    [item] = person_items(person, organisations=[territory.commune_a], request=RequestFactory().get("/"))
    assert item.title == "Alerte — toute la commune" and item.status == "À confirmer"
