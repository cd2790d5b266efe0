"""Admiville's agenda in the demo: loaded once, again without change, and bookable."""

from __future__ import annotations

from parvis.appointments.models import Appointment, AppointmentType, Desk, OpeningPeriod
from parvis.demo.services import load_demo


def test_the_demo_agenda_of_admiville_loads_once_and_again_without_change(db):
    load_demo()
    counts = (Desk.objects.count(), AppointmentType.objects.count(), OpeningPeriod.objects.count())
    booked = Appointment.objects.count()
    assert counts[0] == 2 and counts[1] == 2 and booked == 3
    assert set(AppointmentType.objects.values_list("name", flat=True)) == {
        "Carte nationale d'identité – dépôt de dossier",
        "Passeport – dépôt de dossier",
    }

    report = load_demo()

    assert (Desk.objects.count(), AppointmentType.objects.count(), OpeningPeriod.objects.count()) == counts
    assert Appointment.objects.count() == booked
    assert not [line for line in report.created if "rendez-vous" in line or "guichet" in line]
