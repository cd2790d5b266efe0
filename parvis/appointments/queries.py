"""Scoped reads: agendas of an organisation, day and week views, no-show history, statistics.

Every function takes the organisation and never returns another organisation's rows. Each figure of
the statistics page is computed by one function here (tested in tests/appointments/test_queries.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from parvis.appointments.enums import AppointmentStatus
from parvis.appointments.models import AgendaException, Appointment, AppointmentType, Desk, WaitingEntry
from parvis.appointments.slots import Hours, Planner, at
from parvis.organisations.models import Organisation


def desks(organisation: Organisation, *, active_only: bool = False) -> QuerySet[Desk]:
    found = Desk.objects.filter(organisation=organisation)
    return found.filter(is_active=True) if active_only else found


def types(organisation: Organisation) -> QuerySet[AppointmentType]:
    return AppointmentType.objects.filter(organisation=organisation)


def online_types(organisation: Organisation) -> QuerySet[AppointmentType]:
    return types(organisation).filter(is_active=True, online=True)


def bookable_types(organisation: Organisation) -> QuerySet[AppointmentType]:
    """What agents may book for someone: every active type."""
    return types(organisation).filter(is_active=True)


def upcoming_exceptions(organisation: Organisation) -> QuerySet[AgendaException]:
    return AgendaException.objects.filter(organisation=organisation, day__gte=timezone.localdate()).select_related(
        "desk"
    )


def appointments_between(
    organisation: Organisation, first: dt.date, last: dt.date, *, desk: Desk | None = None
) -> QuerySet[Appointment]:
    found = Appointment.objects.filter(
        organisation=organisation,
        start__gte=at(first, dt.time.min),
        start__lt=at(last + dt.timedelta(days=1), dt.time.min),
    ).select_related("appointment_type", "desk", "case")
    if desk is not None:
        found = found.filter(desk=desk)
    return found.order_by("start", "desk__name", "pk")


def feed_appointments(desk: Desk) -> QuerySet[Appointment]:
    """What a desk's calendar feed shows: from 30 days ago to 120 days ahead, cancellations included."""
    today = timezone.localdate()
    return appointments_between(
        desk.organisation, today - dt.timedelta(days=30), today + dt.timedelta(days=120), desk=desk
    ).select_related("organisation")


def no_show_history(organisation: Organisation, email: str) -> QuerySet[Appointment]:
    """The resident's past appointments here that were missed or cancelled late, newest first."""
    return (
        Appointment.objects.filter(
            organisation=organisation,
            contact_email__iexact=email,
            status__in=[AppointmentStatus.NO_SHOW, AppointmentStatus.LATE_CANCELLED],
        )
        .select_related("appointment_type")
        .order_by("-start")
    )


def waiting_count(appointment_type: AppointmentType) -> int:
    return WaitingEntry.objects.filter(appointment_type=appointment_type, status="waiting").count()


# --- Statistics ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occupancy:
    desk: str
    open_minutes: int
    booked_minutes: int

    @property
    def rate(self) -> float | None:
        return self.booked_minutes / self.open_minutes if self.open_minutes else None


def occupancy(organisation: Organisation, first: dt.date, last: dt.date) -> list[Occupancy]:
    """Per desk: minutes open (opening hours, exceptions, holidays) and minutes booked (every
    appointment that held its seat: booked, honoured, missed, cancelled late)."""
    all_desks = list(desks(organisation, active_only=True))
    hours = Hours(organisation, all_desks, first, last)
    booked: dict[int, int] = {}
    for appointment in (
        appointments_between(organisation, first, last)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related(None)
        .only("desk_id", "start", "end")
    ):
        minutes = int((appointment.end - appointment.start).total_seconds() // 60)
        booked[appointment.desk_id] = booked.get(appointment.desk_id, 0) + minutes
    rows = []
    for desk in all_desks:
        open_minutes = 0
        day = first
        while day <= last:
            open_minutes += hours.open_minutes(desk, day)
            day += dt.timedelta(days=1)
        rows.append(Occupancy(desk.name, open_minutes, booked.get(desk.pk, 0)))
    return rows


@dataclass(frozen=True)
class LeadTime:
    type: str
    next_slot: dt.datetime | None

    def days(self, now: dt.datetime) -> float | None:
        if self.next_slot is None:
            return None
        return round((self.next_slot - now).total_seconds() / 86400, 1)


def lead_times(organisation: Organisation, *, now: dt.datetime | None = None) -> list[LeadTime]:
    """Per online type: the next slot a resident could book now (None: nothing within the booking window)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    rows = []
    for kind in types(organisation).filter(is_active=True).select_related("organisation"):
        planner = Planner(kind, today, today + dt.timedelta(days=kind.max_advance_days), now=now)
        found = planner.next_free()
        rows.append(LeadTime(kind.name, found.start if found else None))
    return rows


@dataclass(frozen=True)
class Outcomes:
    honoured: int
    no_show: int
    late_cancelled: int
    cancelled: int
    unmarked: int  # past appointments still "booked": nobody marked them

    @property
    def no_show_rate(self) -> float | None:
        """Missed among the appointments whose outcome is known (honoured + missed)."""
        known = self.honoured + self.no_show
        return self.no_show / known if known else None


def outcomes(organisation: Organisation, first: dt.date, last: dt.date, *, now: dt.datetime | None = None) -> Outcomes:
    """Outcomes of the appointments of [first, last]: the no-show rate and the cancellations."""
    now = now or timezone.now()
    counts = appointments_between(organisation, first, last).aggregate(
        honoured=Count("pk", filter=Q(status=AppointmentStatus.HONOURED)),
        no_show=Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
        late_cancelled=Count("pk", filter=Q(status=AppointmentStatus.LATE_CANCELLED)),
        cancelled=Count("pk", filter=Q(status=AppointmentStatus.CANCELLED)),
        unmarked=Count("pk", filter=Q(status=AppointmentStatus.BOOKED, start__lt=now)),
    )
    return Outcomes(**counts)


def cancellations_by_type(organisation: Organisation, first: dt.date, last: dt.date) -> list[tuple[str, int, int]]:
    """(type, appointments, cancelled in time or late) for [first, last]."""
    rows = (
        appointments_between(organisation, first, last)
        .order_by()
        .values("appointment_type__name")
        .annotate(
            total=Count("pk"),
            cancelled=Count("pk", filter=Q(status__in=[AppointmentStatus.CANCELLED, AppointmentStatus.LATE_CANCELLED])),
        )
        .order_by("appointment_type__name")
    )
    return [(row["appointment_type__name"], row["total"], row["cancelled"]) for row in rows]
