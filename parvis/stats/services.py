"""Rebuilding the pre-aggregated statistics, and the publication setting.

``refresh_daily_stats`` recomputes the daily figures of a range of days with a few GROUP BY
queries over the cases (no loop over cases: the rows handled in Python are groups), then
replaces the range's rows in one transaction. Running it twice gives the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q
from django.db.models.functions import TruncDate
from django.http import HttpRequest
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.cases.models import Case
from parvis.legal.calendars import add_working_days
from parvis.legal.clock import PARIS, late_q, paris_today
from parvis.legal.enums import AcknowledgmentKind, DeadlineState
from parvis.legal.models import Acknowledgment, PiecesRequest
from parvis.organisations.models import Organisation
from parvis.stats.models import DailyResponseTime, DailyStat, OpenSnapshot, StatsSettings

ACK_WORKING_DAYS = 10  # R112-11-2: the acknowledgment of receipt within 10 working days
IMPLICIT_STATES = (DeadlineState.IMPLICIT_ACCEPTED, DeadlineState.IMPLICIT_REJECTED)
BATCH = 2000

Key = tuple[int, dt.date, int | None, int, str]  # organisation, day, department, procedure, channel
Counts = dict[str, int]


class DaysBetween(Func):
    """``end - start`` in whole days, for two date expressions (PostgreSQL and SQLite)."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def paris_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=PARIS)


def organisations_in_scope(organisation: Organisation | None) -> list[Organisation]:
    """Every organisation (None), an EPCI and its communes, or one commune."""
    if organisation is None:
        return list(Organisation.objects.order_by("pk"))
    if organisation.is_epci:
        return [organisation, *Organisation.objects.communes_of(organisation).order_by("pk")]
    return [organisation]


@dataclass(frozen=True)
class RefreshResult:
    organisations: int
    start: dt.date
    end: dt.date
    daily_rows: int
    response_rows: int
    open_rows: int


def _key(row: dict[str, Any], day: dt.date) -> Key:
    return (row["organisation_id"], day, row["department_id"], row["procedure_id"], row["channel"])


def _received(cases: Any, start: dt.date, end: dt.date, calendars: dict[int, str], rows: dict[Key, Counts]) -> None:
    """received, incomplete and ack_within, on the day of receipt."""
    first_receipt = (
        Acknowledgment.objects.filter(case=OuterRef("pk"), kind=AcknowledgmentKind.RECEIPT)
        .order_by("sent_at")
        .values("sent_at")[:1]
    )
    # One row per group and day the first acknowledgment of receipt was sent: the 10-working-day
    # limit depends only on the day of receipt and the calendar, so it is checked per group.
    query = (
        cases.filter(received_on__gte=start, received_on__lte=end)
        .annotate(first_receipt=first_receipt)
        .annotate(
            ack_day=TruncDate("first_receipt", tzinfo=PARIS),
            has_pieces=Exists(PiecesRequest.objects.filter(case=OuterRef("pk"))),
        )
        .values("organisation_id", "received_on", "department_id", "procedure_id", "channel", "ack_day")
        .annotate(n=Count("pk"), incomplete=Count("pk", filter=Q(has_pieces=True)))
        .order_by()
    )
    limits: dict[tuple[dt.date, str], dt.date] = {}
    for row in query:
        target = rows[_key(row, row["received_on"])]
        target["received"] += row["n"]
        target["incomplete"] += row["incomplete"]
        ack_day = row["ack_day"]
        if ack_day is None:
            continue
        limit_key = (row["received_on"], calendars.get(row["organisation_id"]) or "FR")
        if limit_key not in limits:
            limits[limit_key] = add_working_days(limit_key[0], ACK_WORKING_DAYS, limit_key[1])
        if ack_day <= limits[limit_key]:
            target["ack_within"] += row["n"]


def _closed(cases: Any, start: dt.date, end: dt.date, rows: dict[Key, Counts]) -> None:
    """closed, decisions, delays and implicit decisions, on the day of closure (Paris)."""
    query = (
        cases.filter(
            is_open=False,
            closed_at__gte=paris_midnight(start),
            closed_at__lt=paris_midnight(end + dt.timedelta(days=1)),
        )
        .annotate(closed_day=TruncDate("closed_at", tzinfo=PARIS))
        .values("organisation_id", "closed_day", "department_id", "procedure_id", "channel")
        .annotate(
            closed=Count("pk"),
            decided=Count("pk", filter=Q(deadline_state=DeadlineState.DECIDED)),
            with_delay=Count("pk", filter=Q(last_day__isnull=False)),
            within_delay=Count(
                "pk",
                filter=Q(deadline_state=DeadlineState.DECIDED, last_day__isnull=False, decided_on__lte=F("last_day")),
            ),
            implicit_accepted=Count("pk", filter=Q(deadline_state=DeadlineState.IMPLICIT_ACCEPTED)),
            implicit_rejected=Count("pk", filter=Q(deadline_state=DeadlineState.IMPLICIT_REJECTED)),
        )
        .order_by()
    )
    fields = ("closed", "decided", "with_delay", "within_delay", "implicit_accepted", "implicit_rejected")
    for row in query:
        target = rows[_key(row, row["closed_day"])]
        for name in fields:
            target[name] += row[name]


def _response_times(cases: Any, start: dt.date, end: dt.date, rows: dict[Key, Counts]) -> list[DailyResponseTime]:
    """The histogram of response times (receipt → closure, implicit decisions excepted)."""
    query = (
        cases.filter(
            is_open=False,
            closed_at__gte=paris_midnight(start),
            closed_at__lt=paris_midnight(end + dt.timedelta(days=1)),
        )
        .exclude(deadline_state__in=IMPLICIT_STATES)
        .annotate(closed_day=TruncDate("closed_at", tzinfo=PARIS))
        .annotate(days=DaysBetween("closed_day", "received_on"))
        .values("organisation_id", "closed_day", "department_id", "procedure_id", "channel", "days")
        .annotate(n=Count("pk"))
        .order_by()
    )
    histogram = []
    for row in query:
        days = max(int(row["days"]), 0)
        target = rows[_key(row, row["closed_day"])]
        target["responded"] += row["n"]
        target["response_days"] += days * row["n"]
        histogram.append(
            DailyResponseTime(
                organisation_id=row["organisation_id"],
                day=row["closed_day"],
                department_id=row["department_id"],
                procedure_id=row["procedure_id"],
                channel=row["channel"],
                days=days,
                count=row["n"],
            )
        )
    return histogram


def _open_snapshot(cases: Any, today: dt.date, now: dt.datetime) -> list[OpenSnapshot]:
    days = dt.timedelta
    query = (
        cases.filter(is_open=True)
        .values("organisation_id", "department_id", "procedure_id", "channel")
        .annotate(
            open_total=Count("pk"),
            age_0_7=Count("pk", filter=Q(received_on__gte=today - days(7))),
            age_8_30=Count("pk", filter=Q(received_on__lt=today - days(7), received_on__gte=today - days(30))),
            age_31_90=Count("pk", filter=Q(received_on__lt=today - days(30), received_on__gte=today - days(90))),
            age_over_90=Count("pk", filter=Q(received_on__lt=today - days(90))),
            late=Count("pk", filter=late_q(today)),
        )
        .order_by()
    )
    return [OpenSnapshot(**row, taken_at=now) for row in query]


@transaction.atomic
def refresh_daily_stats(
    *,
    organisation: Organisation | None = None,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
) -> RefreshResult:
    """Rebuild the daily figures of ``start``..``end`` (inclusive) and the open-cases snapshot,
    for one organisation (an EPCI: with its communes) or all. Idempotent.

    Derived data with no actor: no journal event (the cases' own events are journaled).
    """
    if end < start:
        raise ValueError("La fin de la période précède son début.")
    today = today or paris_today()
    now = timezone.now()
    organisations = organisations_in_scope(organisation)
    ids = [org.pk for org in organisations]
    for org_id in ids:
        StatsSettings.objects.get_or_create(organisation_id=org_id)
    # Lock the organisations' settings rows: two refreshes of one organisation run one after the other.
    list(StatsSettings.objects.select_for_update().filter(organisation_id__in=ids).order_by("pk"))
    cases = Case.objects.filter(organisation_id__in=ids) if organisation is not None else Case.objects.all()
    calendars = {org.pk: org.calendar for org in organisations}

    rows: dict[Key, Counts] = defaultdict(lambda: defaultdict(int))
    _received(cases, start, end, calendars, rows)
    _closed(cases, start, end, rows)
    histogram = _response_times(cases, start, end, rows)
    snapshot = _open_snapshot(cases, today, now)

    DailyStat.objects.filter(organisation_id__in=ids, day__gte=start, day__lte=end).delete()
    DailyResponseTime.objects.filter(organisation_id__in=ids, day__gte=start, day__lte=end).delete()
    OpenSnapshot.objects.filter(organisation_id__in=ids).delete()
    DailyStat.objects.bulk_create(
        [
            DailyStat(
                organisation_id=key[0], day=key[1], department_id=key[2], procedure_id=key[3], channel=key[4], **counts
            )
            for key, counts in rows.items()
        ],
        batch_size=BATCH,
    )
    DailyResponseTime.objects.bulk_create(histogram, batch_size=BATCH)
    OpenSnapshot.objects.bulk_create(snapshot, batch_size=BATCH)
    StatsSettings.objects.filter(organisation_id__in=ids).update(refreshed_at=now)
    return RefreshResult(
        organisations=len(ids),
        start=start,
        end=end,
        daily_rows=len(rows),
        response_rows=len(histogram),
        open_rows=len(snapshot),
    )


def settings_for(organisation: Organisation) -> StatsSettings:
    settings, _ = StatsSettings.objects.get_or_create(organisation=organisation)
    return settings


@transaction.atomic
def set_public_stats(
    *, organisation: Organisation, enabled: bool, actor: Any, request: HttpRequest | None = None
) -> StatsSettings:
    """Publish (or withdraw) the organisation's public statistics page; journaled."""
    settings = StatsSettings.objects.select_for_update().get(pk=settings_for(organisation).pk)
    before = settings.public_stats_enabled
    if before != enabled:
        settings.public_stats_enabled = enabled
        settings.save(update_fields=["public_stats_enabled"])
        record_event(
            action="stats.public_page_changed",
            actor=actor,
            organisation=organisation,
            obj=settings,
            before={"public_stats_enabled": before},
            after={"public_stats_enabled": enabled},
            request=request,
        )
    return settings
