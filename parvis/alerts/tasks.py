"""Background work of the alerts: sending a broadcast, and the hourly digest of new reports.

``send_broadcast`` enqueues ``deliver_broadcast_task`` when its transaction commits; the periodic
job also resumes broadcasts left "sending" (a lost task), since delivery is idempotent.
The digest polls new reports (decoupled from the reports app: no hook to call).
"""

from __future__ import annotations

from django_tasks import task

from parvis.scheduler.services import periodic


@task()
def deliver_broadcast_task(broadcast_id: int) -> int:
    from parvis.alerts.services import deliver_broadcast

    return deliver_broadcast(broadcast_id=broadcast_id)


@task()
def report_digests() -> int:
    from parvis.alerts.services import resume_stuck_broadcasts, send_report_digests

    resume_stuck_broadcasts()
    return send_report_digests()


@periodic("alerts.digests", every=3600)
def enqueue_report_digests() -> None:
    report_digests.enqueue()
