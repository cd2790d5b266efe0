"""A task for tests/scheduler/test_two_workers.py, run by real ``parvis worker`` processes.

Each run appends one row (the task's number and the worker's process id) to a table the test creates,
so a task run twice shows up as two rows.
"""

from __future__ import annotations

import os
import time

from django.db import connection
from django_tasks import task

TASK_RUNS_TABLE = "tests_two_workers_task_run"


@task()
def record_run(number: int) -> int:
    time.sleep(0.1)  # long enough for both workers to take part
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TASK_RUNS_TABLE} (number, pid) VALUES (%s, %s)", [number, os.getpid()])  # noqa: S608
    return number
