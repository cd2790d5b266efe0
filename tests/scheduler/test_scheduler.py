import datetime as dt

from django.utils import timezone

from parvis.scheduler import services
from parvis.scheduler.services import PeriodicJob, claim, last_heartbeat, record_heartbeat, run_due_jobs


def test_a_job_is_claimed_once_per_interval(db):
    job = PeriodicJob(name="test.job", interval=60, function=lambda: None)
    now = timezone.now()
    assert claim(job, now) is True
    assert claim(job, now + dt.timedelta(seconds=30)) is False
    assert claim(job, now + dt.timedelta(seconds=61)) is True


def test_due_jobs_run_and_a_failing_job_does_not_stop_the_others(db, monkeypatch):
    calls = []

    def boom():
        raise ValueError("boom")

    monkeypatch.setattr(
        services,
        "_REGISTRY",
        {
            "a": PeriodicJob("a", 60, boom),
            "b": PeriodicJob("b", 60, lambda: calls.append("b")),
        },
    )
    assert run_due_jobs() == ["b"]
    assert calls == ["b"]
    assert run_due_jobs() == []


def test_heartbeat_is_recorded_for_the_health_check(db):
    assert last_heartbeat() is None
    record_heartbeat()
    assert timezone.now() - last_heartbeat() < dt.timedelta(seconds=5)
