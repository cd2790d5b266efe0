"""Reading the outbox and message templates, always scoped to one organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from parvis.notifications.models import MessageTemplate, OutboundMessage
from parvis.notifications.rendering import EventInfo, event_info
from parvis.organisations.models import Organisation

LIST_FIELDS = (
    "pk",
    "organisation_id",
    "channel",
    "event",
    "to",
    "subject",
    "status",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "created_at",
)


def outbox_for_organisation(
    organisation: Organisation, *, status: str = "", channel: str = "", search: str = ""
) -> QuerySet[OutboundMessage]:
    """The organisation's messages (never another's), newest first, without their bodies."""
    messages = OutboundMessage.objects.for_organisation(organisation).only(*LIST_FIELDS)
    if status:
        messages = messages.filter(status=status)
    if channel:
        messages = messages.filter(channel=channel)
    if search:
        messages = messages.filter(Q(to__icontains=search) | Q(subject__icontains=search))
    return messages.order_by("-created_at", "-pk")


def get_message_for_agent(request: HttpRequest, pk: int) -> OutboundMessage:
    """The access check for a message taken from a URL: it must belong to the current organisation."""
    organisation = getattr(request, "organisation", None)
    message = (
        OutboundMessage.objects.filter(pk=pk, organisation=organisation).select_related("organisation").first()
        if organisation is not None
        else None
    )
    if message is None:
        raise Http404("Message introuvable.")
    return message


def demo_mailbox() -> QuerySet[OutboundMessage]:
    """Every message of the platform, newest first (demo mode only)."""
    return OutboundMessage.objects.select_related("organisation").defer("body_html").order_by("-created_at", "-pk")


def get_event_for_admin(event: str, channel: str) -> EventInfo:
    """The access check for an event/channel taken from a URL: it must be a shipped event."""
    info = event_info(event)
    if info is None or channel not in info.channels:
        raise Http404("Événement inconnu.")
    return info


def own_templates(organisation: Organisation) -> dict[tuple[str, str], MessageTemplate]:
    return {(t.event, t.channel): t for t in MessageTemplate.objects.filter(organisation=organisation)}


def own_template(organisation: Organisation, event: str, channel: str) -> MessageTemplate | None:
    return MessageTemplate.objects.filter(organisation=organisation, event=event, channel=channel).first()


def sample_context(info: EventInfo, organisation: Organisation) -> dict[str, Any]:
    """The context used for previews: the event's sample values and the organisation."""
    return {
        "recipient_name": "Camille Martin",
        **info.sample,
        "organisation": organisation,
    }
