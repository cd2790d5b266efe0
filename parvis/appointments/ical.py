"""iCalendar (RFC 5545) documents: the attachment of each confirmation and the desks' read-only feeds."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from parvis.appointments.enums import AppointmentStatus
from parvis.appointments.models import Appointment, Desk

PRODID = "-//Parvis//Rendez-vous//FR"


def _calendar(name: str, method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    return calendar


def uid(appointment: Appointment) -> str:
    return f"rendez-vous-{appointment.pk}@{appointment.organisation.slug}.parvis"


def _event(appointment: Appointment, *, for_agents: bool) -> Event:
    event = Event()
    event.add("uid", uid(appointment))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("sequence", appointment.sequence)
    kind = appointment.appointment_type
    if for_agents:
        event.add("summary", f"{kind.name} — {appointment.contact_name}")
        lines = [f"Téléphone : {appointment.contact_phone}" if appointment.contact_phone else ""]
        lines.append(f"État : {appointment.get_status_display()}")
        event.add("description", "\n".join(line for line in lines if line))
    else:
        event.add("summary", f"{kind.name} — {appointment.organisation.name}")
        parts = []
        if kind.document_list():
            parts.append("Pièces à apporter :\n" + "\n".join(f"- {doc}" for doc in kind.document_list()))
        if kind.instructions:
            parts.append(kind.instructions)
        event.add("description", "\n\n".join(parts))
    location = appointment.desk.location or appointment.organisation.postal_address.replace("\n", ", ")
    if location:
        event.add("location", location)
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def appointment_ics(appointment: Appointment) -> bytes:
    """The resident's copy: REQUEST for a booking or a change, CANCEL for a cancellation."""
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    calendar = _calendar(appointment.organisation.name, "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(_event(appointment, for_agents=False))
    return calendar.to_ical()


def desk_feed(desk: Desk, appointments: Iterable[Appointment]) -> bytes:
    calendar = _calendar(f"{desk.organisation.name} — {desk.name}")
    for appointment in appointments:
        calendar.add_component(_event(appointment, for_agents=True))
    return calendar.to_ical()
