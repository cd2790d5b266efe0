"""The demo mailbox shows every message stored on the platform, in demo mode only."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import HOST_A
from tests.notifications.factories import OutboundMessageFactory


def test_the_demo_mailbox_does_not_exist_outside_demo_mode(territory):
    message = OutboundMessageFactory(organisation=territory.commune_a)
    client = Client(HTTP_HOST=HOST_A)

    assert client.get(reverse("demo:outbox")).status_code == 404
    assert client.get(reverse("demo:message", args=[message.pk])).status_code == 404


@override_settings(DEMO=True)
def test_the_demo_mailbox_lists_every_message_of_the_platform_newest_first(territory):
    OutboundMessageFactory(organisation=territory.commune_a, subject="Premier message de A", sent=True)
    OutboundMessageFactory(organisation=territory.commune_b, subject="Second message de B", sent=True)
    OutboundMessageFactory(organisation=None, channel="sms", to="+33612345678", body_text="Code : 123456\n")

    response = Client(HTTP_HOST="inconnu.localhost").get(reverse("demo:outbox"))

    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("Code : 123456") < content.index("Second message de B") < content.index("Premier message de A")
    assert "Commune A" in content and "Commune B" in content


@override_settings(DEMO=True)
def test_a_demo_message_is_readable_with_clickable_links(territory):
    message = OutboundMessageFactory(organisation=territory.commune_a, subject="Confirmez votre adresse")

    response = Client(HTTP_HOST=HOST_A).get(reverse("demo:message", args=[message.pk]))

    content = response.content.decode()
    assert "<h1>Confirmez votre adresse</h1>" in content
    assert '<a href="https://commune-a.localhost/suivi/"' in content
    assert message.to in content
