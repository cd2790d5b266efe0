"""Periodic work of payments: pending payments rechecked and expired; overdue invoices and reminders.

Jobs only enqueue tasks (the scheduler thread does no work). Both tasks are idempotent: a payment
is settled once (``apply_outcome`` locks it), a reminder is claimed by a conditional UPDATE.
"""

from __future__ import annotations

from django_tasks import task

from parvis.payments import services
from parvis.scheduler.services import periodic


@task()
def recheck_pending_payments() -> dict[str, int]:
    return services.recheck_pending()


@task()
def invoices_daily() -> dict[str, int]:
    return {"overdue": services.mark_overdue(), "reminders": services.send_reminders()}


@periodic("payments.recheck", every=120)
def enqueue_recheck() -> None:
    recheck_pending_payments.enqueue()


@periodic("payments.invoices", every=3600)
def enqueue_invoices_daily() -> None:
    invoices_daily.enqueue()
