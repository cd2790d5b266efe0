"""Periodic jobs of appointments: reminders and the waiting list's expired offers (both idempotent)."""

from __future__ import annotations

from parvis.appointments import services
from parvis.scheduler.services import periodic


@periodic("appointments.reminders", every=120)
def send_reminders() -> int:
    return services.send_due_reminders()


@periodic("appointments.waiting_offers", every=300)
def expire_waiting_offers() -> int:
    return services.expire_offers()
