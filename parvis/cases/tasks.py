"""Background work of cases: webhook deliveries and their retries, timed transitions.

Timed transitions: a status of a workflow may declare ``{"timeout": {"after_days": N,
"transition": key}}``. Every five minutes the scheduler enqueues ``apply_due_timeouts``, which
applies that transition (no actor, journaled as automatic) to every open case that entered the
status more than N days ago. The time a case entered its status is read from its timeline (the
last ``status_changed`` or ``submitted`` event, which ``apply_transition`` backdates with ``at``),
so no column has to be kept in step. Each case is handled in its own transaction, locked and
checked again (status, entry time) before anything changes: running the job twice, or two
workers at once, moves a case once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django_tasks import task

from parvis.cases import webhooks
from parvis.cases.enums import EventKind
from parvis.cases.models import Case, CaseEvent
from parvis.procedures.models import ProcedureVersion
from parvis.procedures.workflow import Workflow, WorkflowError
from parvis.scheduler.services import periodic

logger = logging.getLogger("parvis.cases")
AUTOMATIC_LABEL = "Automatique"


@task()
def deliver_webhook(delivery_id: int) -> str:
    """POST one stored webhook call (no-op if already sent, not due, or taken by another worker)."""
    delivery = webhooks.deliver(delivery_id=delivery_id)
    return delivery.status if delivery is not None else "skipped"


@periodic("cases.webhooks_retry", every=60)
def retry_due_webhooks() -> None:
    """Enqueue the webhook calls whose next attempt is due."""
    webhooks.enqueue_due_deliveries()


def _entered_status_at() -> Subquery:
    return Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk"), kind__in=[EventKind.STATUS_CHANGED, EventKind.SUBMITTED])
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )


def due_timeouts(now: dt.datetime | None = None) -> list[tuple[int, str, str]]:
    """(case id, status, transition) of every open case whose status has timed out."""
    now = now or timezone.now()
    found: list[tuple[int, str, str]] = []
    versions = ProcedureVersion.objects.filter(cases__is_open=True).distinct().only("pk", "workflow")
    for version in versions:
        try:
            workflow = Workflow.from_json(version.workflow)
        except WorkflowError:
            logger.warning("Workflow of procedure version %s is invalid: timeouts skipped", version.pk)
            continue
        for status in workflow.statuses.values():
            if not status.timeout:
                continue
            cutoff = now - dt.timedelta(days=int(status.timeout["after_days"]))
            ids = (
                Case.objects.filter(version=version, is_open=True, status=status.key)
                .annotate(entered_at=_entered_status_at())
                .filter(entered_at__lte=cutoff)
                .values_list("pk", flat=True)
            )
            found += [(pk, status.key, str(status.timeout["transition"])) for pk in ids]
    return found


def apply_timeout(*, case_id: int, status: str, transition: str, now: dt.datetime | None = None) -> bool:
    """Apply one timed transition if the case still waits in ``status`` past its delay; True if applied."""
    from parvis.cases.services import CaseError, IllegalTransition, apply_transition

    now = now or timezone.now()
    try:
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("version")
                .filter(pk=case_id, is_open=True, status=status)
                .annotate(entered_at=_entered_status_at())
                .first()
            )
            if case is None:
                return False
            timeout = Workflow.from_json(case.version.workflow).status(status).timeout or {}
            if timeout.get("transition") != transition:
                return False
            days = int(timeout["after_days"])
            entered_at = getattr(case, "entered_at", None)  # annotated above
            if entered_at is None or entered_at > now - dt.timedelta(days=days):
                return False
            apply_transition(
                case=case,
                transition_key=transition,
                actor=None,
                comment=f"Étape franchie automatiquement après {days} jour{'s' if days > 1 else ''}.",
            )
            event = CaseEvent.objects.filter(case=case, kind=EventKind.STATUS_CHANGED).latest("created_at", "pk")
            event.actor_label = AUTOMATIC_LABEL
            event.data = {**event.data, "automatic": True}
            event.save(update_fields=["actor_label", "data"])
    except (CaseError, IllegalTransition):
        logger.exception("Timed transition %s of case %s refused", transition, case_id)
        return False
    return True


@task()
def apply_due_timeouts() -> int:
    """Apply every timed transition that is due; returns how many cases moved."""
    return sum(apply_timeout(case_id=pk, status=s, transition=t) for pk, s, t in due_timeouts())


@periodic("cases.timeouts", every=300)
def enqueue_timeouts() -> None:
    """Timed transitions are applied by a task, never in the scheduler thread."""
    apply_due_timeouts.enqueue()
