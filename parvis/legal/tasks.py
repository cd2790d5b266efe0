"""Background work of the legal rules: implicit decisions.

Every hour the scheduler enqueues ``apply_implicit_decisions``: each open case whose clock runs
(or is suspended, SVR) and whose ``decision_due_on`` has come (Europe/Paris) is handed to
``parvis.legal.decisions.apply_implicit_decision`` in its own transaction, which locks the case,
recomputes its clock and checks again before anything changes. Running the job twice, or in two
workers at once, decides each case once and sends one email. Cases waiting for pieces (SVA,
incomplete file: the delay has not started) are never listed.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from parvis.scheduler.services import periodic

logger = logging.getLogger("parvis.legal")


def due_implicit_decisions(today: dt.date | None = None) -> list[int]:
    """Ids of the open cases whose implicit decision is due by ``today`` (Paris date by default)."""
    from parvis.cases.models import Case
    from parvis.legal.decisions import DUE_STATES

    today = today or timezone.localdate()
    return list(
        Case.objects.filter(is_open=True, deadline_state__in=DUE_STATES, decision_due_on__lte=today)
        .order_by("decision_due_on", "pk")
        .values_list("pk", flat=True)
    )


def decide_due_cases(today: dt.date | None = None) -> int:
    """Apply every implicit decision due by ``today``; returns how many cases were decided."""
    from parvis.cases.models import Case
    from parvis.legal.decisions import apply_implicit_decision

    today = today or timezone.localdate()
    decided = 0
    for pk in due_implicit_decisions(today):
        try:
            decided += apply_implicit_decision(case=Case(pk=pk), today=today)
        except Exception:
            # One broken case (invalid workflow, template error...) must not stop the others.
            logger.exception("Implicit decision of case %s failed", pk)
    return decided


@task()
def apply_implicit_decisions() -> int:
    """The task run by the worker: decide every due case."""
    return decide_due_cases()


@periodic("legal.implicit_decisions", every=3600)
def enqueue_implicit_decisions() -> None:
    """Implicit decisions are applied by a task, never in the scheduler thread."""
    apply_implicit_decisions.enqueue()
