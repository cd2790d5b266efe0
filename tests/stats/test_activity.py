"""Indicators beyond the cases' own figures, each checked against values computed by hand on a small
known dataset (March 2026, commune A): channels used, calls, reports, appointments, payments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from parvis.appointments.models import Appointment
from parvis.calls.models import Call, CallSubject
from parvis.cases.enums import EventKind
from parvis.cases.models import CaseEvent
from parvis.payments.models import Invoice
from parvis.reports.models import Report, ReportCategory
from parvis.stats.models import DailyActivity
from parvis.stats.queries import StatsFilters, activity
from parvis.stats.services import refresh_daily_stats
from tests.appointments.helpers import make_agenda
from tests.payments.helpers import make_invoice, make_regie
from tests.stats.helpers import at, make_case

MARCH = StatsFilters(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))


def day(number: int, month: int = 3) -> dt.date:
    return dt.date(2026, month, number)


def refresh(territory: Any) -> None:
    refresh_daily_stats(organisation=territory.commune_a, start=day(1, 2), end=day(30, 4), today=day(30, 4))


def used(case: Any, channel: str, when: dt.date) -> None:
    CaseEvent.objects.create(
        case=case,
        organisation=case.organisation,
        kind=EventKind.CHANNEL_USED,
        channel=channel,
        title="Contact",
        created_at=at(when),
    )


def test_a_case_counts_once_for_each_channel_it_used(territory: Any, procedure: Any) -> None:
    c1 = make_case(procedure, received=day(2), channel="web")
    used(c1, "phone", day(3))
    used(c1, "counter", day(4))
    used(c1, "phone", day(5))  # the same channel twice: counted once
    c2 = make_case(procedure, received=day(2), channel="web")
    used(c2, "web", day(6))  # its entry channel again: nothing more
    c3 = make_case(procedure, received=day(9), channel="phone")
    used(c3, "phone", day(10))
    make_case(procedure, received=day(12), channel="counter")
    april = make_case(procedure, received=day(2, 4), channel="web")
    used(april, "mail", day(3, 4))  # received in April: not in March's figures
    refresh(territory)

    board = activity([territory.commune_a.pk], MARCH, cases_only=True)

    rows = {row.key: (row.get("entry"), row.get("used")) for row in board.channel_use}
    # web: c1, c2 entered and used; phone: c3 entered, c1 and c3 used; counter: c4 entered, c1 and c4 used.
    assert rows == {"web": (2, 2), "phone": (1, 2), "counter": (1, 2)}
    assert board.received == 4
    assert board.several_channels == 1  # c1 only
    assert board.several_channels_rate == pytest.approx(0.25)


def test_the_channel_use_follows_the_department_filter(territory: Any, procedure: Any, other_procedure: Any) -> None:
    make_case(procedure, received=day(2), channel="web")  # procedure's department: department_a
    make_case(other_procedure, received=day(2), channel="mail")
    refresh(territory)

    board = activity([territory.commune_a.pk], StatsFilters(MARCH.start, MARCH.end, procedure=procedure.pk))

    assert {row.key: row.get("used") for row in board.channel_use} == {"web": 1}


def test_calls_are_counted_by_subject_and_outcome_with_their_minutes(territory: Any, agent_a: Any) -> None:
    identity = CallSubject.objects.create(organisation=territory.commune_a, label="Carte d'identité")

    def call(when: dt.date, outcome: str, minutes: int | None, subject: Any = identity) -> None:
        Call.objects.create(
            organisation=territory.commune_a,
            agent=agent_a,
            caller_name="Camille Martin",
            subject=subject,
            outcome=outcome,
            duration_minutes=minutes,
            taken_at=at(when),
        )

    call(day(2), "answered", 5)
    call(day(3), "answered", 10)
    call(day(4), "case", None)
    call(day(5), "callback", 3, subject=None)
    call(day(1, 4), "answered", 7)  # April
    refresh(territory)

    board = activity([territory.commune_a.pk], MARCH)

    calls = {row.label: (dict(row.counts), row.total, row.amount) for row in board.calls}
    assert calls == {
        "Carte d'identité": ({"answered": 2, "case": 1}, 3, 15),
        "Autre": ({"callback": 1}, 1, 3),
    }
    assert (board.calls_total.total, board.calls_total.amount) == (4, 18)


def test_reports_received_repaired_delay_and_reopen_rate(territory: Any, procedure: Any) -> None:
    pothole = ReportCategory.objects.create(organisation=territory.commune_a, code="nid", label="Nid de poule")
    lighting = ReportCategory.objects.create(organisation=territory.commune_a, code="lum", label="Éclairage")

    def report(created: dt.date, category: Any, repaired: dt.date | None = None, reopened: int = 0) -> None:
        case = make_case(procedure, received=created)
        made = Report.objects.create(organisation=territory.commune_a, case=case, category=category, description="…")
        Report.objects.filter(pk=made.pk).update(
            created_at=at(created, 8), repaired_at=at(repaired, 16) if repaired else None, reopen_count=reopened
        )

    report(day(2), pothole, repaired=day(5))  # 3 days
    report(day(3), pothole, repaired=day(13), reopened=1)  # 10 days, reopened once
    report(day(10), lighting)  # not repaired
    report(day(20, 2), pothole, repaired=day(21))  # received in February: 29 days
    refresh(territory)

    board = activity([territory.commune_a.pk], MARCH)

    assert (board.reports_total.get("received"), board.reports_total.get("repaired")) == (3, 3)
    assert {r.label: (r.get("received"), r.get("repaired"), r.get("reopened")) for r in board.reports} == {
        "Nid de poule": (2, 3, 1),
        "Éclairage": (1, 0, 0),
    }
    # Delays 3, 10, 29: median 10; 9th decile at position 0.9 × 2 = 1.8 → 10 + 0.8 × 19 = 25.2.
    assert board.repair_median == 10
    assert board.repair_p90 == pytest.approx(25.2)
    assert board.reopen_rate == pytest.approx(1 / 3)


def test_appointments_occupancy_no_shows_and_lead_time(territory: Any) -> None:
    kind, desks = make_agenda(territory.commune_a, duration=20)  # 2 desks, weekdays 9-12 and 14-17

    def appointment(when: dt.date, status: str, booked_days_before: int) -> None:
        start = at(when, 9)
        made = Appointment.objects.create(
            organisation=territory.commune_a,
            appointment_type=kind,
            desk=desks[0],
            start=start,
            end=start + dt.timedelta(minutes=20),
            status=status,
            contact_name="Camille Martin",
            contact_email="camille@example.org",
        )
        Appointment.objects.filter(pk=made.pk).update(created_at=start - dt.timedelta(days=booked_days_before))

    appointment(day(2), "honoured", 10)
    appointment(day(3), "honoured", 2)
    appointment(day(4), "no_show", 5)
    appointment(day(5), "late_cancelled", 7)
    appointment(day(6), "cancelled", 30)  # freed its seat: neither booked minutes nor lead time
    appointment(day(9), "booked", 0)
    refresh(territory)

    board = activity([territory.commune_a.pk], MARCH)

    assert dict(board.appointments_total.counts) == {
        "honoured": 2,
        "no_show": 1,
        "late_cancelled": 1,
        "cancelled": 1,
        "booked": 1,
    }
    assert board.no_show_rate == pytest.approx(1 / 3)  # 1 missed / (2 honoured + 1 missed)
    # 22 weekdays in March 2026 (no public holiday) × 6 hours × 2 desks; 5 appointments × 20 min held a seat.
    assert (board.open_minutes, board.booked_minutes) == (22 * 360 * 2, 100)
    assert board.occupancy_rate == pytest.approx(100 / 15840)
    # Lead times 0, 2, 5, 7, 10 days: median 5; 9th decile at 0.9 × 4 = 3.6 → 7 + 0.6 × 3 = 8.8.
    assert board.lead_median == 5
    assert board.lead_p90 == pytest.approx(8.8)


def test_online_payment_share_in_number_and_amount(territory: Any) -> None:
    regie = make_regie(territory.commune_a)

    def invoice(reference: str, status: str, cents: int, paid: dt.date | None) -> None:
        made = make_invoice(territory.commune_a, regie, reference=reference, cents=cents)
        Invoice.objects.filter(pk=made.pk).update(status=status, amount_cents=cents, paid_at=at(paid) if paid else None)

    invoice("C-1", "paid_online", 4250, day(5))
    invoice("C-2", "paid_online", 1000, day(6))
    invoice("C-3", "paid_counter", 5000, day(7))
    invoice("C-4", "to_pay", 3000, None)
    invoice("C-5", "paid_online", 9900, day(2, 4))  # April
    refresh(territory)

    board = activity([territory.commune_a.pk], MARCH)

    assert (board.payments_online, board.payments_counter) == (2, 1)
    assert board.online_share == pytest.approx(2 / 3)
    assert (board.payments_online_cents, board.payments_counter_cents) == (5250, 5000)
    assert board.online_amount_share == pytest.approx(5250 / 10250)


def test_an_organisation_without_any_activity_gets_zeros_not_errors(territory: Any) -> None:
    refresh(territory)

    board = activity([territory.commune_a.pk], MARCH)

    assert board.calls == [] and board.reports == [] and board.appointments == [] and board.payments == []
    assert board.reopen_rate is None and board.no_show_rate is None and board.online_share is None
    assert board.repair_median is None and board.lead_median is None
    assert not DailyActivity.objects.exists()


def test_the_refresh_replaces_the_activity_of_the_range(territory: Any, procedure: Any) -> None:
    make_case(procedure, received=day(2), channel="web")
    refresh(territory)
    refresh(territory)

    assert DailyActivity.objects.filter(family="channel_use").count() == 1


def test_letters_are_counted_by_department_and_state_on_their_legal_receipt_date(territory: Any) -> None:
    from parvis.mailroom.models import Letter

    def letter(number: str, received: dt.date, status: str, department: Any = None) -> None:
        Letter.objects.create(
            organisation=territory.commune_a,
            number=number,
            sender_name="Camille Martin",
            received_on=received,
            description="Objet libre, jamais compté",
            status=status,
            department=department,
        )

    letter("C-1", day(2), "qualified", territory.department_a)
    letter("C-2", day(3), "routed", territory.department_a)
    letter("C-3", day(4), "to_qualify")
    letter("C-4", day(31), "closed")
    letter("C-5", day(1, 4), "to_qualify")  # April
    refresh(territory)

    board = activity([territory.commune_a.pk], MARCH)

    rows = {row.label: dict(row.counts) for row in board.letters}
    assert rows == {
        territory.department_a.name: {"qualified": 1, "routed": 1},
        "Sans service": {"to_qualify": 1, "closed": 1},
    }
    assert board.letters_total.total == 4


def test_a_department_dashboard_shows_its_channels_used_but_not_the_whole_activity(
    territory: Any, procedure: Any, agent_a: Any, admin_a: Any
) -> None:
    from tests.conftest import HOST_A, logged_in

    CallSubject.objects.create(organisation=territory.commune_a, label="Carte d'identité")
    make_case(procedure, received=day(2), channel="web")
    refresh(territory)
    query = "period=month&on=2026-03-15"

    department = logged_in(agent_a, HOST_A).get(
        f"/backoffice/statistiques/services/{territory.department_a.pk}/?{query}"
    )
    whole = logged_in(admin_a, HOST_A).get(f"/backoffice/statistiques/collectivite/?{query}")

    assert "Canaux utilisés par les demandes" in department.content.decode()
    assert "Appels par sujet" not in department.content.decode()
    for heading in (
        "Canaux utilisés par les demandes",
        "Appels par sujet",
        "Courriers reçus",
        "Signalements",
        "Paiements",
    ):
        assert heading in whole.content.decode()
    export = f"/backoffice/statistiques/services/{territory.department_a.pk}/export.csv?table=calls&{query}"
    assert logged_in(agent_a, HOST_A).get(export).status_code == 404


def test_a_category_with_reports_received_but_none_repaired_shows_its_row(
    territory: Any, procedure: Any, admin_a: Any
) -> None:
    from tests.conftest import HOST_A, logged_in

    lighting = ReportCategory.objects.create(organisation=territory.commune_a, code="lum", label="Éclairage")
    case = make_case(procedure, received=day(10))
    made = Report.objects.create(organisation=territory.commune_a, case=case, category=lighting, description="…")
    Report.objects.filter(pk=made.pk).update(created_at=at(day(10), 8))
    refresh(territory)
    page = logged_in(admin_a, HOST_A).get("/backoffice/statistiques/collectivite/?period=month&on=2026-03-15")
    assert page.status_code == 200
    assert "Éclairage" in page.content.decode()


def test_the_activity_tables_link_to_the_pages_the_agent_may_open(territory: Any, admin_a: Any) -> None:
    from parvis.accounts.enums import Role
    from tests.conftest import HOST_A, logged_in
    from tests.factories import MembershipFactory, UserFactory

    elected = UserFactory(email="elu@commune-a.test")
    MembershipFactory(user=elected, organisation=territory.commune_a, role=Role.ELECTED)
    query = "period=month&on=2026-03-15"

    as_admin = logged_in(admin_a, HOST_A).get(f"/backoffice/statistiques/collectivite/?{query}").content.decode()
    as_elected = logged_in(elected, HOST_A).get(f"/backoffice/statistiques/collectivite/?{query}").content.decode()

    calls = "/backoffice/appels/statistiques/?start=2026-03-01&amp;end=2026-03-31"
    appointments = "/backoffice/rendez-vous/statistiques/?du=2026-03-01&amp;au=2026-03-31"
    for page in (as_admin, as_elected):
        assert calls in page and appointments in page and 'href="/backoffice/signalements/"' in page
    assert 'href="/backoffice/courrier/"' in as_admin
    assert "Voir le courrier" not in as_elected  # the mail room is not open to elected officials


def test_the_public_page_shows_channels_and_reports_aggregated(territory: Any, procedure: Any, client_a: Any) -> None:
    from parvis.stats.models import StatsSettings

    pothole = ReportCategory.objects.create(organisation=territory.commune_a, code="nid", label="Nid de poule")
    case = make_case(procedure, received=day(2), channel="web", requester_name="Dominique Secret")
    used(case, "phone", day(3))
    made = Report.objects.create(organisation=territory.commune_a, case=case, category=pothole, description="Trou")
    Report.objects.filter(pk=made.pk).update(created_at=at(day(2), 8), repaired_at=at(day(6), 16))
    refresh(territory)
    StatsSettings.objects.update_or_create(organisation=territory.commune_a, defaults={"public_stats_enabled": True})

    page = client_a.get("/statistiques/?period=month&on=2026-03-15").content.decode()

    assert "Par quels canaux" in page and "Signalements sur l'espace public" in page
    assert "4 j" in page  # the median delay to repair
    assert "Dominique Secret" not in page and "Trou" not in page and "/backoffice/" not in page
