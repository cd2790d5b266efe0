"""Background work of the inbox: the IMAP relève every minute (in the worker, never in a request)."""

from __future__ import annotations

from django_tasks import task

from parvis.scheduler.services import periodic


@task()
def poll_mailboxes() -> int:
    from parvis.inbox.imap import poll_all

    return poll_all()


@periodic("inbox.imap_poll", every=60)
def enqueue_poll_mailboxes() -> None:
    poll_mailboxes.enqueue()
