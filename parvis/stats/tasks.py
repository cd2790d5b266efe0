"""Background refresh of the pre-aggregated statistics.

Every 15 minutes the scheduler enqueues ``refresh_recent_stats``: the last ``RECENT_DAYS`` days
(a request for pieces or an acknowledgment can change the figures of the day a case was received
some weeks later) and the snapshot of open cases. Older days are rebuilt by
``parvis stats-refresh --since YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from parvis.scheduler.services import periodic

RECENT_DAYS = 45


def refresh_recent(today: dt.date | None = None) -> int:
    from parvis.legal.clock import paris_today
    from parvis.stats.services import refresh_daily_stats

    today = today or paris_today()
    result = refresh_daily_stats(start=today - dt.timedelta(days=RECENT_DAYS), end=today, today=today)
    return result.daily_rows


@task()
def refresh_recent_stats() -> int:
    return refresh_recent()


@periodic("stats.refresh", every=900)
def enqueue_stats_refresh() -> None:
    refresh_recent_stats.enqueue()


@task()
def run_export_task(export_id: int) -> int:
    """Build the file of an export requested from a dashboard (``parvis.stats.services.run_export``)."""
    from parvis.stats.services import run_export

    export = run_export(export_id=export_id)
    return export.rows_done if export is not None else 0


@task()
def delete_expired_exports_task() -> int:
    from parvis.stats.services import delete_expired_exports

    return delete_expired_exports()


@periodic("stats.exports_cleanup", every=3600)
def enqueue_exports_cleanup() -> None:
    delete_expired_exports_task.enqueue()
