"""Demo alerts in Admiville: two districts (« Centre-ville », a circle; « Quartier des Tilleuls », an
outline), Camille Martin subscribed around her address (14 rue des Lilas, by email), and one past
message, « Coupure d'eau » in her street, already sent (in the demo outbox).

Coordinates are those of the demo's fictional streets (``parvis/reports/demo.py``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from parvis.organisations.models import Organisation

AGENT_EMAIL = "voirie@admiville.fr"
CENTRE_VILLE = (Decimal("45.966000"), Decimal("4.720000"), 600)
TILLEULS = [[4.714, 45.955], [4.726, 45.955], [4.726, 45.962], [4.714, 45.962]]
CAMILLE_ADDRESS = "14 rue des Lilas"
CAMILLE_POINT = (Decimal("45.973050"), Decimal("4.710450"))  # 14 of 40 along rue des Lilas
WATER_CUT_TITLE = "Coupure d'eau rue des Lilas"


def load_examples(*, organisations: dict[str, Organisation], citizen: Any) -> list[str]:
    from parvis.accounts.models import User
    from parvis.alerts.enums import AreaKind, BroadcastStatus, Scope, Target
    from parvis.alerts.models import Area, Broadcast, Subscription
    from parvis.alerts.queries import street_key
    from parvis.alerts.services import deliver_broadcast

    admiville = organisations.get("admiville")
    if admiville is None:
        return []
    created: list[str] = []
    _, made = Area.objects.get_or_create(
        organisation=admiville,
        name="Centre-ville",
        defaults={
            "kind": AreaKind.CIRCLE,
            "centre_latitude": CENTRE_VILLE[0],
            "centre_longitude": CENTRE_VILLE[1],
            "radius_m": CENTRE_VILLE[2],
        },
    )
    _, made_too = Area.objects.get_or_create(
        organisation=admiville,
        name="Quartier des Tilleuls",
        defaults={"kind": AreaKind.POLYGON, "polygon": TILLEULS},
    )
    if made or made_too:
        created.append("Alertes : quartiers « Centre-ville » et « Quartier des Tilleuls » à Admiville")

    if not Subscription.objects.filter(organisation=admiville, email=citizen.email).exists():
        Subscription.objects.create(
            organisation=admiville,
            user=citizen,
            email=citizen.email,
            scope=Scope.ADDRESS,
            address=CAMILLE_ADDRESS,
            street_folded=street_key(CAMILLE_ADDRESS),
            latitude=CAMILLE_POINT[0],
            longitude=CAMILLE_POINT[1],
            radius_m=300,
            wants_reports=True,
            wants_messages=True,
            confirmed_at=timezone.now() - dt.timedelta(days=40),
        )
        created.append(f"Alertes : {citizen.email} abonnée autour du {CAMILLE_ADDRESS}")

    if not Broadcast.objects.filter(organisation=admiville, title=WATER_CUT_TITLE).exists():
        agent = User.objects.filter(email=AGENT_EMAIL).first()
        day = timezone.localdate() - dt.timedelta(days=10)
        broadcast = Broadcast.objects.create(
            organisation=admiville,
            kind="water_cut",
            title=WATER_CUT_TITLE,
            text="Remplacement d'une canalisation : l'eau sera coupée de 8 h à 12 h. "
            "Pensez à faire des réserves la veille.",
            starts_on=day,
            ends_on=day,
            target=Target.STREET,
            street="Rue des Lilas",
            street_latitude=Decimal("45.972000"),
            street_longitude=Decimal("4.708000"),
            by_email=True,
            status=BroadcastStatus.SENDING,
            created_by=agent,
            sent_by=agent,
            sent_at=timezone.now() - dt.timedelta(days=11),
        )
        deliver_broadcast(broadcast_id=broadcast.pk)
        created.append(f"Alertes : message « {WATER_CUT_TITLE} » envoyé aux abonnés de la rue")
    return created
