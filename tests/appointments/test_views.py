"""Appointments through HTTP: residents book and manage, agents run the day, administrators configure."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from parvis.appointments import services
from parvis.appointments.enums import AppointmentStatus
from parvis.appointments.models import Appointment, AppointmentType, Desk, OpeningPeriod, WaitingEntry
from parvis.notifications.models import OutboundMessage
from tests.appointments.helpers import book, make_agenda, next_weekday, slot_at
from tests.conftest import HOST_A, HOST_B, logged_in

BOOK = reverse("appointments:book", args=["cni"])


@pytest.fixture
def agenda(territory):
    return make_agenda(territory.commune_a)


def _key(desk, start):
    return f"{desk.pk}|{start.isoformat()}"


def _contact(**extra):
    return {"contact_name": "Camille Martin", "contact_email": "camille@example.org", "contact_phone": ""} | extra


# --- Residents -------------------------------------------------------------------------------------


def test_the_list_of_types_shows_only_online_types(territory, agenda, client_a):
    make_agenda(territory.commune_a, slug="mariage", name="Préparation de mariage", online=False, desks=1)
    content = client_a.get(reverse("appointments:types")).content.decode()
    assert "Carte nationale d&#x27;identité" in content and "Préparation de mariage" not in content


def test_the_slot_picker_lists_days_as_links_and_slots_as_radio_buttons_in_a_fieldset(agenda, client_a):
    kind, desks = agenda
    day = next_weekday()
    response = client_a.get(BOOK, {"semaine": day.isoformat(), "jour": day.isoformat()})
    content = response.content.decode()
    assert response.status_code == 200
    assert '<fieldset id="creneaux"' in content and "<legend>2. Choisissez un horaire le" in content
    assert content.count('type="radio" name="slot"') == 36
    assert 'aria-current="date"' in content
    assert "Photo d&#x27;identité" in content  # documents to bring


def test_a_resident_without_an_account_books_and_lands_on_the_manage_page(agenda, client_a):
    kind, desks = agenda
    day = next_weekday()
    response = client_a.post(
        BOOK, {"slot": _key(desks[0], slot_at(day, 9)), **_contact(contact_phone="06 12 34 56 78")}
    )
    assert response.status_code == 302 and "/rendez-vous/gerer/" in response["Location"]
    page = client_a.get(response["Location"]).content.decode()
    assert "Rendez-vous confirmé" in page and "Déplacer le rendez-vous" in page
    appointment = Appointment.objects.get()
    assert appointment.user is None and appointment.contact_phone == "06 12 34 56 78"
    assert OutboundMessage.objects.filter(event="appointment.confirmed", to="camille@example.org").exists()


def test_a_logged_in_resident_finds_the_contact_fields_filled(agenda, citizen):
    content = logged_in(citizen, HOST_A).get(BOOK).content.decode()
    assert 'value="camille@example.org"' in content


def test_booking_without_a_slot_says_so_in_french_and_keeps_what_was_typed(agenda, client_a):
    response = client_a.post(BOOK, _contact(contact_name="Camille Dupont"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez un créneau dans la liste." in content
    assert 'href="#id_slot"' in content
    assert 'value="Camille Dupont"' in content


def test_a_slot_taken_meanwhile_is_refused_with_the_form_kept(agenda, client_a):
    kind, desks = agenda
    start = slot_at(next_weekday(), 9)
    book(kind, desks[0], start)
    response = client_a.post(BOOK, {"slot": _key(desks[0], start), **_contact(contact_email="autre@example.org")})
    content = response.content.decode()
    assert response.status_code == 200
    assert "vient d&#x27;être réservé" in content and 'value="autre@example.org"' in content
    assert Appointment.objects.count() == 1


def test_public_holidays_show_as_closed_days_with_their_name(agenda, client_a):
    year = timezone.localdate().year + 1
    for day, name in ((dt.date(year, 7, 14), "Fête nationale"), (dt.date(year, 12, 25), "Noël")):
        content = client_a.get(BOOK, {"semaine": day.isoformat(), "jour": day.isoformat()}).content.decode()
        assert f"fermé : jour férié ({name})" in content
        day_iso = day.isoformat()
        assert f"jour={day_iso}#creneaux" not in content  # no link to pick that day


def test_the_manage_link_reschedules_without_login(agenda, client_a):
    kind, desks = agenda
    day = next_weekday()
    booked = book(kind, desks[0], slot_at(day, 9))
    url = reverse("appointments:reschedule", args=[booked.token])
    assert client_a.get(url).status_code == 200
    response = client_a.post(url, {"slot": _key(desks[1], slot_at(day, 14))})
    assert response.status_code == 302
    booked.appointment.refresh_from_db()
    assert booked.appointment.start == slot_at(day, 14) and booked.appointment.desk == desks[1]
    rescheduled = OutboundMessage.objects.get(event="appointment.rescheduled")
    assert "/rendez-vous/gerer/" in rescheduled.body_text


def test_the_manage_link_cancels_and_opts_out(agenda, client_a):
    kind, desks = agenda
    booked = book(kind, desks[0], slot_at(next_weekday(), 9))
    client_a.post(reverse("appointments:opt_out", args=[booked.token]))
    client_a.post(reverse("appointments:cancel", args=[booked.token]))
    booked.appointment.refresh_from_db()
    assert booked.appointment.reminders_opt_out
    assert booked.appointment.status == AppointmentStatus.CANCELLED
    content = client_a.get(reverse("appointments:manage", args=[booked.token])).content.decode()
    assert "Annulé" in content and "Prendre un autre rendez-vous" in content


def test_a_wrong_token_or_another_communes_host_answers_404(agenda, client_a):
    kind, desks = agenda
    booked = book(kind, desks[0], slot_at(next_weekday(), 9))
    assert client_a.get(reverse("appointments:manage", args=["inconnu"])).status_code == 404
    assert Client(HTTP_HOST=HOST_B).get(reverse("appointments:manage", args=[booked.token])).status_code == 404


def test_the_waiting_list_then_the_offer_link_books_the_freed_slot(agenda, client_a):
    kind, desks = agenda
    start = slot_at(next_weekday(), 9)
    booked = book(kind, desks[0], start, contact_email="premier@example.org")
    response = client_a.post(
        reverse("appointments:waiting_list", args=["cni"]), {"name": "Léa Petit", "email": "lea@example.org"}
    )
    assert response.status_code == 302 and WaitingEntry.objects.count() == 1
    services.cancel(appointment=booked.appointment, actor=None)
    body = OutboundMessage.objects.get(event="appointment.waiting_offer").body_text
    offer_path = re.search(r"/rendez-vous/offre/[^/]+/", body).group(0)
    assert 'value="Léa Petit"' in client_a.get(offer_path).content.decode()

    response = client_a.post(offer_path, _contact(contact_name="Léa Petit", contact_email="lea@example.org"))

    assert response.status_code == 302
    assert Appointment.objects.get(status=AppointmentStatus.BOOKED).contact_email == "lea@example.org"
    assert client_a.get(offer_path).status_code == 404  # used


def test_the_desk_feed_is_a_valid_icalendar_behind_its_token(agenda, client_a):
    kind, desks = agenda
    booked = book(kind, desks[0], slot_at(next_weekday(), 9), contact_name="Camille Martin")
    response = client_a.get(reverse("appointments:feed", args=[desks[0].feed_token]))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1 and "Camille Martin" in str(events[0]["summary"])
    assert events[0].decoded("dtstart") == booked.appointment.start
    assert client_a.get(reverse("appointments:feed", args=["mauvais"])).status_code == 404


def test_a_citizen_books_from_his_own_case_and_the_appointment_is_linked(territory, agenda, citizen, admin_a):
    from parvis.cases.services import submit_case
    from tests.factories import published_procedure

    procedure = published_procedure(territory.commune_a, actor=admin_a)
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "CNI"},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
    ).case
    kind, desks = agenda
    client = logged_in(citizen, HOST_A)
    response = client.post(
        f"{BOOK}?dossier={case.reference}", {"slot": _key(desks[0], slot_at(next_weekday(), 9)), **_contact()}
    )
    assert response.status_code == 302
    assert Appointment.objects.get().case == case


# --- Agents ----------------------------------------------------------------------------------------


def test_the_day_view_lists_each_desk_with_a_bounded_number_of_queries(agenda, agent_a, django_assert_max_num_queries):
    kind, desks = agenda
    day = next_weekday()
    for hour in range(9, 12):
        for desk in desks:
            book(kind, desk, slot_at(day, hour), contact_name=f"Usager {hour} {desk.pk}")
    client = logged_in(agent_a, HOST_A)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("appointments:day"), {"jour": day.isoformat()})
    content = response.content.decode()
    assert content.count("Usager ") >= 6 and "@media print" not in content
    assert "appointments.css" in content  # the print stylesheet


def test_the_week_view_has_a_bounded_number_of_queries(agenda, agent_a, django_assert_max_num_queries):
    kind, desks = agenda
    day = next_weekday()
    for offset in range(3):
        book(kind, desks[0], slot_at(day + dt.timedelta(days=offset), 9), contact_email=f"u{offset}@example.org")
    client = logged_in(agent_a, HOST_A)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("appointments:week"), {"debut": day.isoformat(), "guichet": desks[0].pk})
    assert response.status_code == 200


def test_an_agent_marks_a_past_appointment_honoured(agenda, agent_a):
    kind, desks = agenda
    appointment = book(kind, desks[0], slot_at(next_weekday(), 9), by_agent=True, actor=agent_a).appointment
    Appointment.objects.filter(pk=appointment.pk).update(
        start=timezone.now() - dt.timedelta(hours=2), end=timezone.now() - dt.timedelta(hours=1)
    )
    client = logged_in(agent_a, HOST_A)
    response = client.post(reverse("appointments:outcome", args=[appointment.pk]), {"status": "honoured"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.HONOURED


def test_the_appointment_page_shows_the_residents_no_show_history(agenda, agent_a):
    kind, desks = agenda
    past = timezone.localdate() - dt.timedelta(days=20)
    Appointment.objects.create(
        organisation=kind.organisation,
        appointment_type=kind,
        desk=desks[0],
        start=slot_at(past, 9),
        end=slot_at(past, 9, 20),
        contact_name="Camille",
        contact_email="camille@example.org",
        status=AppointmentStatus.NO_SHOW,
    )
    appointment = book(kind, desks[0], slot_at(next_weekday(), 9)).appointment
    content = logged_in(agent_a, HOST_A).get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert f"{past:%d/%m/%Y}" in content and "Absent (non honoré)" in content


def test_an_agent_books_for_someone_at_the_counter_for_an_agent_only_type(territory, agent_a):
    kind, desks = make_agenda(territory.commune_a, slug="mariage", online=False, desks=1, min_notice_hours=48)
    start = slot_at(timezone.localdate() + dt.timedelta(days=1), 9)
    while start.weekday() >= 5:
        start += dt.timedelta(days=1)
    url = reverse("appointments:agent_book")
    client = logged_in(agent_a, HOST_A)
    assert "Réserver pour un usager" in client.get(url, {"type": "mariage"}).content.decode()
    from parvis.legal.calendars import holiday_name

    if holiday_name(start.date()):
        pytest.skip("tomorrow is a public holiday")
    response = client.post(
        url,
        {"type": "mariage", "slot": _key(desks[0], start), "channel": "phone", **_contact()},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    appointment = Appointment.objects.get()
    assert appointment.channel == "phone" and appointment.created_by == agent_a


def test_an_agent_links_a_booking_to_an_unknown_case_and_gets_a_french_error(agenda, agent_a):
    kind, desks = agenda
    response = logged_in(agent_a, HOST_A).post(
        reverse("appointments:agent_book"),
        {
            "type": "cni",
            "slot": _key(desks[0], slot_at(next_weekday(), 9)),
            "channel": "counter",
            "case_reference": "XYZ-0000",
            **_contact(),
        },
    )
    assert "Aucune demande de votre collectivité" in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_statistics_page_shows_each_table(agenda, agent_a):
    content = logged_in(agent_a, HOST_A).get(reverse("appointments:statistics")).content.decode()
    for caption in (
        "Occupation du",
        "Délai avant le prochain créneau",
        "Issues des rendez-vous",
        "Annulations par type",
    ):
        assert caption in content


# --- Administrators --------------------------------------------------------------------------------


def test_an_administrator_builds_an_agenda_through_the_pages(territory, admin_a):
    client = logged_in(admin_a, HOST_A)
    response = client.post(reverse("appointments:desk_new"), {"name": "Station passeports", "is_active": "on"})
    desk = Desk.objects.get()
    assert response.status_code == 302 and desk.organisation == territory.commune_a
    client.post(
        reverse("appointments:period_add", args=[desk.pk]),
        {"plage-weekday": "0", "plage-start": "08:30", "plage-end": "12:00"},
    )
    overlap = client.post(
        reverse("appointments:period_add", args=[desk.pk]),
        {"plage-weekday": "0", "plage-start": "11:00", "plage-end": "13:00"},
    )
    assert "chevauche" in overlap.content.decode()
    assert OpeningPeriod.objects.count() == 1
    response = client.post(
        reverse("appointments:type_new"),
        {
            "name": "Passeport – dépôt de dossier",
            "slug": "passeport",
            "duration_minutes": "30",
            "buffer_minutes": "0",
            "capacity": "1",
            "online": "on",
            "min_notice_hours": "2",
            "max_advance_days": "60",
            "desks": [desk.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert list(AppointmentType.objects.get().desks.all()) == [desk]


def test_closing_a_day_through_the_page_cancels_and_reports_the_count(territory, agenda, admin_a):
    kind, desks = agenda
    day = next_weekday()
    book(kind, desks[0], slot_at(day, 9))
    response = logged_in(admin_a, HOST_A).post(
        reverse("appointments:exception_add"),
        {"kind": "closure", "day": day.isoformat(), "desk": "", "reason": "inventaire"},
        follow=True,
    )
    assert "1 rendez-vous annulé" in response.content.decode()
    assert OutboundMessage.objects.filter(event="appointment.cancelled").count() == 1


def test_a_back_office_agent_cannot_change_the_settings(agenda, agent_a):
    _, desks = agenda
    client = logged_in(agent_a, HOST_A)
    assert client.get(reverse("appointments:settings")).status_code == 403
    assert client.get(reverse("appointments:desk_edit", args=[desks[0].pk])).status_code == 403
