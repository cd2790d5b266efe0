"""The demo's alerts load once: districts, Camille's subscription, the past water cut (sent to her)."""

from __future__ import annotations

from parvis.alerts.demo import WATER_CUT_TITLE, load_examples
from parvis.alerts.enums import BroadcastStatus
from parvis.alerts.models import Area, Broadcast, Subscription
from parvis.notifications.models import OutboundMessage


def test_the_demo_alerts_load_once_and_camille_received_the_water_cut(territory, citizen):
    organisations = {"admiville": territory.commune_a}
    lines = load_examples(organisations=organisations, citizen=citizen)
    assert len(lines) == 3
    assert set(Area.objects.values_list("name", flat=True)) == {"Centre-ville", "Quartier des Tilleuls"}
    assert Subscription.objects.get().is_active
    broadcast = Broadcast.objects.get(title=WATER_CUT_TITLE)
    assert broadcast.status == BroadcastStatus.SENT
    assert OutboundMessage.objects.filter(event="alerts.broadcast", to=citizen.email).count() == 1
    assert load_examples(organisations=organisations, citizen=citizen) == []
    assert OutboundMessage.objects.filter(event="alerts.broadcast").count() == 1
