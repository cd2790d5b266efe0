"""Daily counts of the activity beyond the cases' own figures (``DailyActivity``): channels used by
the cases, calls, letters, reports, appointments, payments.

Each function is one GROUP BY query over its app's table for a range of days; an app whose
models are missing (not installed yet) or empty simply gives no rows, so the dashboards show zeros.
Called by ``parvis.stats.services.refresh_daily_stats`` in its transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Case as Switch
from django.db.models import Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncDate

from parvis.cases.enums import EventKind
from parvis.cases.models import Case, CaseEvent
from parvis.legal.clock import PARIS
from parvis.stats.enums import Family
from parvis.stats.models import DailyActivity

logger = logging.getLogger("parvis.stats")

SEVERAL = "several"  # channel_use rows counting the cases that used more than one channel


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=PARIS)


def _between(field: str, start: dt.date, end: dt.date) -> Q:
    return Q(**{f"{field}__gte": _midnight(start), f"{field}__lt": _midnight(end + dt.timedelta(days=1))})


def _model(label: str) -> Any:
    """``app_label.Model`` when that app is installed and defines it, else None."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def channel_use(ids: list[int], start: dt.date, end: dt.date) -> list[DailyActivity]:
    """Per day of receipt × department × procedure × channel: the cases that used the channel —
    their entry channel, or a contact journaled as a "channel used" event (a case counts once per
    channel) — and, key "" outcome ``several``, the cases that used more than one channel."""
    received = Case.objects.filter(organisation_id__in=ids, received_on__gte=start, received_on__lte=end)
    rows: dict[tuple[Any, ...], int] = {}
    group = ("organisation_id", "received_on", "department_id", "procedure_id")
    for row in received.values(*group, "channel").annotate(n=Count("pk")).order_by():
        key = (*(row[name] for name in group), row["channel"], "")
        rows[key] = rows.get(key, 0) + row["n"]
    other_channel = (
        CaseEvent.objects.filter(case__in=received, kind=EventKind.CHANNEL_USED)
        .exclude(channel="")
        .exclude(channel=F("case__channel"))
    )
    event_group = tuple(f"case__{name}" for name in group)
    for row in other_channel.values(*event_group, "channel").annotate(n=Count("case_id", distinct=True)).order_by():
        key = (*(row[name] for name in event_group), row["channel"], "")
        rows[key] = rows.get(key, 0) + row["n"]
    for row in other_channel.values(*event_group).annotate(n=Count("case_id", distinct=True)).order_by():
        key = (*(row[name] for name in event_group), "", SEVERAL)
        rows[key] = rows.get(key, 0) + row["n"]
    return [
        DailyActivity(
            organisation_id=org,
            day=day,
            department_id=department,
            procedure_id=procedure,
            family=Family.CHANNEL_USE,
            key=channel,
            outcome=outcome,
            count=n,
        )
        for (org, day, department, procedure, channel, outcome), n in rows.items()
    ]


def calls(ids: list[int], start: dt.date, end: dt.date) -> list[DailyActivity]:
    """Calls taken, by day (Paris) × subject × outcome, with their minutes."""
    Call = _model("calls.Call")
    if Call is None:
        return []
    query = (
        Call.objects.filter(_between("taken_at", start, end), organisation_id__in=ids)
        .annotate(day=TruncDate("taken_at", tzinfo=PARIS))
        .values("organisation_id", "day", "subject__label", "outcome")
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes"))
        .order_by()
    )
    return [
        DailyActivity(
            organisation_id=row["organisation_id"],
            day=row["day"],
            family=Family.CALL,
            key=row["subject__label"] or "Autre",
            outcome=row["outcome"],
            count=row["n"],
            amount=row["minutes"] or 0,
        )
        for row in query
    ]


def letters(ids: list[int], start: dt.date, end: dt.date) -> list[DailyActivity]:
    """Letters received (the mail room's legal receipt date) by department × state (to qualify,
    qualified into a case, attached, routed, closed). A letter's subject is free text: not counted."""
    Letter = _model("mailroom.Letter")
    if Letter is None:
        return []
    query = (
        Letter.objects.filter(organisation_id__in=ids, received_on__gte=start, received_on__lte=end)
        .values("organisation_id", "received_on", "department__name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        DailyActivity(
            organisation_id=row["organisation_id"],
            day=row["received_on"],
            family=Family.LETTER,
            key=row["department__name"] or "",
            outcome=row["status"],
            count=row["n"],
        )
        for row in query
    ]


def reports(ids: list[int], start: dt.date, end: dt.date) -> list[DailyActivity]:
    """Reports received (day of the report × category) and repaired (day of repair × category ×
    days from report to repair × reopened or not)."""
    Report = _model("reports.Report")
    if Report is None:
        return []
    from parvis.stats.services import DaysBetween

    mine = Report.objects.filter(organisation_id__in=ids)
    received = (
        mine.filter(_between("created_at", start, end))
        .annotate(day=TruncDate("created_at", tzinfo=PARIS))
        .values("organisation_id", "day", "category__label")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [
        DailyActivity(
            organisation_id=row["organisation_id"],
            day=row["day"],
            family=Family.REPORT_RECEIVED,
            key=row["category__label"] or "Sans catégorie",
            count=row["n"],
        )
        for row in received
    ]
    repaired = (
        mine.filter(_between("repaired_at", start, end))
        .annotate(
            day=TruncDate("repaired_at", tzinfo=PARIS),
            created_day=TruncDate("created_at", tzinfo=PARIS),
            reopened=Switch(
                When(Q(reopen_count__gt=0) | Q(feedback="reopened"), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .annotate(days=DaysBetween("day", "created_day"))
        .values("organisation_id", "day", "category__label", "days", "reopened")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows += [
        DailyActivity(
            organisation_id=row["organisation_id"],
            day=row["day"],
            family=Family.REPORT_REPAIRED,
            key=row["category__label"] or "Sans catégorie",
            outcome="reopened" if row["reopened"] else "",
            days=max(int(row["days"]), 0),
            count=row["n"],
        )
        for row in repaired
    ]
    return rows


def appointments(ids: list[int], start: dt.date, end: dt.date) -> list[DailyActivity]:
    """Appointments by day × type × status, and the lead time (booking → appointment, in days) of
    those that held their seat (booked, honoured, missed, cancelled late)."""
    Appointment = _model("appointments.Appointment")
    if Appointment is None:
        return []
    from parvis.stats.services import DaysBetween

    mine = Appointment.objects.filter(_between("start", start, end), organisation_id__in=ids).annotate(
        day=TruncDate("start", tzinfo=PARIS)
    )
    rows = [
        DailyActivity(
            organisation_id=row["organisation_id"],
            day=row["day"],
            family=Family.APPOINTMENT,
            key=row["appointment_type__name"] or "",
            outcome=row["status"],
            count=row["n"],
        )
        for row in mine.values("organisation_id", "day", "appointment_type__name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    lead = (
        mine.exclude(status="cancelled")
        .annotate(booked_day=TruncDate("created_at", tzinfo=PARIS))
        .annotate(days=DaysBetween("day", "booked_day"))
        .values("organisation_id", "day", "days")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows += [
        DailyActivity(
            organisation_id=row["organisation_id"],
            day=row["day"],
            family=Family.APPOINTMENT_LEAD,
            days=int(row["days"]),
            count=row["n"],
        )
        for row in lead
        if int(row["days"]) >= 0  # recorded after the fact (imports, demo history): no lead time
    ]
    return rows


def payments(ids: list[int], start: dt.date, end: dt.date) -> list[DailyActivity]:
    """Invoices paid, by day of payment × régie × paid online or at the counter, with the amounts."""
    Invoice = _model("payments.Invoice")
    if Invoice is None:
        return []
    query = (
        Invoice.objects.filter(
            _between("paid_at", start, end),
            organisation_id__in=ids,
            status__in=("paid_online", "paid_counter"),
        )
        .annotate(day=TruncDate("paid_at", tzinfo=PARIS))
        .values("organisation_id", "day", "regie__name", "status")
        .annotate(n=Count("pk"), cents=Sum("amount_cents"))
        .order_by()
    )
    return [
        DailyActivity(
            organisation_id=row["organisation_id"],
            day=row["day"],
            family=Family.PAYMENT,
            key=row["regie__name"] or "",
            outcome=row["status"],
            count=row["n"],
            amount=row["cents"] or 0,
        )
        for row in query
    ]


COLLECTORS: tuple[Callable[[list[int], dt.date, dt.date], list[DailyActivity]], ...] = (
    channel_use,
    calls,
    letters,
    reports,
    appointments,
    payments,
)


def activity_rows(ids: list[int], start: dt.date, end: dt.date) -> list[DailyActivity]:
    """Every family's rows; a family whose query fails (another app's model changing under way)
    is logged and left out, in a savepoint, so the cases' figures are still refreshed."""
    rows: list[DailyActivity] = []
    for collect in COLLECTORS:
        try:
            with transaction.atomic():
                rows += collect(ids, start, end)
        except Exception:  # noqa: BLE001 - one family must not stop the refresh
            logger.exception("Statistics: %s could not be counted", collect.__name__)
    return rows
