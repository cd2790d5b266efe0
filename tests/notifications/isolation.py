"""How to visit every URL of the notifications and demo apps (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from tests.isolation import Built, UrlCase
from tests.notifications.factories import OutboundMessageFactory


def _message_of_a(territory: Any) -> Built:
    message = OutboundMessageFactory(
        organisation=territory.commune_a, to="secret-a@example.org", subject="Objet privé de A"
    )
    return Built(kwargs={"pk": message.pk}, marker="secret-a@example.org")


def _failed_message_of_a(territory: Any) -> Built:
    message = OutboundMessageFactory(organisation=territory.commune_a, failed=True, to="secret-a@example.org")
    return Built(kwargs={"pk": message.pk}, marker="secret-a@example.org")


def _outbox_of_a(territory: Any) -> Built:
    OutboundMessageFactory(organisation=territory.commune_a, to="secret-a@example.org")
    return Built(marker="secret-a@example.org")


def _own_template_of_a(territory: Any) -> Built:
    from parvis.notifications.models import MessageTemplate

    MessageTemplate.objects.create(
        organisation=territory.commune_a,
        event="notifications.test",
        channel="email",
        subject="Essai",
        body="Texte propre à la commune A",
    )
    return Built(kwargs={"event": "notifications.test", "channel": "email"}, marker="Texte propre à la commune A")


def _templates_of_a(territory: Any) -> Built:
    _own_template_of_a(territory)
    return Built()


CASES = [
    UrlCase("notifications:outbox", "agent", build=_outbox_of_a),
    UrlCase("notifications:message_detail", "agent", build=_message_of_a),
    UrlCase("notifications:message_retry", "agent", build=_failed_message_of_a, method="post"),
    UrlCase("notifications:message_cancel", "agent", build=_failed_message_of_a, method="post"),
    UrlCase("notifications:templates", "admin", build=_templates_of_a),
    UrlCase(
        "notifications:template_edit",
        "admin",
        build=_own_template_of_a,
        tenant_scoped=False,
        note="event/channel are not tenant objects: B's admin sees B's own wording, never A's "
        "(tests/notifications/test_templates.py::test_an_organisations_wording_never_shows_to_another)",
    ),
    UrlCase(
        "notifications:template_reset",
        "admin",
        build=_own_template_of_a,
        method="post",
        tenant_scoped=False,
        note="resets the current organisation's own wording only (test_templates.py)",
    ),
    UrlCase("notifications:send_test", "admin", method="post"),
    UrlCase("demo:outbox", "demo", build=_outbox_of_a, tenant_scoped=False, note="demo mode only, platform-wide"),
    UrlCase("demo:message", "demo", build=_message_of_a, tenant_scoped=False, note="demo mode only, platform-wide"),
]
