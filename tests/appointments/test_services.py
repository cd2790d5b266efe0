"""The rules of appointments, through the services."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from parvis.appointments import services
from parvis.appointments.enums import AppointmentStatus, ExceptionKind, WaitingStatus
from parvis.appointments.models import Appointment, AppointmentToken, ReminderSent, WaitingEntry
from parvis.appointments.services import AppointmentError, SlotTaken
from parvis.appointments.slots import Planner
from parvis.audit.models import AuditEvent
from parvis.notifications.models import OutboundMessage
from tests.appointments.helpers import book, make_agenda, next_weekday, slot_at


@pytest.fixture
def agenda(territory):
    return make_agenda(territory.commune_a)


def _days_slots(kind, day, **kwargs):
    return Planner(kind, day, day, **kwargs).slots(day)


# --- Slots ---------------------------------------------------------------------------------------


def test_a_weekday_offers_slots_every_duration_on_each_desk(agenda):
    kind, desks = agenda
    day = next_weekday()
    slots = _days_slots(kind, day)
    # 9:00-12:00 and 14:00-17:00: 9 + 9 slots of 20 minutes, on two desks
    assert len(slots) == 36
    assert slots[0].start == slot_at(day, 9) and slots[-1].start == slot_at(day, 16, 40)


def test_the_buffer_spaces_slots(territory):
    kind, _ = make_agenda(territory.commune_a, desks=1, duration=20, buffer=10)
    slots = _days_slots(kind, next_weekday())
    assert [s.start.minute for s in slots[:3]] == [0, 30, 0]


@pytest.mark.parametrize("month_day", [(7, 14), (12, 25), (5, 1), (11, 11)])
def test_no_slot_on_a_french_public_holiday(agenda, month_day):
    kind, _ = agenda
    year = timezone.localdate().year + 1
    day = dt.date(year, *month_day)
    planner = Planner(kind, day, day, now=slot_at(dt.date(year, 1, 2), 8))
    assert planner.slots(day) == []
    assert planner.closed_reason(day) and "férié" in planner.closed_reason(day)


def test_good_friday_is_closed_in_alsace_moselle_only(territory, agenda):
    kind, _ = agenda
    good_friday = dt.date(2027, 3, 26)
    now = slot_at(dt.date(2027, 1, 4), 8)
    assert Planner(kind, good_friday, good_friday, now=now).slots(good_friday)
    territory.commune_a.calendar = "FR-ALSACE-MOSELLE"
    territory.commune_a.save()
    kind.organisation.refresh_from_db()
    assert Planner(kind, good_friday, good_friday, now=now).slots(good_friday) == []


def test_minimum_notice_and_maximum_advance_bound_online_slots(territory):
    kind, _ = make_agenda(territory.commune_a, desks=1, min_notice_hours=48, max_advance_days=10)
    day = next_weekday()
    now = slot_at(day, 8)
    assert _days_slots(kind, day, now=now) == []  # less than 48 h ahead
    assert _days_slots(kind, day, now=now, for_agent=True)  # agents are not bound by the notice
    far = day + dt.timedelta(days=14)
    assert _days_slots(kind, far, now=now) == []


def test_a_closure_removes_slots_and_an_extra_session_adds_some(territory, agenda, admin_a):
    kind, desks = agenda
    day = next_weekday()
    services.add_exception(
        organisation=territory.commune_a,
        kind=ExceptionKind.CLOSURE,
        day=day,
        desk=desks[0],
        start=dt.time(14),
        end=dt.time(17),
        actor=admin_a,
    )
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    services.add_exception(
        organisation=territory.commune_a,
        kind=ExceptionKind.EXTRA,
        day=saturday,
        desk=desks[1],
        start=dt.time(9),
        end=dt.time(10),
        actor=admin_a,
    )
    slots = _days_slots(kind, day)
    assert len([s for s in slots if s.desk_id == desks[0].pk]) == 9
    assert len(_days_slots(kind, saturday)) == 3


# --- Booking -------------------------------------------------------------------------------------


def test_booking_takes_the_slot_and_sends_a_confirmation_with_a_valid_ics(agenda):
    kind, desks = agenda
    day = next_weekday()
    booked = book(kind, desks[0], slot_at(day, 9), contact_phone="06 12 34 56 78")

    appointment = booked.appointment
    assert appointment.end == slot_at(day, 9, 20)
    assert AppointmentToken.objects.get(appointment=appointment).token_hash == services.hash_token(booked.token)
    assert booked.token not in str(AppointmentToken.objects.values_list("token_hash", flat=True))
    assert all(s.start != slot_at(day, 9) for s in _days_slots(kind, day) if s.desk_id == desks[0].pk)
    message = OutboundMessage.objects.get(event="appointment.confirmed")
    assert message.to == "camille@example.org"
    assert booked.token in message.body_text and "Photo d'identité" in message.body_text
    assert AuditEvent.objects.filter(action="appointments.booked").count() == 1

    from django.core.files.storage import default_storage

    attachment = message.attachments[0]
    assert attachment["name"] == "rendez-vous.ics"
    with default_storage.open(attachment["path"]) as stored:
        calendar = Calendar.from_ical(stored.read())
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart") == slot_at(day, 9)
    assert event.decoded("dtend") == slot_at(day, 9, 20)
    assert "Carte nationale d'identité" in str(event["summary"])


def test_booking_a_taken_slot_is_refused_in_french(agenda):
    kind, desks = agenda
    start = slot_at(next_weekday(), 9)
    book(kind, desks[0], start)
    with pytest.raises(SlotTaken, match="vient d'être réservé"):
        book(kind, desks[0], start, contact_email="autre@example.org")


def test_a_slot_outside_opening_hours_or_on_another_organisations_desk_is_refused(territory, agenda):
    kind, desks = agenda
    other_kind, other_desks = make_agenda(territory.commune_b, slug="cni-b", desks=1)
    day = next_weekday()
    with pytest.raises(SlotTaken):
        book(kind, desks[0], slot_at(day, 12, 30))
    with pytest.raises(AppointmentError):
        book(kind, other_desks[0], slot_at(day, 9))


def test_a_group_session_takes_bookings_up_to_its_capacity(territory):
    kind, desks = make_agenda(territory.commune_a, slug="atelier", desks=1, duration=60, capacity=2)
    start = slot_at(next_weekday(), 9)
    book(kind, desks[0], start, contact_email="a@example.org")
    assert _days_slots(kind, start.date())[0].remaining == 1
    book(kind, desks[0], start, contact_email="b@example.org")
    with pytest.raises(SlotTaken):
        book(kind, desks[0], start, contact_email="c@example.org")


def test_residents_cannot_book_agent_only_types_but_agents_can(territory, agent_a):
    kind, desks = make_agenda(territory.commune_a, slug="mariage", online=False, desks=1)
    start = slot_at(next_weekday(), 9)
    with pytest.raises(AppointmentError, match="auprès de l'accueil"):
        book(kind, desks[0], start)
    booked = book(kind, desks[0], start, by_agent=True, channel="counter", actor=agent_a)
    assert booked.appointment.channel == "counter"


def test_an_invalid_phone_number_is_refused_with_a_french_message(agenda):
    kind, desks = agenda
    with pytest.raises(AppointmentError, match="Numéro de téléphone invalide") as caught:
        book(kind, desks[0], slot_at(next_weekday(), 9), contact_phone="12")
    assert caught.value.field == "phone"


def test_after_repeated_no_shows_online_booking_is_refused(territory, agenda, agent_a):
    kind, desks = agenda
    services.save_settings(organisation=territory.commune_a, data={"no_show_limit": 2}, actor=None)
    past_day = timezone.localdate() - dt.timedelta(days=10)
    for hour in (9, 10):
        missed = Appointment.objects.create(
            organisation=territory.commune_a,
            appointment_type=kind,
            desk=desks[0],
            start=slot_at(past_day, hour),
            end=slot_at(past_day, hour, 20),
            contact_name="Camille",
            contact_email="camille@example.org",
        )
        services.record_outcome(appointment=missed, status=AppointmentStatus.NO_SHOW, actor=agent_a)
    start = slot_at(next_weekday(), 9)
    with pytest.raises(AppointmentError, match="non honorés"):
        book(kind, desks[0], start, contact_email="CAMILLE@example.org")
    assert book(kind, desks[0], start, by_agent=True, actor=agent_a)  # the counter still can


def test_an_outcome_cannot_be_set_before_the_appointment(agenda, agent_a):
    kind, desks = agenda
    appointment = book(kind, desks[0], slot_at(next_weekday(), 9)).appointment
    with pytest.raises(AppointmentError, match="pas encore eu lieu"):
        services.record_outcome(appointment=appointment, status=AppointmentStatus.HONOURED, actor=agent_a)


# --- Changes -------------------------------------------------------------------------------------


def test_rescheduling_moves_the_appointment_and_frees_the_old_slot(agenda):
    kind, desks = agenda
    day = next_weekday()
    booked = book(kind, desks[0], slot_at(day, 9))
    moved = services.reschedule(appointment=booked.appointment, desk_id=desks[1].pk, start=slot_at(day, 15), actor=None)
    appointment = moved.appointment
    appointment.refresh_from_db()
    assert (appointment.desk, appointment.start, appointment.sequence) == (desks[1], slot_at(day, 15), 1)
    assert any(s.start == slot_at(day, 9) and s.desk_id == desks[0].pk for s in _days_slots(kind, day))
    assert OutboundMessage.objects.filter(event="appointment.rescheduled").count() == 1


def test_cancelling_frees_the_slot_and_offers_it_to_the_first_on_the_waiting_list(agenda):
    kind, desks = agenda
    day = next_weekday()
    first = services.join_waiting_list(appointment_type=kind, name="Léa", email="lea@example.org", actor=None)
    services.join_waiting_list(appointment_type=kind, name="Noé", email="noe@example.org", actor=None)
    booked = book(kind, desks[0], slot_at(day, 9))

    services.cancel(appointment=booked.appointment, actor=None)

    first.refresh_from_db()
    assert first.status == WaitingStatus.OFFERED and first.offer_start == slot_at(day, 9)
    offer_mail = OutboundMessage.objects.get(event="appointment.waiting_offer")
    assert offer_mail.to == "lea@example.org"
    # Held for Léa: nobody else sees it
    assert all(not (s.start == slot_at(day, 9) and s.desk_id == desks[0].pk) for s in _days_slots(kind, day))
    assert OutboundMessage.objects.filter(event="appointment.cancelled").count() == 1


def test_an_expired_offer_goes_to_the_next_person_waiting(agenda):
    kind, desks = agenda
    day = next_weekday(timezone.localdate() + dt.timedelta(days=3))
    first = services.join_waiting_list(appointment_type=kind, name="Léa", email="lea@example.org", actor=None)
    second = services.join_waiting_list(appointment_type=kind, name="Noé", email="noe@example.org", actor=None)
    services.cancel(appointment=book(kind, desks[0], slot_at(day, 9)).appointment, actor=None)

    assert services.expire_offers(now=timezone.now() + dt.timedelta(hours=13)) == 1
    assert services.expire_offers(now=timezone.now() + dt.timedelta(hours=13)) == 0  # idempotent

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingStatus.EXPIRED and second.status == WaitingStatus.OFFERED


def test_closing_a_day_cancels_its_appointments_and_tells_every_resident(territory, agenda, admin_a):
    kind, desks = agenda
    day = next_weekday()
    book(kind, desks[0], slot_at(day, 9), contact_email="a@example.org")
    book(kind, desks[1], slot_at(day, 15), contact_email="b@example.org")
    other_day = book(kind, desks[0], slot_at(day + dt.timedelta(days=7), 9), contact_email="c@example.org")

    _, cancelled = services.add_exception(
        organisation=territory.commune_a, kind=ExceptionKind.CLOSURE, day=day, reason="formation", actor=admin_a
    )

    assert len(cancelled) == 2
    mails = OutboundMessage.objects.filter(event="appointment.cancelled")
    assert sorted(mails.values_list("to", flat=True)) == ["a@example.org", "b@example.org"]
    assert "formation" in mails.first().body_text
    other_day.appointment.refresh_from_db()
    assert other_day.appointment.status == AppointmentStatus.BOOKED
    assert _days_slots(kind, day) == []


# --- Reminders -----------------------------------------------------------------------------------


def test_reminders_go_once_by_email_and_sms_at_the_configured_delay(territory, agenda):
    kind, desks = agenda
    day = next_weekday(timezone.localdate() + dt.timedelta(days=3))
    appointment = book(kind, desks[0], slot_at(day, 9), contact_phone="06 12 34 56 78").appointment
    services.save_settings(organisation=territory.commune_a, data={"reminder_hours": "48,2"}, actor=None)

    assert services.send_due_reminders(now=slot_at(day, 9) - dt.timedelta(hours=50)) == 0
    assert services.send_due_reminders(now=slot_at(day, 9) - dt.timedelta(hours=47)) == 2
    assert services.send_due_reminders(now=slot_at(day, 9) - dt.timedelta(hours=46)) == 0  # idempotent
    assert services.send_due_reminders(now=slot_at(day, 9) - dt.timedelta(hours=1)) == 2
    channels = sorted(OutboundMessage.objects.filter(event="appointment.reminder").values_list("channel", flat=True))
    assert channels == ["email", "email", "sms", "sms"]
    assert ReminderSent.objects.filter(appointment=appointment).count() == 4


def test_over_the_monthly_sms_budget_reminders_go_by_email_only(territory, agenda):
    kind, desks = agenda
    services.save_settings(
        organisation=territory.commune_a, data={"reminder_hours": "2", "sms_monthly_budget": 1}, actor=None
    )
    day = next_weekday()
    for hour in (9, 10):
        book(kind, desks[0], slot_at(day, hour), contact_phone="06 12 34 56 78", contact_email=f"p{hour}@example.org")
    services.send_due_reminders(now=slot_at(day, 8, 30))
    services.send_due_reminders(now=slot_at(day, 9, 30))
    sent = OutboundMessage.objects.filter(event="appointment.reminder")
    assert sent.filter(channel="email").count() == 2
    assert sent.filter(channel="sms").count() == 1


def test_a_resident_who_opted_out_gets_no_reminder(territory, agenda):
    kind, desks = agenda
    services.save_settings(organisation=territory.commune_a, data={"reminder_hours": "2"}, actor=None)
    day = next_weekday()
    appointment = book(kind, desks[0], slot_at(day, 9)).appointment
    services.opt_out_of_reminders(appointment=appointment, actor=None)
    assert services.send_due_reminders(now=slot_at(day, 8)) == 0


# --- Concurrency ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_bookings_of_the_last_seat_give_one_success_and_one_refusal(territory):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the desk row lock is exercised on PostgreSQL")
    kind, desks = make_agenda(territory.commune_a, desks=1)
    start = slot_at(next_weekday(), 9)
    barrier = threading.Barrier(2)
    successes, refusals, errors = [], [], []

    def worker(email: str) -> None:
        try:
            barrier.wait()
            successes.append(book(kind, desks[0], start, contact_email=email))
        except SlotTaken as exc:
            refusals.append(str(exc))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"p{i}@example.org",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(successes) == 1
    assert refusals == [services.SLOT_TAKEN]
    assert Appointment.objects.filter(desk=desks[0], start=start).count() == 1


def test_waiting_entries_are_not_duplicated(agenda):
    kind, _ = agenda
    services.join_waiting_list(appointment_type=kind, name="Léa", email="lea@example.org", actor=None)
    services.join_waiting_list(appointment_type=kind, name="Léa", email="LEA@example.org", actor=None)
    assert WaitingEntry.objects.count() == 1
