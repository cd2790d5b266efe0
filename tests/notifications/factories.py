from __future__ import annotations

import factory
from django.utils import timezone

from parvis.notifications.enums import Channel, MessageStatus
from parvis.notifications.models import OutboundMessage
from tests.factories import OrganisationFactory


class OutboundMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundMessage

    organisation = factory.SubFactory(OrganisationFactory)
    channel = Channel.EMAIL
    event = "notifications.test"
    to = factory.Sequence(lambda n: f"habitant{n}@example.org")
    subject = factory.Sequence(lambda n: f"Votre demande n°{n}")
    body_text = "Bonjour,\nVotre demande est enregistrée : https://commune-a.localhost/suivi/\n"
    status = MessageStatus.QUEUED
    next_attempt_at = factory.LazyFunction(timezone.now)

    class Params:
        failed = factory.Trait(status=MessageStatus.FAILED, attempts=30, last_error="SMTPServerDisconnected: panne")
        sent = factory.Trait(status=MessageStatus.SENT, attempts=1, sent_at=factory.LazyFunction(timezone.now))
