"""Background work of reports: forgetting the photos kept aside for a form that was never sent.

When a report is refused (a missing contact, say), the photos already accepted are kept aside in
``reports/pending/`` so that the resident does not attach them again (parvis.reports.views.citizen).
Those of forms never sent are deleted after a day, every six hours.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

from parvis.scheduler.services import periodic

logger = logging.getLogger("parvis.reports")
PENDING_DIR = "reports/pending/"


def purge_pending_photos(older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete the photos kept aside longer than ``older_than``; returns how many were deleted."""
    if not default_storage.exists(PENDING_DIR.rstrip("/")):
        return 0
    limit = timezone.now() - older_than
    deleted = 0
    _, files = default_storage.listdir(PENDING_DIR)
    for name in files:
        path = PENDING_DIR + name
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                deleted += 1
        except OSError:
            logger.warning("Could not purge %s", path, exc_info=True)
    return deleted


@task()
def purge_pending() -> int:
    return purge_pending_photos()


@periodic("reports.purge_pending_photos", every=6 * 3600)
def enqueue_purge_pending() -> None:
    purge_pending.enqueue()
