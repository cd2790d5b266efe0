"""Background work of the outbox: delivery tasks and the retry job."""

from __future__ import annotations

from django_tasks import task

from parvis.notifications import services
from parvis.scheduler.services import periodic


@task()
def deliver_message(message_id: int) -> str:
    """Send one stored message (no-op if already sent, not due, or taken by another worker)."""
    message = services.deliver_message(message_id=message_id)
    return message.status if message is not None else "skipped"


@periodic("notifications.retry_due", every=60)
def retry_due_messages() -> None:
    """Enqueue deliveries for queued messages whose next attempt is due."""
    services.enqueue_due_messages()
