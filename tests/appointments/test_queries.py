"""Each figure of the statistics page, computed by its query function."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from parvis.appointments import queries
from parvis.appointments.enums import AppointmentStatus
from parvis.appointments.models import Appointment
from tests.appointments.helpers import make_agenda, next_weekday, slot_at


def _past(kind, desk, day, hour, status, email="u@example.org"):
    return Appointment.objects.create(
        organisation=kind.organisation,
        appointment_type=kind,
        desk=desk,
        start=slot_at(day, hour),
        end=slot_at(day, hour, 20),
        contact_name="U",
        contact_email=email,
        status=status,
    )


def _past_weekday():
    day = timezone.localdate() - dt.timedelta(days=14)
    while day.weekday() != 1:
        day += dt.timedelta(days=1)
    return day


def test_occupancy_counts_open_and_booked_minutes_per_desk(territory):
    kind, desks = make_agenda(territory.commune_a)
    day = _past_weekday()
    _past(kind, desks[0], day, 9, AppointmentStatus.HONOURED)
    _past(kind, desks[0], day, 10, AppointmentStatus.NO_SHOW)
    _past(kind, desks[0], day, 11, AppointmentStatus.CANCELLED)  # freed: not occupied
    rows = {row.desk: row for row in queries.occupancy(territory.commune_a, day, day)}
    first = rows[desks[0].name]
    assert first.open_minutes == 360 and first.booked_minutes == 40
    assert round(first.rate, 3) == round(40 / 360, 3)
    assert rows[desks[1].name].booked_minutes == 0


def test_the_no_show_rate_counts_missed_among_known_outcomes(territory):
    kind, desks = make_agenda(territory.commune_a)
    day = _past_weekday()
    for hour, status in ((9, "honoured"), (10, "honoured"), (11, "no_show"), (14, "late_cancelled"), (15, "cancelled")):
        _past(kind, desks[0], day, hour, status)
    _past(kind, desks[1], day, 9, AppointmentStatus.BOOKED)  # nobody marked it
    result = queries.outcomes(territory.commune_a, day, day)
    assert (result.honoured, result.no_show, result.late_cancelled, result.cancelled, result.unmarked) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert result.no_show_rate == 1 / 3


def test_cancellations_are_counted_per_type(territory):
    kind, desks = make_agenda(territory.commune_a)
    day = _past_weekday()
    _past(kind, desks[0], day, 9, AppointmentStatus.CANCELLED)
    _past(kind, desks[0], day, 10, AppointmentStatus.HONOURED)
    assert queries.cancellations_by_type(territory.commune_a, day, day) == [(kind.name, 2, 1)]


def test_the_lead_time_is_the_next_bookable_slot(territory):
    kind, desks = make_agenda(territory.commune_a, desks=1, min_notice_hours=0)
    day = next_weekday()
    now = slot_at(day, 8)
    [row] = queries.lead_times(territory.commune_a, now=now)
    assert row.next_slot == slot_at(day, 9) and row.days(now) == round(1 / 24, 1)


def test_statistics_never_count_another_organisations_appointments(territory):
    kind, desks = make_agenda(territory.commune_b, slug="cni-b")
    day = _past_weekday()
    _past(kind, desks[0], day, 9, AppointmentStatus.NO_SHOW)
    assert queries.outcomes(territory.commune_a, day, day).no_show == 0
    assert queries.cancellations_by_type(territory.commune_a, day, day) == []
