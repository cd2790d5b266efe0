"""``/healthz``: is the platform able to serve and to work in the background?"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache


def _check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def _check_cache() -> dict[str, Any]:
    key = "healthz:probe"
    value = str(time.monotonic())
    cache.set(key, value, 30)
    ok = cache.get(key) == value
    return {"ok": ok, "backend": caches["default"].__class__.__name__}  # `cache` is a proxy


def _check_queue() -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from parvis.scheduler.services import last_heartbeat

    ready = DBTaskResult.objects.ready()
    pending = ready.count()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    beat = last_heartbeat()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    worker_seen = beat is not None and (timezone.now() - beat).total_seconds() < 180
    return {
        "ok": age < 600,
        "pending": pending,
        "oldest_pending_seconds": round(age, 1),
        "worker_last_seen": beat.isoformat() if beat else None,
        "worker_alive": worker_seen,
    }


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Any] = {}
    for name, check in (("database", _check_database), ("cache", _check_cache), ("queue", _check_queue)):
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001 - a health check reports every failure
            checks[name] = {"ok": False, "error": exc.__class__.__name__}
    ok = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if ok else "error", "checks": checks}, status=200 if ok else 503)


def ceiling(request: HttpRequest) -> HttpResponse:
    """The benchmarks' ceiling: the least a page can do on this stack (one query, one template).

    Served only with ``PARVIS_BENCH=1``; every scenario of bench/run.py is reported as a ratio to it.
    """
    from django.shortcuts import render

    from parvis.organisations.models import Organisation

    count = Organisation.objects.filter(kind="commune").count()
    return render(request, "bench/ceiling.html", {"count": count})
