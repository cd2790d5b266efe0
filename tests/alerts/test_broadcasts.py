"""Messages to residents: who receives them (commune, district, street), preview before sending,
background delivery through the outbox, the SMS budget, delivery counts, the back-office pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parvis.alerts import queries, services
from parvis.alerts.enums import AreaKind, BroadcastStatus, DeliveryOutcome, Scope, Target
from parvis.alerts.models import AlertSettings, Broadcast, BroadcastDelivery
from parvis.notifications.models import OutboundMessage
from tests.alerts.helpers import area, broadcast, subscription
from tests.conftest import HOST_A, HOST_B, logged_in


@pytest.fixture
def residents(territory):
    centre = area(territory.commune_a, "Centre-ville")
    tilleuls = area(
        territory.commune_a,
        "Quartier des Tilleuls",
        kind=AreaKind.POLYGON,
        polygon=[[5.005, 45.005], [5.009, 45.005], [5.009, 45.009], [5.005, 45.009]],
    )
    return {
        "centre": centre,
        "tilleuls": tilleuls,
        "everywhere": subscription(territory.commune_a, "partout@example.org", scope=Scope.COMMUNE),
        "in_centre": subscription(territory.commune_a, "centre@example.org", scope=Scope.AREA, area=centre),
        "in_tilleuls": subscription(territory.commune_a, "tilleuls@example.org", scope=Scope.AREA, area=tilleuls),
        "street": subscription(
            territory.commune_a,
            "rue@example.org",
            scope=Scope.ADDRESS,
            address="8 rue des Tilleuls",
            latitude=Decimal("45.007"),
            longitude=Decimal("5.007"),
            phone="+33611223344",
            by_sms=True,
        ),
        "pending": subscription(territory.commune_a, "attente@example.org", confirmed=False),
        "reports_only": subscription(territory.commune_a, "signalements@example.org", wants_messages=False),
        "other_commune": subscription(territory.commune_b, "b@example.org"),
    }


def _emails(found):
    return {s.email for s in found}


def test_a_message_to_the_commune_reaches_every_confirmed_subscriber_wanting_messages(territory, residents, agent_a):
    sent = broadcast(territory.commune_a, agent_a)
    assert _emails(queries.broadcast_subscriptions(sent)) == {
        "partout@example.org",
        "centre@example.org",
        "tilleuls@example.org",
        "rue@example.org",
    }


def test_a_message_to_a_district_reaches_it_its_addresses_and_the_whole_commune_subscribers(
    territory, residents, agent_a
):
    tilleuls = broadcast(territory.commune_a, agent_a, target=Target.AREA, area=residents["tilleuls"])
    assert _emails(queries.broadcast_subscriptions(tilleuls)) == {
        "partout@example.org",
        "tilleuls@example.org",
        "rue@example.org",  # 8 rue des Tilleuls lies inside the district's outline
    }
    centre = broadcast(territory.commune_a, agent_a, target=Target.AREA, area=residents["centre"])
    assert _emails(queries.broadcast_subscriptions(centre)) == {"partout@example.org", "centre@example.org"}


def test_a_message_to_a_street_reaches_the_addresses_in_that_street(territory, residents, agent_a):
    street = broadcast(territory.commune_a, agent_a, target=Target.STREET, street="Rue des Tilleuls")
    assert _emails(queries.broadcast_subscriptions(street)) == {"partout@example.org", "rue@example.org"}
    other = broadcast(territory.commune_a, agent_a, target=Target.STREET, street="Avenue Jean Jaurès")
    assert _emails(queries.broadcast_subscriptions(other)) == {"partout@example.org"}


def test_two_subscriptions_of_one_address_get_one_message(territory, residents, agent_a):
    subscription(territory.commune_a, "partout@example.org", scope=Scope.AREA, area=residents["centre"])
    assert len(queries.broadcast_subscriptions(broadcast(territory.commune_a, agent_a))) == 4


def test_sending_previews_then_queues_one_email_each_and_sms_to_those_who_asked(territory, residents, agent_a):
    draft = broadcast(territory.commune_a, agent_a, by_sms=True)
    preview = queries.preview(draft)
    assert (preview.recipients, preview.emails, preview.sms_wanted, preview.sms_within_budget) == (4, 4, 1, 1)
    assert not OutboundMessage.objects.filter(event="alerts.broadcast").exists()  # a draft sends nothing
    services.send_broadcast(broadcast=draft, actor=agent_a)
    draft.refresh_from_db()
    assert draft.status == BroadcastStatus.SENDING
    assert services.deliver_broadcast(broadcast_id=draft.pk) == 5
    assert services.deliver_broadcast(broadcast_id=draft.pk) == 0  # a retried task sends nothing twice
    draft.refresh_from_db()
    assert draft.status == BroadcastStatus.SENT
    messages = OutboundMessage.objects.filter(event="alerts.broadcast")
    assert messages.filter(channel="email").count() == 4
    sms = messages.get(channel="sms")
    assert sms.to == "+33611223344"
    assert "/alertes/gerer/" in sms.body_text
    for email in messages.filter(channel="email"):
        assert "Coupure d'eau" in email.subject
        assert "/alertes/gerer/" in email.body_text  # the opt-out link in every message
    counts = queries.delivery_counts(draft)
    assert counts["email"]["total"] == 4 and counts["email"]["waiting"] == 4
    assert counts["sms"]["total"] == 1


def test_sms_stop_at_the_monthly_budget_and_the_email_still_goes(territory, residents, agent_a):
    AlertSettings.objects.create(organisation=territory.commune_a, sms_monthly_budget=1)
    subscription(territory.commune_a, "sms2@example.org", phone="+33622334455", by_sms=True)
    draft = broadcast(territory.commune_a, agent_a, by_sms=True)
    preview = queries.preview(draft)
    assert (preview.sms_wanted, preview.sms_within_budget, preview.sms_over_budget) == (2, 1, 1)
    services.send_broadcast(broadcast=draft, actor=agent_a)
    services.deliver_broadcast(broadcast_id=draft.pk)
    assert OutboundMessage.objects.filter(event="alerts.broadcast", channel="sms").count() == 1
    assert BroadcastDelivery.objects.filter(channel="sms", outcome=DeliveryOutcome.OVER_BUDGET).count() == 1
    assert OutboundMessage.objects.filter(event="alerts.broadcast", channel="email").count() == 5
    assert queries.delivery_counts(draft)["sms"]["over_budget"] == 1


def test_a_message_is_sent_once(territory, residents, agent_a):
    draft = broadcast(territory.commune_a, agent_a)
    services.send_broadcast(broadcast=draft, actor=agent_a)
    with pytest.raises(services.AlertError):
        services.send_broadcast(broadcast=draft, actor=agent_a)


def test_a_broadcast_left_sending_by_a_lost_task_is_finished_by_the_periodic_job(territory, residents, agent_a):
    import datetime as dt

    from django.utils import timezone

    draft = broadcast(territory.commune_a, agent_a)
    services.send_broadcast(broadcast=draft, actor=agent_a)
    Broadcast.objects.filter(pk=draft.pk).update(sent_at=timezone.now() - dt.timedelta(hours=1))
    assert services.resume_stuck_broadcasts() == 1
    assert OutboundMessage.objects.filter(event="alerts.broadcast").count() == 4


def test_an_agent_writes_previews_and_sends_a_message_through_the_pages(territory, residents, agent_a):
    client = logged_in(agent_a, HOST_A)
    assert client.get("/backoffice/alertes/nouveau/").status_code == 200
    response = client.post(
        "/backoffice/alertes/nouveau/",
        {
            "kind": "roadworks",
            "title": "Travaux rue des Tilleuls",
            "text": "Chaussée fermée à la circulation.",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-05",
            "target": "street",
            "street": "rue des Tilleuls",
            "by_email": "on",
        },
    )
    assert response.status_code == 302
    draft = Broadcast.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "2</strong> abonnés concernés" in page
    assert "Envoyer à 2 abonnés" in page
    assert client.post(f"/backoffice/alertes/{draft.pk}/envoyer/").status_code == 302
    services.deliver_broadcast(broadcast_id=draft.pk)  # what the worker does
    page = client.get(f"/backoffice/alertes/{draft.pk}/").content.decode()
    assert "Messages par canal" in page
    listing = client.get("/backoffice/alertes/").content.decode()
    assert "Travaux rue des Tilleuls" in listing


def test_a_bad_message_is_explained_and_kept(territory, agent_a):
    client = logged_in(agent_a, HOST_A)
    response = client.post(
        "/backoffice/alertes/nouveau/",
        {
            "kind": "weather",
            "title": "Orages",
            "text": "Restez chez vous",
            "starts_on": "2026-12-05",
            "ends_on": "2026-12-01",
            "target": "street",
            "street": "",
            "by_email": "on",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Orages" in body and 'id="id_street_error"' in body or 'id="id_ends_on_error"' in body
    assert not Broadcast.objects.exists()


def test_an_agent_draws_a_district(territory, agent_a):
    client = logged_in(agent_a, HOST_A)
    response = client.post(
        "/backoffice/alertes/quartiers/",
        {"name": "Gare", "kind": "circle", "centre_latitude": "45.01", "centre_longitude": "5.01", "radius_m": "400"},
    )
    assert response.status_code == 302
    bad = client.post("/backoffice/alertes/quartiers/", {"name": "Nord", "kind": "polygon", "polygon": "[[1,2]]"})
    assert bad.status_code == 400 and "trois points" in bad.content.decode()
    assert queries.areas_of(territory.commune_a).get().name == "Gare"


def test_the_list_page_runs_a_bounded_number_of_queries(territory, residents, agent_a, django_assert_max_num_queries):
    for _ in range(5):
        broadcast(territory.commune_a, agent_a, target=Target.AREA, area=residents["centre"])
    client = logged_in(agent_a, HOST_A)
    with django_assert_max_num_queries(20):
        assert client.get("/backoffice/alertes/").status_code == 200


def test_another_communes_message_is_not_found(territory, residents, agent_a, agent_b):
    draft = broadcast(territory.commune_a, agent_a)
    assert logged_in(agent_b, HOST_B).get(f"/backoffice/alertes/{draft.pk}/").status_code == 404
    assert logged_in(agent_b, HOST_B).post(f"/backoffice/alertes/{draft.pk}/envoyer/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == BroadcastStatus.DRAFT
