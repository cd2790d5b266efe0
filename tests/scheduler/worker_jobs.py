"""Periodic jobs for tests/scheduler/test_two_workers.py, loaded only by ``parvis worker --import`` there.

- ``tests.two_workers.shared``: one job every second that every worker's scheduler competes for; each run
  appends the time of its claim and the worker's process id, so two runs in one period show up.
- ``tests.two_workers.alive.<pid>``: a job of this process alone, proving its scheduler thread is ticking.

Never imported by the test process itself, so these jobs do not join the registry of other tests.
"""

from __future__ import annotations

import os

from django.db import connection

from parvis.scheduler.models import ScheduledJob
from parvis.scheduler.services import periodic

JOB_RUNS_TABLE = "tests_two_workers_job_run"
SHARED_JOB = "tests.two_workers.shared"
ALIVE_JOB_PREFIX = "tests.two_workers.alive."
PERIOD = 1


def _record(name: str) -> None:
    claimed_at = ScheduledJob.objects.values_list("last_run_at", flat=True).get(name=name)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {JOB_RUNS_TABLE} (job, pid, claimed_at) VALUES (%s, %s, %s)",  # noqa: S608
            [name, os.getpid(), claimed_at],
        )


@periodic(SHARED_JOB, every=PERIOD)
def shared_job() -> None:
    _record(SHARED_JOB)


@periodic(f"{ALIVE_JOB_PREFIX}{os.getpid()}", every=PERIOD)
def alive_job() -> None:
    _record(f"{ALIVE_JOB_PREFIX}{os.getpid()}")
