"""Periodic jobs without an extra server.

``parvis worker`` runs the task worker and, in a thread, this scheduler loop: each
registered job is due every ``interval`` seconds; the claim is a conditional UPDATE on
its ``ScheduledJob`` row, so with several workers a job still runs once per period.
Jobs enqueue tasks; they never do the work in the scheduler thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger("parvis.scheduler")
HEARTBEAT_KEY = "parvis:worker-heartbeat"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval: int
    function: Callable[[], object]


_REGISTRY: dict[str, PeriodicJob] = {}


def periodic(name: str, *, every: int) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register ``function`` to be called every ``every`` seconds by the scheduler."""

    def decorator(function: Callable[[], object]) -> Callable[[], object]:
        _REGISTRY[name] = PeriodicJob(name=name, interval=every, function=function)
        return function

    return decorator


def registered_jobs() -> dict[str, PeriodicJob]:
    return dict(_REGISTRY)


def record_heartbeat() -> None:
    from parvis.scheduler.models import ScheduledJob

    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), 3600)
    ScheduledJob.objects.update_or_create(name="_heartbeat", defaults={"last_run_at": timezone.now()})


def last_heartbeat() -> dt.datetime | None:
    from parvis.scheduler.models import ScheduledJob

    row = ScheduledJob.objects.filter(name="_heartbeat").values_list("last_run_at", flat=True).first()
    return row


def claim(job: PeriodicJob, now: dt.datetime) -> bool:
    """Atomically mark ``job`` as run now if it is due; True when this process won the claim."""
    from django.db.models import Q

    from parvis.scheduler.models import ScheduledJob

    ScheduledJob.objects.get_or_create(name=job.name)
    threshold = now - dt.timedelta(seconds=job.interval)
    updated = ScheduledJob.objects.filter(
        Q(last_run_at__isnull=True) | Q(last_run_at__lte=threshold), name=job.name
    ).update(last_run_at=now)
    return updated == 1


def run_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Run every job that is due; returns the names run."""
    now = now or timezone.now()
    ran = []
    for job in _REGISTRY.values():
        if claim(job, now):
            try:
                job.function()
                ran.append(job.name)
            except Exception:
                logger.exception("Periodic job %s failed", job.name)
    return ran


def scheduler_loop(stop: threading.Event, tick: float = 15.0) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            record_heartbeat()
            run_due_jobs()
        except Exception:
            logger.exception("Scheduler tick failed")
        stop.wait(tick)
