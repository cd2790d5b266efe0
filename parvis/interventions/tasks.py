"""Background work of the interventions: the weekly rollover.

Every hour the scheduler enqueues ``roll_over_interventions``: each planned or in-progress
intervention whose week has passed moves to the current week (Europe/Paris), in its own
transaction, with « reportée de la semaine du … (n fois) » in the case's timeline. Nobody types
anything again. The move is idempotent: once moved, an intervention is in the current week and is
not listed again until next Monday; the counter adds the weeks skipped, so a worker stopped for a
fortnight gives the same result as one that ran every week.
"""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from parvis.scheduler.services import periodic

logger = logging.getLogger("parvis.interventions")


def roll_over_unfinished(today: dt.date | None = None) -> int:
    """Roll every unfinished intervention of a past week over to the current one; returns how many moved."""
    from parvis.interventions.models import Intervention
    from parvis.interventions.queries import unfinished_of_past_weeks
    from parvis.interventions.services import roll_over

    moved = 0
    for pk in unfinished_of_past_weeks(today):
        try:
            moved += roll_over(intervention=Intervention(pk=pk), today=today)
        except Exception:
            # One broken row must not stop the others' rollover.
            logger.exception("Rollover of intervention %s failed", pk)
    return moved


@task()
def roll_over_interventions() -> int:
    """The task run by the worker."""
    return roll_over_unfinished()


@periodic("interventions.rollover", every=3600)
def enqueue_rollover() -> None:
    """Hourly, so Monday's plans are complete early in the morning; the task is a no-op otherwise."""
    roll_over_interventions.enqueue()
