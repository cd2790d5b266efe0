"""Background work of incomplete files: requests for pieces whose deadline has passed.

Every hour the scheduler enqueues ``expire_pieces_requests``, which marks each open request whose
deadline is over as expired and recomputes its case's clock (SVR: the suspension ends on the
deadline; SVA: the delay still waits for the pieces). Each request is handled in its own
transaction, locked and checked again: running the job twice, or on two workers, changes nothing more.

The worker imports ``<app>.tasks`` modules only: this module is imported by ``parvis.legal.apps``.
"""

from __future__ import annotations

from django_tasks import task

from parvis.scheduler.services import periodic


@task()
def expire_pieces_requests() -> int:
    """Expire every request for pieces past its deadline; returns how many changed."""
    from parvis.legal.pieces import expire_overdue_requests

    return expire_overdue_requests()


@periodic("legal.pieces_expiry", every=3600)
def enqueue_pieces_expiry() -> None:
    """Expiring requests is done by a task, never in the scheduler thread."""
    expire_pieces_requests.enqueue()
