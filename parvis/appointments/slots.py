"""Computing free slots from opening hours, exceptions, public holidays and booked appointments.

Slots are never stored. ``Planner`` loads everything one agenda needs for a range of days in a
few queries, then answers per day in memory:

- a desk is open on its weekly ``OpeningPeriod`` rows, plus the extra sessions of the day, minus the
  closures of the day; on a public holiday of the organisation's calendar (``parvis.legal.calendars``,
  with the Alsace-Moselle and overseas variants) the weekly hours do not apply (an explicit extra
  session still does);
- inside each window, slots start every ``duration + buffer`` minutes;
- a slot is free when no other appointment of the desk overlaps it (buffer included) and, for a
  group session, fewer than ``capacity`` residents booked that very session; a slot offered to the
  waiting list counts as booked until the offer expires.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from parvis.appointments.enums import ExceptionKind, WaitingStatus
from parvis.appointments.models import (
    AgendaException,
    Appointment,
    AppointmentType,
    Desk,
    OpeningPeriod,
    WaitingEntry,
)
from parvis.legal.calendars import holiday_name
from parvis.organisations.models import Organisation

Window = tuple[dt.time, dt.time]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=local_zone())


def local_today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Slot:
    desk_id: int
    desk_name: str
    start: dt.datetime
    end: dt.datetime
    remaining: int

    @property
    def key(self) -> str:
        """How a slot is named in forms: ``<desk id>|<ISO start>``."""
        return f"{self.desk_id}|{self.start.isoformat()}"


def parse_slot_key(value: str) -> tuple[int, dt.datetime] | None:
    desk, _, start = (value or "").partition("|")
    try:
        parsed = dt.datetime.fromisoformat(start)
        return int(desk), parsed if parsed.tzinfo else parsed.replace(tzinfo=local_zone())
    except ValueError:
        return None


def subtract(windows: list[Window], cut: Window) -> list[Window]:
    result: list[Window] = []
    for start, end in windows:
        if cut[1] <= start or cut[0] >= end:
            result.append((start, end))
            continue
        if cut[0] > start:
            result.append((start, cut[0]))
        if cut[1] < end:
            result.append((cut[1], end))
    return result


class Hours:
    """When desks are open over [first, last]: weekly periods, exceptions and public holidays."""

    def __init__(self, organisation: Organisation, desks: Iterable[Desk], first: dt.date, last: dt.date) -> None:
        self.organisation = organisation
        self.calendar = organisation.calendar or "FR"
        self.desks = list(desks)
        desk_ids = [desk.pk for desk in self.desks]
        self.first, self.last = first, last
        self.periods: dict[tuple[int, int], list[Window]] = defaultdict(list)
        for period in OpeningPeriod.objects.filter(desk_id__in=desk_ids):
            self.periods[(period.desk_id, period.weekday)].append((period.start, period.end))
        self.exceptions: dict[dt.date, list[AgendaException]] = defaultdict(list)
        for exception in AgendaException.objects.filter(
            Q(desk__isnull=True) | Q(desk_id__in=desk_ids), organisation=organisation, day__range=(first, last)
        ):
            self.exceptions[exception.day].append(exception)

    def closed_reason(self, day: dt.date) -> str | None:
        name = holiday_name(day, self.calendar)
        if name:
            return f"jour férié ({name})"
        for exception in self.exceptions.get(day, []):
            if exception.kind == ExceptionKind.CLOSURE and exception.whole_day and exception.desk_id is None:
                return exception.reason or "fermeture exceptionnelle"
        return None

    def windows(self, desk: Desk, day: dt.date) -> list[Window]:
        windows: list[Window] = []
        if holiday_name(day, self.calendar) is None:
            windows = list(self.periods.get((desk.pk, day.weekday()), []))
        day_exceptions = [e for e in self.exceptions.get(day, []) if e.desk_id in (None, desk.pk)]
        for exception in day_exceptions:
            if exception.kind == ExceptionKind.EXTRA and not exception.whole_day:
                assert exception.start is not None and exception.end is not None
                windows.append((exception.start, exception.end))
        for exception in day_exceptions:
            if exception.kind == ExceptionKind.CLOSURE:
                if exception.whole_day:
                    return []
                assert exception.start is not None and exception.end is not None
                windows = subtract(windows, (exception.start, exception.end))
        return sorted(windows)

    def open_minutes(self, desk: Desk, day: dt.date) -> int:
        return sum(int((at(day, end) - at(day, start)).total_seconds() // 60) for start, end in self.windows(desk, day))


class Planner:
    """Free slots of one appointment type over [first, last] (local days)."""

    def __init__(
        self,
        appointment_type: AppointmentType,
        first: dt.date,
        last: dt.date,
        *,
        now: dt.datetime | None = None,
        for_agent: bool = False,
        ignore_appointment_id: int | None = None,
        ignore_offer_id: int | None = None,
        desks: Iterable[Desk] | None = None,
    ) -> None:
        self.type = appointment_type
        self.organisation = appointment_type.organisation
        self.now = now or timezone.now()
        self.for_agent = for_agent
        self.desks = list(desks) if desks is not None else list(appointment_type.desks.filter(is_active=True))
        desk_ids = [desk.pk for desk in self.desks]
        self.first, self.last = first, last
        self.hours = Hours(self.organisation, self.desks, first, last)
        range_start, range_end = at(first, dt.time.min), at(last + dt.timedelta(days=1), dt.time.min)
        taken = (
            Appointment.objects.occupying()
            .filter(desk_id__in=desk_ids, start__lt=range_end + dt.timedelta(hours=8), end__gt=range_start)
            .select_related("appointment_type")
        )
        if ignore_appointment_id:
            taken = taken.exclude(pk=ignore_appointment_id)
        # (desk, start, end with the buffer, type id)
        self.busy: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
        for appointment in taken:
            buffer = dt.timedelta(minutes=appointment.appointment_type.buffer_minutes)
            self.busy[appointment.desk_id].append(
                (appointment.start, appointment.end + buffer, appointment.appointment_type_id)
            )
        offers = WaitingEntry.objects.filter(
            offer_desk_id__in=desk_ids,
            status=WaitingStatus.OFFERED,
            offer_expires_at__gt=self.now,
            offer_start__range=(range_start, range_end),
        ).select_related("appointment_type")
        if ignore_offer_id:
            offers = offers.exclude(pk=ignore_offer_id)
        for offer in offers:
            assert offer.offer_start is not None and offer.offer_desk_id is not None
            offer_type = offer.appointment_type
            self.busy[offer.offer_desk_id].append(
                (
                    offer.offer_start,
                    offer.offer_start + dt.timedelta(minutes=offer_type.duration_minutes + offer_type.buffer_minutes),
                    offer.appointment_type_id,
                )
            )

    # --- bounds ---------------------------------------------------------------------------------

    @property
    def earliest(self) -> dt.datetime:
        """No slot before this moment (the minimum notice applies to residents only)."""
        if self.for_agent:
            return self.now
        return self.now + dt.timedelta(hours=self.type.min_notice_hours)

    @property
    def latest_day(self) -> dt.date:
        return timezone.localtime(self.now).date() + dt.timedelta(days=self.type.max_advance_days)

    # --- per day --------------------------------------------------------------------------------

    def closed_reason(self, day: dt.date) -> str | None:
        return self.hours.closed_reason(day)

    def windows(self, desk: Desk, day: dt.date) -> list[Window]:
        return self.hours.windows(desk, day)

    def slots(self, day: dt.date) -> list[Slot]:
        if not self.for_agent and day > self.latest_day:
            return []
        duration = self.type.duration
        step = dt.timedelta(minutes=self.type.duration_minutes + self.type.buffer_minutes)
        buffer = dt.timedelta(minutes=self.type.buffer_minutes)
        earliest = self.earliest
        found: list[Slot] = []
        for desk in self.desks:
            for window_start, window_end in self.windows(desk, day):
                start, limit = at(day, window_start), at(day, window_end)
                while start + duration <= limit:
                    if start >= earliest:
                        remaining = self._remaining(desk.pk, start, start + duration + buffer)
                        if remaining > 0:
                            found.append(Slot(desk.pk, desk.name, start, start + duration, remaining))
                    start += step
        found.sort(key=lambda slot: (slot.start, slot.desk_name))
        return found

    def _remaining(self, desk_id: int, start: dt.datetime, end: dt.datetime) -> int:
        same_session = 0
        for busy_start, busy_end, type_id in self.busy.get(desk_id, []):
            if busy_start < end and start < busy_end:
                if busy_start == start and type_id == self.type.pk and self.type.capacity > 1:
                    same_session += 1
                else:
                    return 0
        return self.type.capacity - same_session

    def find(self, desk_id: int, start: dt.datetime) -> Slot | None:
        """The free slot of ``desk_id`` starting at ``start``, if it exists and is free."""
        day = timezone.localtime(start).date()
        return next((s for s in self.slots(day) if s.desk_id == desk_id and s.start == start), None)

    def days(self) -> list[tuple[dt.date, int, str | None]]:
        """Each day of the range with its number of free slots and, when closed, why."""
        result = []
        day = self.first
        while day <= self.last:
            result.append((day, len(self.slots(day)), self.closed_reason(day)))
            day += dt.timedelta(days=1)
        return result

    def next_free(self) -> Slot | None:
        day = self.first
        while day <= self.last:
            slots = self.slots(day)
            if slots:
                return slots[0]
            day += dt.timedelta(days=1)
        return None
