"""Two real ``parvis worker`` processes, each with its scheduler, on one PostgreSQL database.

Proves what decision 0003 promises for installations with several workers: a periodic job runs once per
period across the cluster, and every queued task runs exactly once. The workers are separate processes
(``python -m parvis worker``) connected to pytest's test database, so the rows the test writes must be
committed (``transaction=True``) and the rows they write are read back by the test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.scheduler.worker_tasks import record_run

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two worker processes need a database server; SQLite's single writer is not the multi-worker set-up",
)

REPO_ROOT = Path(__file__).resolve().parents[2]
JOBS_MODULE = "tests.scheduler.worker_jobs"
# The names used by worker_jobs, which this process must not import (its jobs would join the registry).
SHARED_JOB = "tests.two_workers.shared"
ALIVE_JOB_PREFIX = "tests.two_workers.alive."
PERIOD = 1.0  # seconds, the shared job's ``every``
TASKS = 40
PERIODS_OBSERVED = 5
DB_WORKER_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    """The URL of the database this test runs on: ``test_<name>`` (``test_<name>_gwN`` under xdist)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def query(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, logs: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}\n{logs()}")
        time.sleep(0.1)


@pytest.fixture
def run_tables() -> Iterator[None]:
    """The tables the test task and jobs append to (outside Django's models, dropped afterwards)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE tests_two_workers_task_run"
            " (id serial PRIMARY KEY, number integer NOT NULL, pid integer NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE tests_two_workers_job_run (id serial PRIMARY KEY, job text NOT NULL, pid integer NOT NULL,"
            " claimed_at timestamptz NOT NULL)"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS tests_two_workers_task_run, tests_two_workers_job_run")


@pytest.fixture
def two_workers(run_tables: None, tmp_path: Path) -> Iterator[tuple[list[subprocess.Popen[bytes]], Callable[[], str]]]:
    """Start two ``parvis worker`` processes (task worker + scheduler thread each); always stop them."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "parvis.settings",
        "PARVIS_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "parvis", "worker", "--interval", "0.1", "--tick", "0.1"]
    command += ["--import", JOBS_MODULE]
    processes: list[subprocess.Popen[bytes]] = []
    log_files: list[IO[bytes]] = []

    def logs() -> str:
        parts = []
        for number, process in enumerate(processes):
            path = tmp_path / f"worker{number}.log"
            text = path.read_text(errors="replace")[-3000:] if path.exists() else ""
            parts.append(f"--- worker {number} (pid {process.pid}, exit {process.poll()}) ---\n{text}")
        return "\n".join(parts)

    try:
        for number in range(2):
            log: IO[bytes] = (tmp_path / f"worker{number}.log").open("wb")
            log_files.append(log)
            processes.append(subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        yield processes, logs
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        for log in log_files:
            log.close()


@pytest.mark.django_db(transaction=True)
def test_two_workers_and_two_schedulers_run_each_periodic_job_once_per_period_and_each_task_once(
    two_workers: tuple[list[subprocess.Popen[bytes]], Callable[[], str]], settings: Any
) -> None:
    settings.TASKS = DB_WORKER_BACKEND
    processes, logs = two_workers
    pids = {process.pid for process in processes}

    def alive_pids() -> set[int]:
        rows = query("SELECT DISTINCT pid FROM tests_two_workers_job_run WHERE job LIKE %s", [ALIVE_JOB_PREFIX + "%"])
        return {pid for (pid,) in rows}

    # Both schedulers are ticking: each has run its own job.
    wait_for(lambda: alive_pids() == pids, timeout=30, what="both schedulers to tick", logs=logs)
    observed_from = time.monotonic()

    results = [record_run.enqueue(number=number) for number in range(TASKS)]
    result_ids = [result.id for result in results]

    def all_tasks_finished() -> bool:
        finished = DBTaskResult.objects.filter(id__in=result_ids, finished_at__isnull=False).count()
        return finished == TASKS or any(process.poll() is not None for process in processes)

    wait_for(all_tasks_finished, timeout=30, what=f"the {TASKS} tasks", logs=logs)
    # Let the schedulers compete for the shared job over several periods.
    remaining = PERIODS_OBSERVED * PERIOD - (time.monotonic() - observed_from)
    if remaining > 0:
        time.sleep(remaining)
    assert all(process.poll() is None for process in processes), f"a worker died\n{logs()}"

    # Every queued task ran exactly once, and both workers took part.
    task_runs = query("SELECT number, pid FROM tests_two_workers_task_run")
    runs_per_task = Counter(number for number, _pid in task_runs)
    assert runs_per_task == Counter(range(TASKS)), logs()
    assert {pid for _number, pid in task_runs} == pids, "both workers should have run some of the tasks"
    stored = DBTaskResult.objects.filter(id__in=result_ids)
    assert sorted(stored.values_list("status", flat=True)) == ["SUCCESSFUL"] * TASKS
    assert all(len(worker_ids) == 1 for worker_ids in stored.values_list("worker_ids", flat=True))
    assert len({worker_ids[0] for worker_ids in stored.values_list("worker_ids", flat=True)}) == 2

    # The shared periodic job ran once per period: never two claims less than a period apart, and it
    # kept running period after period (whichever scheduler won each claim).
    shared_runs = query(
        "SELECT claimed_at, pid FROM tests_two_workers_job_run WHERE job = %s ORDER BY claimed_at", [SHARED_JOB]
    )
    claimed = [claimed_at for claimed_at, _pid in shared_runs]
    assert {pid for _claimed_at, pid in shared_runs} <= pids
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(claimed, claimed[1:], strict=False)]
    assert gaps, "the shared job should have run more than once"
    assert min(gaps) >= PERIOD, f"the shared job ran twice within one period: {gaps}"
    span = (claimed[-1] - claimed[0]).total_seconds()
    assert len(claimed) <= span / PERIOD + 1
    assert len(claimed) >= PERIODS_OBSERVED - 1, f"the shared job should run every period: {claimed}"
    # Each scheduler also ran its own job every period: both loops were live during the whole observation.
    alive_runs = Counter(
        pid for (pid,) in query("SELECT pid FROM tests_two_workers_job_run WHERE job LIKE %s", [ALIVE_JOB_PREFIX + "%"])
    )
    assert all(alive_runs[pid] >= PERIODS_OBSERVED - 1 for pid in pids), alive_runs
