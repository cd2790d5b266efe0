"""Rebuilding the pre-aggregated statistics, and the publication setting.

``refresh_daily_stats`` recomputes the daily figures of a range of days with a few GROUP BY
queries over the cases (no loop over cases: the rows handled in Python are groups), then
replaces the range's rows in one transaction. Running it twice gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.files import File
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
from parvis.stats.activity import activity_rows
from parvis.stats.enums import ExportFormat, ExportKind, ExportStatus
from parvis.stats.models import DailyActivity, DailyResponseTime, DailyStat, Export, OpenSnapshot, StatsSettings

logger = logging.getLogger("parvis.stats")

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
    activity_rows: int = 0


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
    activity = activity_rows(ids, start, end)

    DailyStat.objects.filter(organisation_id__in=ids, day__gte=start, day__lte=end).delete()
    DailyResponseTime.objects.filter(organisation_id__in=ids, day__gte=start, day__lte=end).delete()
    OpenSnapshot.objects.filter(organisation_id__in=ids).delete()
    DailyActivity.objects.filter(organisation_id__in=ids, day__gte=start, day__lte=end).delete()
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
    DailyActivity.objects.bulk_create(activity, batch_size=BATCH)
    StatsSettings.objects.filter(organisation_id__in=ids).update(refreshed_at=now)
    return RefreshResult(
        organisations=len(ids),
        start=start,
        end=end,
        daily_rows=len(rows),
        response_rows=len(histogram),
        open_rows=len(snapshot),
        activity_rows=len(activity),
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


@transaction.atomic
def set_target_days(
    *, organisation: Organisation, days: int | None, actor: Any, request: HttpRequest | None = None
) -> StatsSettings:
    """The organisation's own response-time target (None: no target), shown on its dashboards; journaled."""
    if days is not None and not 1 <= days <= 365:
        raise ValueError("L'objectif est un nombre de jours entre 1 et 365.")
    settings = StatsSettings.objects.select_for_update().get(pk=settings_for(organisation).pk)
    before = settings.target_days
    if before != days:
        settings.target_days = days
        settings.save(update_fields=["target_days"])
        record_event(
            action="stats.target_changed",
            actor=actor,
            organisation=organisation,
            obj=settings,
            before={"target_days": before},
            after={"target_days": days},
            request=request,
        )
    return settings


# --- Exports built in the background ------------------------------------------------------------------

EXPORT_DAYS = 7  # a ready file stays downloadable this long
PROGRESS_EVERY = 500  # rows between two progress updates


def background_threshold() -> int:
    """Lists longer than this are built by the worker (setting ``STATS_EXPORT_BACKGROUND_ROWS``)."""
    from django.conf import settings

    return int(getattr(settings, "STATS_EXPORT_BACKGROUND_ROWS", 5000))


@transaction.atomic
def request_export(
    *,
    organisation: Organisation,
    kind: str,
    params: dict[str, Any],
    format: str,
    title: str,
    filename: str,
    rows_total: int,
    actor: Any,
    request: HttpRequest | None = None,
) -> Export:
    """Record an export to build and enqueue its task once the transaction commits; journaled."""
    from parvis.stats.tasks import run_export_task

    export = Export.objects.create(
        organisation=organisation,
        requested_by=actor,
        kind=kind,
        params=params,
        format=format,
        title=title[:300],
        filename=filename[:200],
        rows_total=rows_total,
    )
    record_event(
        action="stats.export_requested",
        actor=actor,
        organisation=organisation,
        obj=export,
        after={"kind": kind, "params": params, "format": format, "rows": rows_total},
        request=request,
    )
    transaction.on_commit(lambda: run_export_task.enqueue(export.pk))
    return export


def _claim_export(export_id: int) -> Export | None:
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status != ExportStatus.PENDING:
            return None  # already built, or being built by another worker
        export.status = ExportStatus.RUNNING
        export.started_at = timezone.now()
        export.save(update_fields=["status", "started_at"])
        return export


def run_export(*, export_id: int) -> Export | None:
    """Build the file of a pending export (the worker's task): rows are counted as they are written
    (the progress page reads ``rows_done``), then the file is stored, the requester notified by email
    (outbox) and on screen. Running it twice builds the file once."""
    from parvis.stats.spreadsheets import Sheet, write_csv, write_ods
    from parvis.stats.tables import CASE_HEADER, case_list_queryset, case_rows

    export = _claim_export(export_id)
    if export is None:
        return None
    try:
        if export.kind != ExportKind.CASES or export.requested_by is None:
            raise ValueError("Export inconnu ou demandeur supprimé.")
        cases = case_list_queryset(organisation=export.organisation, user=export.requested_by, params=export.params)
        total = cases.count()
        Export.objects.filter(pk=export.pk).update(rows_total=total)

        def progress(done: int) -> None:
            if done % PROGRESS_EVERY == 0:
                Export.objects.filter(pk=export.pk).update(rows_done=done)

        sheet = Sheet(export.title[:31], CASE_HEADER, case_rows(cases))
        with tempfile.TemporaryFile() as stream:
            if export.format == ExportFormat.ODS:
                written = write_ods([sheet], stream, progress=progress)
            else:
                text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
                written = write_csv([sheet], text, progress=progress)
                text.flush()
                text.detach()
            stream.seek(0)
            export.file.save(export.filename, File(stream), save=False)
    except Exception as exc:  # noqa: BLE001 - the requester sees the failure; the log has the details
        logger.exception("Export %s failed", export.pk)
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:300]
        )
        export.refresh_from_db()
        return export
    return _finish_export(export=export, written=written)


@transaction.atomic
def _finish_export(*, export: Export, written: int) -> Export:
    from parvis.notifications.services import queue_message
    from parvis.organisations.queries import absolute_url

    now = timezone.now()
    export.status = ExportStatus.READY
    export.rows_done = export.rows_total = written
    export.finished_at = now
    export.expires_at = now + dt.timedelta(days=EXPORT_DAYS)
    export.save(update_fields=["file", "status", "rows_done", "rows_total", "finished_at", "expires_at"])
    record_event(
        action="stats.export_ready",
        actor=None,
        organisation=export.organisation,
        obj=export,
        after={"rows": written, "format": export.format},
    )
    user = export.requested_by
    if user is not None and user.email:
        from django.urls import reverse

        queue_message(
            organisation=export.organisation,
            event="stats.export_ready",
            to=user.email,
            context={
                "organisation_name": export.organisation.name,
                "title": export.title,
                "rows": written,
                "format": export.get_format_display(),
                "expires_on": timezone.localtime(export.expires_at).strftime("%d/%m/%Y"),
                "link": absolute_url(export.organisation, reverse("stats:export_detail", kwargs={"pk": export.pk})),
            },
            related=export,
        )
    return export


@transaction.atomic
def record_export_download(*, export: Export, actor: Any, request: HttpRequest | None = None) -> None:
    """Journal a download (a list of cases leaves the platform) and mark the on-screen notice as seen."""
    Export.objects.filter(pk=export.pk, downloaded_at__isnull=True).update(downloaded_at=timezone.now())
    record_event(
        action="stats.export_downloaded",
        actor=actor,
        organisation=export.organisation,
        obj=export,
        after={"rows": export.rows_done, "format": export.format},
        request=request,
    )


@transaction.atomic
def record_cases_export(
    *, organisation: Organisation, params: dict[str, Any], format: str, rows: int, actor: Any, request: HttpRequest
) -> None:
    """Journal a list of cases downloaded at once (short lists: no ``Export`` row)."""
    record_event(
        action="stats.cases_exported",
        actor=actor,
        organisation=organisation,
        after={"params": params, "format": format, "rows": rows},
        request=request,
    )


def delete_expired_exports(*, now: dt.datetime | None = None) -> int:
    """Delete the files of the exports past their expiry (and of failed or stuck ones after a day)."""
    now = now or timezone.now()
    stale = Export.objects.filter(
        Q(status=ExportStatus.READY, expires_at__lte=now)
        | Q(
            status__in=(ExportStatus.FAILED, ExportStatus.PENDING, ExportStatus.RUNNING),
            created_at__lte=now - dt.timedelta(days=1),
        )
    )
    count = 0
    for export in stale:
        if export.file:
            export.file.delete(save=False)
        with transaction.atomic():
            Export.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="")
        count += 1
    return count
