"""What the alerts hold about a person, for the 360° view (contract: parvis.people.overview).

The person's alert subscriptions (by account or by email), one query; the place is shown, the
messages sent are in the outbox like any other.
"""

from __future__ import annotations

from django.http import HttpRequest

from parvis.alerts.models import Subscription
from parvis.organisations.models import Organisation
from parvis.people.models import Person
from parvis.people.overview import ITEM_LIMIT, KINDS, PersonItem, person_match

KINDS.setdefault("alert", "Alertes de quartier")


def person_items(person: Person, *, organisations: list[Organisation], request: HttpRequest) -> list[PersonItem]:
    by_pk = {o.pk: o for o in organisations}
    subscriptions = (
        Subscription.objects.filter(
            person_match(person, organisations, person_field=None, user_field="user", email_field="email")
        )
        .select_related("area")
        .order_by("-created_at", "-pk")[:ITEM_LIMIT]
    )
    items = []
    for subscription in subscriptions:
        if subscription.unsubscribed_at:
            status = "Désinscrite"
        elif subscription.confirmed_at:
            status = "Active"
        else:
            status = "À confirmer"
        topics = [
            t
            for t, wanted in (("messages", subscription.wants_messages), ("signalements", subscription.wants_reports))
            if wanted
        ]
        items.append(
            PersonItem(
                kind="alert",
                at=subscription.created_at,
                title=f"Alerte — {subscription.where}",
                organisation=by_pk[subscription.organisation_id],
                status=status,
                detail=f"{' et '.join(topics).capitalize()}, par courriel{' et SMS' if subscription.by_sms else ''}",
            )
        )
    return items
