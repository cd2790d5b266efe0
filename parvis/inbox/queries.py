"""Reads of the inbox, always scoped to one organisation."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from parvis.inbox.enums import MessageStatus
from parvis.inbox.models import InboundAddress, InboundMessage
from parvis.organisations.models import Organisation


def tray(organisation: Organisation, *, status: str = "") -> QuerySet[InboundMessage]:
    """The organisation's received emails, « à qualifier » first, then newest first."""
    messages = (
        InboundMessage.objects.filter(organisation=organisation)
        .select_related("address", "case")
        .defer("raw", "body_text")
    )
    if status:
        messages = messages.filter(status=status)
    return messages.annotate(
        waiting=Case(
            When(status=MessageStatus.TO_QUALIFY, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("waiting", "-received_at", "-pk")


def count_to_qualify(organisation: Organisation) -> int:
    return InboundMessage.objects.filter(organisation=organisation, status=MessageStatus.TO_QUALIFY).count()


def addresses_of(organisation: Organisation) -> QuerySet[InboundAddress]:
    return InboundAddress.objects.filter(organisation=organisation).select_related("department", "procedure")
