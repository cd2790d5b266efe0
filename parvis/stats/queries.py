"""Reads of the pre-aggregated statistics for the dashboards, the exports and the public page.

Every function takes the ids of the organisations to add up (one commune, or an EPCI and its
communes) — resolved by ``parvis.stats.access`` from ``request.organisation`` — and reads only the
tables of ``parvis.stats.models``: a dashboard is a fixed number of queries whatever the number
of cases.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Aggregate, FloatField, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth

from parvis.cases.enums import Channel
from parvis.organisations.models import Department, Organisation
from parvis.procedures.models import Procedure
from parvis.stats.models import DailyActivity, DailyResponseTime, DailyStat, OpenSnapshot, StatsSettings

SUM_FIELDS = (
    "received",
    "incomplete",
    "ack_within",
    "closed",
    "decided",
    "with_delay",
    "within_delay",
    "implicit_accepted",
    "implicit_rejected",
    "responded",
    "response_days",
)
OPEN_FIELDS = ("open_total", "age_0_7", "age_8_30", "age_31_90", "age_over_90", "late")
AGE_BUCKETS = (
    ("age_0_7", "7 jours au plus"),
    ("age_8_30", "8 à 30 jours"),
    ("age_31_90", "31 à 90 jours"),
    ("age_over_90", "plus de 90 jours"),
)
MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
CHANNEL_LABELS = dict(Channel.choices)


@dataclass(frozen=True)
class StatsFilters:
    start: dt.date
    end: dt.date
    department: int | None = None
    procedure: int | None = None
    channel: str = ""

    def q(self) -> Q:
        q = Q()
        if self.department:
            q &= Q(department_id=self.department)
        if self.procedure:
            q &= Q(procedure_id=self.procedure)
        if self.channel:
            q &= Q(channel=self.channel)
        return q


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    """Sums of the daily figures over a period, and the rates they give (None when undefined)."""

    label: str = ""
    key: Any = None
    received: int = 0
    incomplete: int = 0
    ack_within: int = 0
    closed: int = 0
    decided: int = 0
    with_delay: int = 0
    within_delay: int = 0
    implicit_accepted: int = 0
    implicit_rejected: int = 0
    responded: int = 0
    response_days: int = 0
    open_total: int = 0
    late: int = 0
    median: float | None = None
    p90: float | None = None

    def add(self, row: dict[str, Any]) -> None:
        for name in SUM_FIELDS:
            setattr(self, name, getattr(self, name) + (row.get(name) or 0))

    @property
    def implicit(self) -> int:
        return self.implicit_accepted + self.implicit_rejected

    @property
    def within_delay_rate(self) -> float | None:
        return _ratio(self.within_delay, self.with_delay)

    @property
    def incomplete_rate(self) -> float | None:
        return _ratio(self.incomplete, self.received)

    @property
    def ack_within_rate(self) -> float | None:
        return _ratio(self.ack_within, self.received)

    @property
    def mean_days(self) -> float | None:
        return self.response_days / self.responded if self.responded else None


def percentile_cont(histogram: Iterable[tuple[int, int]], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont(fraction)`` of the values described by ``(value, count)`` pairs:
    linear interpolation between the two values around position ``fraction × (n − 1)``."""
    pairs = sorted((value, count) for value, count in histogram if count > 0)
    total = sum(count for _, count in pairs)
    if not total:
        return None
    position = fraction * (total - 1)
    low_index, high_index = math.floor(position), math.ceil(position)

    def value_at(index: int) -> int:
        seen = 0
        for value, count in pairs:
            seen += count
            if index < seen:
                return value
        return pairs[-1][0]

    low, high = value_at(low_index), value_at(high_index)
    return low + (high - low) * (position - low_index)


def response_time_histograms(organisation_ids: list[int], filters: StatsFilters) -> dict[str, list[tuple[int, int]]]:
    """One query: the histogram of response times of the period, overall ("") and per channel."""
    rows = (
        DailyResponseTime.objects.filter(
            filters.q(), organisation_id__in=organisation_ids, day__gte=filters.start, day__lte=filters.end
        )
        .values("channel", "days")
        .annotate(n=Sum("count"))
        .order_by()
    )
    overall: dict[int, int] = defaultdict(int)
    histograms: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        overall[row["days"]] += row["n"]
        histograms[row["channel"]].append((row["days"], row["n"]))
    histograms[""] = list(overall.items())
    return dict(histograms)


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, *, fraction: float) -> None:
        super().__init__(expression, fraction=repr(float(fraction)))


def response_percentiles_from_cases(
    cases: QuerySet[Any], fractions: tuple[float, ...] = (0.5, 0.9)
) -> list[float | None]:
    """The reference computation, straight from the cases (answered ones, implicit decisions excepted):
    PostgreSQL's ``percentile_cont`` in one query; on SQLite, a Python fallback over the same cases.
    At 1M cases this takes 0.5–0.7 s for one commune and one year (docs/stats.md): the dashboards use
    the pre-aggregated histogram instead, whose result is the same (tests/stats/test_percentiles.py)."""
    from parvis.legal.clock import PARIS
    from parvis.stats.services import IMPLICIT_STATES, DaysBetween

    answered = (
        cases.filter(is_open=False, closed_at__isnull=False)
        .exclude(deadline_state__in=IMPLICIT_STATES)
        .annotate(closed_day=TruncDate("closed_at", tzinfo=PARIS))
        .annotate(days=DaysBetween("closed_day", "received_on"))
    )
    if connection.vendor == "postgresql":
        result = answered.aggregate(
            **{f"p{i}": PercentileCont("days", fraction=fraction) for i, fraction in enumerate(fractions)}
        )
        return [result[f"p{i}"] for i in range(len(fractions))]
    counts: dict[int, int] = defaultdict(int)
    for days in answered.values_list("days", flat=True):
        counts[max(int(days), 0)] += 1
    return [percentile_cont(counts.items(), fraction) for fraction in fractions]


@dataclass
class Dashboard:
    filters: StatsFilters
    total: Figures
    by_channel: list[Figures]
    by_procedure: list[Figures]
    by_department: list[Figures]
    by_organisation: list[Figures]
    by_month: list[Figures]
    backlog: list[tuple[str, str, int]]  # (field, label, count)
    refreshed_at: dt.datetime | None = None
    names: dict[str, dict[Any, str]] = field(default_factory=dict)
    # The organisation's own target (StatsSettings.target_days; one organisation only) and how many answers
    # of the period met it, from the response-time histogram.
    target_days: int | None = None
    within_target: int = 0
    target_base: int = 0

    @property
    def within_target_rate(self) -> float | None:
        return _ratio(self.within_target, self.target_base)

    @property
    def max_month_received(self) -> int:
        return max([f.received for f in self.by_month] + [1])

    @property
    def max_channel_received(self) -> int:
        return max([f.received for f in self.by_channel] + [1])

    @property
    def max_backlog(self) -> int:
        return max([count for _, _, count in self.backlog] + [1])


def _sorted(groups: dict[Any, Figures]) -> list[Figures]:
    return sorted(groups.values(), key=lambda f: (-f.received, f.label))


def dashboard(organisation_ids: list[int], filters: StatsFilters) -> Dashboard:
    """Every figure of a dashboard in five queries (daily sums by month, response-time histogram,
    open-cases snapshot, names, refresh time)."""
    daily = (
        DailyStat.objects.filter(
            filters.q(), organisation_id__in=organisation_ids, day__gte=filters.start, day__lte=filters.end
        )
        .annotate(month=TruncMonth("day"))
        .values("organisation_id", "month", "department_id", "procedure_id", "channel")
        .annotate(**{name: Sum(name) for name in SUM_FIELDS})
        .order_by()
    )
    snapshot = (
        OpenSnapshot.objects.filter(filters.q(), organisation_id__in=organisation_ids)
        .values("organisation_id", "department_id", "procedure_id", "channel")
        .annotate(**{name: Sum(name) for name in OPEN_FIELDS})
        .order_by()
    )
    total = Figures(label="Total")
    groups: dict[str, dict[Any, Figures]] = {
        "channel": {},
        "procedure_id": {},
        "department_id": {},
        "organisation_id": {},
        "month": {},
    }

    def group(kind: str, key: Any) -> Figures:
        if key not in groups[kind]:
            groups[kind][key] = Figures(key=key)
        return groups[kind][key]

    for row in daily:
        total.add(row)
        for kind in groups:
            group(kind, row[kind]).add(row)
    backlog_counts: dict[str, int] = defaultdict(int)
    for row in snapshot:
        total.open_total += row["open_total"]
        total.late += row["late"]
        for kind in ("channel", "procedure_id", "department_id", "organisation_id"):
            figures = group(kind, row[kind])
            figures.open_total += row["open_total"]
            figures.late += row["late"]
        for name, _ in AGE_BUCKETS:
            backlog_counts[name] += row[name]

    histograms = response_time_histograms(organisation_ids, filters)
    total.median = percentile_cont(histograms.get("", []), 0.5)
    total.p90 = percentile_cont(histograms.get("", []), 0.9)
    for channel, figures in groups["channel"].items():
        figures.median = percentile_cont(histograms.get(channel, []), 0.5)
        figures.p90 = percentile_cont(histograms.get(channel, []), 0.9)

    names = _names(groups)
    for kind, name_kind in (
        ("channel", "channel"),
        ("procedure_id", "procedure"),
        ("department_id", "department"),
        ("organisation_id", "organisation"),
    ):
        for key, figures in groups[kind].items():
            figures.label = names[name_kind].get(key, "Sans service" if key is None else str(key))
    months = _month_range(filters.start, filters.end)
    for month in months:
        group("month", month).label = f"{MONTHS_SHORT[month.month - 1]} {month.year}"
    settings = StatsSettings.objects.filter(organisation_id__in=organisation_ids, refreshed_at__isnull=False)
    refreshed = settings.order_by("refreshed_at").values_list("refreshed_at", flat=True).first()
    target_days = None
    if len(organisation_ids) == 1:
        target_days = (
            StatsSettings.objects.filter(organisation_id=organisation_ids[0])
            .values_list("target_days", flat=True)
            .first()
        )
    overall = histograms.get("", [])
    return Dashboard(
        filters=filters,
        total=total,
        by_channel=_sorted(groups["channel"]),
        by_procedure=_sorted(groups["procedure_id"]),
        by_department=_sorted(groups["department_id"]),
        by_organisation=_sorted(groups["organisation_id"]),
        by_month=[groups["month"][m] for m in months],
        backlog=[(name, label, backlog_counts.get(name, 0)) for name, label in AGE_BUCKETS],
        refreshed_at=refreshed,
        names=names,
        target_days=target_days,
        within_target=sum(count for days, count in overall if target_days and days <= target_days),
        target_base=sum(count for _, count in overall) if target_days else 0,
    )


def _month_range(start: dt.date, end: dt.date) -> list[dt.date]:
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _names(groups: dict[str, dict[Any, Figures]]) -> dict[str, dict[Any, str]]:
    """Labels of the procedures, departments and organisations present (one query each kind)."""
    procedure_ids = [k for k in groups["procedure_id"] if k is not None]
    department_ids = [k for k in groups["department_id"] if k is not None]
    organisation_ids = [k for k in groups["organisation_id"] if k is not None]
    return {
        "channel": dict(CHANNEL_LABELS),
        "procedure": dict(Procedure.objects.filter(pk__in=procedure_ids).values_list("pk", "title"))
        if procedure_ids
        else {},
        "department": dict(Department.objects.filter(pk__in=department_ids).values_list("pk", "name"))
        if department_ids
        else {},
        "organisation": dict(Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name"))
        if organisation_ids
        else {},
    }


def procedures_for(organisation_ids: list[int]) -> list[Procedure]:
    """The procedures offered by these organisations and their EPCI (filter choices)."""
    parents = Organisation.objects.filter(pk__in=organisation_ids, parent__isnull=False).values("parent_id")
    return list(
        Procedure.objects.filter(Q(organisation_id__in=organisation_ids) | Q(organisation_id__in=parents))
        .only("pk", "title")
        .order_by("title")
    )


def departments_for(organisation_ids: list[int]) -> list[Department]:
    return list(Department.objects.filter(organisation_id__in=organisation_ids).order_by("name"))


def public_settings(organisation: Organisation) -> StatsSettings | None:
    return StatsSettings.objects.filter(organisation=organisation, public_stats_enabled=True).first()


def open_data_rows(organisation_ids: list[int], filters: StatsFilters) -> list[dict[str, Any]]:
    """Monthly sums per organisation × procedure × channel, with names (the open-data file)."""
    rows = list(
        DailyStat.objects.filter(
            filters.q(), organisation_id__in=organisation_ids, day__gte=filters.start, day__lte=filters.end
        )
        .annotate(month=TruncMonth("day"))
        .values("organisation_id", "month", "procedure_id", "channel")
        .annotate(**{name: Sum(name) for name in SUM_FIELDS})
        .order_by("organisation_id", "month", "procedure_id", "channel")
    )
    procedures = dict(Procedure.objects.filter(pk__in={r["procedure_id"] for r in rows}).values_list("pk", "title"))
    organisations = {
        pk: (insee, name)
        for pk, insee, name in Organisation.objects.filter(pk__in=organisation_ids).values_list(
            "pk", "insee_code", "name"
        )
    }
    for row in rows:
        row["insee"], row["organisation"] = organisations.get(row["organisation_id"], ("", ""))
        row["month"] = row["month"].strftime("%Y-%m")
        row["procedure"] = procedures.get(row["procedure_id"], "")
        row["mean_days"] = row["response_days"] / row["responded"] if row["responded"] else None
    return rows


# --- Activity beyond the cases: channels used, calls, letters, reports, appointments, payments ------------


@dataclass
class Row:
    """One line of an activity table: a label and counts by column (outcome, status...)."""

    label: str
    key: Any = None
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    amount: int = 0

    def add(self, column: str, count: int, amount: int = 0) -> None:
        self.counts[column] = self.counts.get(column, 0) + count
        self.total += count
        self.amount += amount

    def get(self, column: str) -> int:
        return self.counts.get(column, 0)


@dataclass
class Activity:
    """The activity tables of a period (every figure defined in docs/stats.md)."""

    channel_use: list[Row]  # per channel: counts "used" (cases that used it), "entry" (cases entered by it)
    several_channels: int
    received: int  # cases received in the period (the base of the channel shares)
    calls: list[Row]  # per subject: counts per call outcome, amount = minutes
    calls_total: Row
    letters: list[Row]  # per department: counts per letter state (to_qualify, qualified, attached, routed, closed)
    letters_total: Row
    reports: list[Row]  # per category: counts "received", "repaired", "reopened"
    reports_total: Row
    repair_median: float | None
    repair_p90: float | None
    appointments: list[Row]  # per type: counts per status
    appointments_total: Row
    lead_median: float | None
    lead_p90: float | None
    open_minutes: int
    booked_minutes: int
    payments: list[Row]  # per régie: counts per status; amount = cents
    payments_online: int
    payments_counter: int
    payments_online_cents: int
    payments_counter_cents: int

    @property
    def reopen_rate(self) -> float | None:
        return _ratio(self.reports_total.get("reopened"), self.reports_total.get("repaired"))

    @property
    def no_show_rate(self) -> float | None:
        """Missed among the appointments whose outcome is known (honoured + missed)."""
        missed = self.appointments_total.get("no_show")
        return _ratio(missed, missed + self.appointments_total.get("honoured"))

    @property
    def occupancy_rate(self) -> float | None:
        return _ratio(self.booked_minutes, self.open_minutes)

    @property
    def online_share(self) -> float | None:
        return _ratio(self.payments_online, self.payments_online + self.payments_counter)

    @property
    def online_amount_share(self) -> float | None:
        return _ratio(self.payments_online_cents, self.payments_online_cents + self.payments_counter_cents)

    @property
    def several_channels_rate(self) -> float | None:
        return _ratio(self.several_channels, self.received)

    @property
    def max_channel_used(self) -> int:
        return max([row.get("used") for row in self.channel_use] + [1])


def _by_label(rows: dict[str, Row]) -> list[Row]:
    return sorted(rows.values(), key=lambda r: (-r.total, -r.get("entry"), r.label))


def occupancy_minutes(organisation_ids: list[int], start: dt.date, end: dt.date) -> tuple[int, int]:
    """(minutes open, minutes booked) of every desk of these organisations over the period, from the
    appointments app's own computation (opening hours, exceptions, holidays); (0, 0) without it."""
    try:
        from parvis.appointments.models import Desk
        from parvis.appointments.queries import occupancy
    except ImportError:  # pragma: no cover - the appointments app is part of Parvis
        return 0, 0
    with_desks = Desk.objects.filter(organisation_id__in=organisation_ids, is_active=True).values("organisation_id")
    open_minutes = booked = 0
    for organisation in Organisation.objects.filter(pk__in=with_desks):
        for row in occupancy(organisation, start, end):
            open_minutes += row.open_minutes
            booked += row.booked_minutes
    return open_minutes, booked


def activity(
    organisation_ids: list[int],
    filters: StatsFilters,
    *,
    cases_only: bool = False,
    with_occupancy: bool = True,
    board: Dashboard | None = None,
) -> Activity:
    """One query over ``DailyActivity`` for the period, plus the desks' opening hours for the
    occupancy. Department and procedure filters narrow the channels used; the other tables
    (calls, reports, appointments, payments) are the organisation's whole activity and are left
    empty with ``cases_only`` (a department's dashboard). ``board``: the dashboard of the same
    filters, whose cases received by channel are reused (one query less)."""
    from parvis.stats.enums import Family

    base = DailyActivity.objects.filter(
        organisation_id__in=organisation_ids, day__gte=filters.start, day__lte=filters.end
    )
    case_filter = Q()
    if filters.department:
        case_filter &= Q(department_id=filters.department)
    if filters.procedure:
        case_filter &= Q(procedure_id=filters.procedure)
    query = Q(family=Family.CHANNEL_USE) & case_filter
    if not cases_only:
        query |= ~Q(family=Family.CHANNEL_USE)
    rows = (
        base.filter(query)
        .values("family", "key", "outcome", "days")
        .annotate(n=Sum("count"), amount=Sum("amount"))
        .order_by()
    )
    channel_use: dict[str, Row] = {}
    calls: dict[str, Row] = {}
    letters: dict[str, Row] = {}
    reports: dict[str, Row] = {}
    appointment_rows: dict[str, Row] = {}
    payment_rows: dict[str, Row] = {}
    calls_total, reports_total, appointments_total = Row("Total"), Row("Total"), Row("Total")
    letters_total = Row("Total")
    repair: dict[int, int] = defaultdict(int)
    lead: dict[int, int] = defaultdict(int)
    cents: dict[str, int] = defaultdict(int)
    several = 0
    for row in rows:
        family, key, outcome, n, amount = row["family"], row["key"], row["outcome"], row["n"] or 0, row["amount"] or 0
        if family == Family.CHANNEL_USE:
            if outcome:
                several += n
            else:
                channel_use.setdefault(key, Row(CHANNEL_LABELS.get(key, key), key=key)).add("used", n)
        elif family == Family.CALL:
            calls.setdefault(key, Row(key)).add(outcome, n, amount)
            calls_total.add(outcome, n, amount)
        elif family == Family.LETTER:
            letters.setdefault(key, Row(key or "Sans service")).add(outcome, n)
            letters_total.add(outcome, n)
        elif family == Family.REPORT_RECEIVED:
            reports.setdefault(key, Row(key)).add("received", n)
            reports_total.add("received", n)
        elif family == Family.REPORT_REPAIRED:
            for target in (reports.setdefault(key, Row(key)), reports_total):
                target.counts["repaired"] = target.get("repaired") + n
                if outcome == "reopened":
                    target.counts["reopened"] = target.get("reopened") + n
            repair[row["days"] or 0] += n
        elif family == Family.APPOINTMENT:
            appointment_rows.setdefault(key, Row(key)).add(outcome, n)
            appointments_total.add(outcome, n)
        elif family == Family.APPOINTMENT_LEAD:
            lead[row["days"] or 0] += n
        elif family == Family.PAYMENT:
            payment_rows.setdefault(key, Row(key)).add(outcome, n, amount)
            cents[outcome] += amount
    entered = (
        [{"channel": f.key, "n": f.received} for f in board.by_channel]
        if board is not None
        else DailyStat.objects.filter(
            filters.q(), organisation_id__in=organisation_ids, day__gte=filters.start, day__lte=filters.end
        )
        .values("channel")
        .annotate(n=Sum("received"))
        .order_by()
    )
    received = 0
    for row in entered:
        if not row["n"]:
            continue
        received += row["n"]
        target = channel_use.setdefault(row["channel"], Row(CHANNEL_LABELS.get(row["channel"], row["channel"])))
        target.counts["entry"] = row["n"] or 0
    open_minutes, booked = (0, 0)
    if not cases_only and with_occupancy:
        open_minutes, booked = occupancy_minutes(organisation_ids, filters.start, filters.end)
    payments = _by_label(payment_rows)
    return Activity(
        channel_use=_by_label(channel_use),
        several_channels=several,
        received=received,
        calls=_by_label(calls),
        calls_total=calls_total,
        letters=_by_label(letters),
        letters_total=letters_total,
        reports=_by_label(reports),
        reports_total=reports_total,
        repair_median=percentile_cont(repair.items(), 0.5),
        repair_p90=percentile_cont(repair.items(), 0.9),
        appointments=_by_label(appointment_rows),
        appointments_total=appointments_total,
        lead_median=percentile_cont(lead.items(), 0.5),
        lead_p90=percentile_cont(lead.items(), 0.9),
        open_minutes=open_minutes,
        booked_minutes=booked,
        payments=payments,
        payments_online=sum(r.get("paid_online") for r in payments),
        payments_counter=sum(r.get("paid_counter") for r in payments),
        payments_online_cents=cents["paid_online"],
        payments_counter_cents=cents["paid_counter"],
    )
