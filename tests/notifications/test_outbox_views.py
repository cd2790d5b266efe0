"""The agents' delivery status pages."""

from __future__ import annotations

from django.urls import reverse

from parvis.accounts.enums import Role
from parvis.audit.models import AuditEvent
from parvis.notifications.enums import MessageStatus
from parvis.notifications.models import DeliveryAttempt
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import MembershipFactory, UserFactory
from tests.notifications.factories import OutboundMessageFactory

OUTBOX = reverse("notifications:outbox")


def test_an_agent_sees_the_messages_of_their_organisation_only(territory, agent_a):
    OutboundMessageFactory(organisation=territory.commune_a, to="leon@example.org", subject="Dossier de Léon")
    OutboundMessageFactory(organisation=territory.commune_b, to="berthe@example.org")

    response = logged_in(agent_a, HOST_A).get(OUTBOX)

    assert response.status_code == 200
    content = response.content.decode()
    assert "leon@example.org" in content and "Dossier de Léon" in content
    assert "berthe@example.org" not in content


def test_the_list_filters_by_status_channel_and_recipient(territory, agent_a):
    OutboundMessageFactory(organisation=territory.commune_a, to="echec@example.org", failed=True)
    OutboundMessageFactory(organisation=territory.commune_a, to="envoye@example.org", sent=True)
    OutboundMessageFactory(organisation=territory.commune_a, to="+33612345678", channel="sms", sent=True)
    client = logged_in(agent_a, HOST_A)

    failed = client.get(OUTBOX, {"status": "failed"}).content.decode()
    sms = client.get(OUTBOX, {"channel": "sms"}).content.decode()
    search = client.get(OUTBOX, {"q": "envoye@"}).content.decode()

    assert "echec@example.org" in failed and "envoye@example.org" not in failed
    assert "+33612345678" in sms and "echec@example.org" not in sms
    assert "envoye@example.org" in search and "echec@example.org" not in search


def test_the_list_is_paginated_with_its_filters_kept(territory, agent_a):
    OutboundMessageFactory.create_batch(55, organisation=territory.commune_a, status=MessageStatus.SENT)

    client = logged_in(agent_a, HOST_A)
    first = client.get(OUTBOX, {"status": "sent"}).content.decode()
    second = client.get(OUTBOX, {"status": "sent", "page": 2}).content.decode()

    assert "Page 1 sur 2" in first and "?page=2&amp;status=sent" in first
    assert "Page 2 sur 2" in second


def test_the_list_runs_a_bounded_number_of_queries(territory, agent_a, django_assert_max_num_queries):
    client = logged_in(agent_a, HOST_A)
    OutboundMessageFactory.create_batch(3, organisation=territory.commune_a)
    with django_assert_max_num_queries(12) as few:
        client.get(OUTBOX)
    OutboundMessageFactory.create_batch(40, organisation=territory.commune_a)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(OUTBOX)
    assert response.status_code == 200


def test_field_agents_and_elected_officials_cannot_open_the_outbox(territory):
    for role in (Role.FIELD, Role.ELECTED):
        user = UserFactory()
        MembershipFactory(user=user, organisation=territory.commune_a, role=role)
        assert logged_in(user, HOST_A).get(OUTBOX).status_code == 403


def test_reading_a_message_shows_its_body_and_attempts_and_is_journaled(territory, agent_a):
    message = OutboundMessageFactory(organisation=territory.commune_a, attempts=1, last_error="SMTP en panne")
    DeliveryAttempt.objects.create(
        message=message, number=1, attempted_at=message.created_at, succeeded=False, error="SMTP en panne"
    )

    response = logged_in(agent_a, HOST_A).get(reverse("notifications:message_detail", args=[message.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<a href="https://commune-a.localhost/suivi/"' in content
    assert content.count("SMTP en panne") == 2
    view = AuditEvent.objects.get(action="personal_data.viewed")
    assert (view.actor, view.object_id) == (agent_a, str(message.pk))


def test_an_agent_of_another_commune_gets_404_on_a_message(territory, agent_b):
    message = OutboundMessageFactory(organisation=territory.commune_a)

    client = logged_in(agent_b, HOST_B)
    assert client.get(reverse("notifications:message_detail", args=[message.pk])).status_code == 404
    assert client.post(reverse("notifications:message_retry", args=[message.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="personal_data.viewed").exists()


def test_an_agent_retries_a_failed_message(territory, agent_a, django_capture_on_commit_callbacks):
    message = OutboundMessageFactory(organisation=territory.commune_a, failed=True)

    with django_capture_on_commit_callbacks() as callbacks:
        response = logged_in(agent_a, HOST_A).post(reverse("notifications:message_retry", args=[message.pk]))

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert len(callbacks) == 1  # the delivery task is enqueued on commit
    follow = logged_in(agent_a, HOST_A).get(response["Location"]).content.decode()
    assert "Renvoyer maintenant" not in follow


def test_retrying_a_sent_message_is_refused_with_a_message(territory, agent_a):
    message = OutboundMessageFactory(organisation=territory.commune_a, sent=True)

    response = logged_in(agent_a, HOST_A).post(reverse("notifications:message_retry", args=[message.pk]), follow=True)

    assert "Seul un message en échec peut être renvoyé." in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_retry_is_post_only(territory, agent_a):
    message = OutboundMessageFactory(organisation=territory.commune_a, failed=True)

    assert logged_in(agent_a, HOST_A).get(reverse("notifications:message_retry", args=[message.pk])).status_code == 405


def test_an_agent_cancels_a_queued_message(territory, agent_a):
    message = OutboundMessageFactory(organisation=territory.commune_a)

    logged_in(agent_a, HOST_A).post(reverse("notifications:message_cancel", args=[message.pk]))

    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
