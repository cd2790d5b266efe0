"""An agenda built through the services, as an administrator would: two stations open on weekdays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from parvis.appointments import services
from parvis.appointments.models import AppointmentType, Desk
from parvis.appointments.slots import at

MORNING = (dt.time(9, 0), dt.time(12, 0))
AFTERNOON = (dt.time(14, 0), dt.time(17, 0))


def make_agenda(
    organisation: Any,
    *,
    actor: Any = None,
    slug: str = "cni",
    name: str = "Carte nationale d'identité – dépôt de dossier",
    desks: int = 2,
    duration: int = 20,
    capacity: int = 1,
    buffer: int = 0,
    online: bool = True,
    min_notice_hours: int = 0,
    max_advance_days: int = 400,
    documents: str = "Photo d'identité\nJustificatif de domicile",
) -> tuple[AppointmentType, list[Desk]]:
    made = []
    for number in range(1, desks + 1):
        desk = services.save_desk(
            organisation=organisation,
            desk=None,
            data={"name": f"Station {number} de {organisation.name}", "location": "Mairie, rez-de-chaussée"},
            actor=actor,
        )
        for weekday in range(5):
            for start, end in (MORNING, AFTERNOON):
                services.add_opening_period(desk=desk, weekday=weekday, start=start, end=end, actor=actor)
        made.append(desk)
    kind = services.save_type(
        organisation=organisation,
        appointment_type=None,
        data={
            "name": name,
            "slug": slug,
            "duration_minutes": duration,
            "buffer_minutes": buffer,
            "capacity": capacity,
            "documents": documents,
            "instructions": "Présentez-vous 5 minutes avant l'heure.",
            "online": online,
            "min_notice_hours": min_notice_hours,
            "max_advance_days": max_advance_days,
        },
        desks=made,
        actor=actor,
    )
    return kind, made


def next_weekday(after: dt.date | None = None, weekday: int = 1) -> dt.date:
    """The first given weekday (default Tuesday) strictly after ``after`` that is not a public holiday."""
    from parvis.legal.calendars import holiday_name

    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() != weekday or holiday_name(day):
        day += dt.timedelta(days=1)
    return day


def slot_at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return at(day, dt.time(hour, minute))


def book(kind: AppointmentType, desk: Desk, start: dt.datetime, **kwargs: Any) -> services.Booked:
    values = {
        "contact_name": "Camille Martin",
        "contact_email": "camille@example.org",
        "actor": None,
    } | kwargs
    return services.book(appointment_type=kind, desk_id=desk.pk, start=start, **values)
