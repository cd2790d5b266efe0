"""Webhooks of workflow transitions: stored with the transition, POSTed after commit, signed, retried.

The body is the JSON of ``WebhookDelivery.payload`` (event, reference, status, transition,
timestamp, organisation, procedure — no personal data), with the header
``X-Parvis-Signature: sha256=<hex>``: HMAC-SHA256 of the exact body bytes with the secret
``PARVIS_WEBHOOK_SECRET``. Any 2xx answer is a success; anything else (or no answer within
``TIMEOUT`` seconds) is retried with the outbox's exponential backoff, up to ``MAX_ATTEMPTS``.
The claim (queued and due → sending) is one conditional UPDATE, so two workers never send the
same delivery twice concurrently. Redirects are not followed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.cases.models import Case, WebhookDelivery, WebhookStatus
from parvis.notifications.services import backoff_delay

logger = logging.getLogger("parvis.cases.webhooks")

MAX_ATTEMPTS = 12  # 1, 2, 4 … 60 minutes: about six hours of retries
TIMEOUT = 10  # seconds
ENQUEUE_LEASE = dt.timedelta(minutes=10)
SENDING_LEASE = dt.timedelta(minutes=5)


class WebhookError(Exception):
    """A webhook that cannot be called as configured."""


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise WebhookError(f"Adresse de webhook refusée (http ou https seulement) : {url!r}")
    return url


def _enqueue_on_commit(delivery_ids: list[int]) -> None:
    from parvis.cases.tasks import deliver_webhook

    def enqueue() -> None:
        for delivery_id in delivery_ids:
            try:
                deliver_webhook.enqueue(delivery_id)
            except Exception:  # noqa: BLE001 - the retry job enqueues it again
                logger.exception("Could not enqueue webhook delivery %s", delivery_id)

    transaction.on_commit(enqueue)


@transaction.atomic
def queue_webhook(*, case: Case, url: str, transition: str, actor: Any) -> WebhookDelivery:
    """Store the call (in the transition's transaction) and send it once that transaction commits."""
    check_url(url)
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        url=url,
        payload={
            "event": "case.transition",
            "reference": case.reference,
            "organisation": case.organisation.slug,
            "procedure": case.procedure.slug,
            "status": case.status,
            "transition": transition,
            "timestamp": now.isoformat(),
        },
        status=WebhookStatus.QUEUED,
        next_attempt_at=now,
        enqueued_at=now,
    )
    record_event(
        action="case.webhook_queued",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        after={"delivery": delivery.pk, "url": url, "transition": transition},
    )
    _enqueue_on_commit([delivery.pk])
    return delivery


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is an error: the configured address must answer itself


def check_public_address(url: str) -> None:
    """Refuse a webhook aimed at the platform's own network (loopback, private, link-local ranges).

    Unless PARVIS_WEBHOOK_ALLOW_PRIVATE is set (development, tests, an intranet receiver), an
    administrator's workflow must not make the server call its own internal services.
    """
    if settings.PARVIS_WEBHOOK_ALLOW_PRIVATE:
        return
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise WebhookError(f"Nom d'hôte introuvable : {host}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise WebhookError(f"Adresse de webhook refusée : {host} désigne une adresse interne ({address}).")


def _post(url: str, body: bytes) -> int:
    """POST the body; returns the HTTP status (raises on network errors)."""
    secret = getattr(settings, "PARVIS_WEBHOOK_SECRET", "")
    if not secret:
        raise WebhookError("PARVIS_WEBHOOK_SECRET n'est pas configuré : les webhooks ne peuvent pas être signés.")
    check_public_address(url)
    request = urllib.request.Request(  # noqa: S310 - scheme checked by check_url
        check_url(url),
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Parvis-Webhook/1",
            "X-Parvis-Signature": signature(body, secret),
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _claim(delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=WebhookStatus.SENDING, claimed_at=now, attempts=models.F("attempts") + 1)
    )
    if claimed != 1:
        return None
    return WebhookDelivery.objects.select_related("organisation", "case").get(pk=delivery_id)


def deliver(*, delivery_id: int) -> WebhookDelivery | None:
    """Send one due delivery (outside any transaction); None when there was nothing to do."""
    delivery = _claim(delivery_id, timezone.now())
    if delivery is None:
        return None
    try:
        code = _post(delivery.url, body_bytes(delivery.payload))
    except Exception as exc:  # noqa: BLE001 - any failure means "try again later"
        logger.warning("Webhook delivery %s failed: %s", delivery.pk, exc)
        return _record(delivery, ok=False, code=None, error=f"{type(exc).__name__}: {exc}")
    if 200 <= code < 300:
        return _record(delivery, ok=True, code=code, error="")
    return _record(delivery, ok=False, code=code, error=f"Réponse HTTP {code}")


@transaction.atomic
def _record(delivery: WebhookDelivery, *, ok: bool, code: int | None, error: str) -> WebhookDelivery:
    now = timezone.now()
    delivery.response_status = code
    delivery.claimed_at = None
    delivery.enqueued_at = None
    delivery.last_error = error[:2000]
    if ok:
        delivery.status, delivery.sent_at, delivery.next_attempt_at = WebhookStatus.SENT, now, None
        action = "case.webhook_sent"
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = WebhookStatus.FAILED, None
        action = "case.webhook_failed"
    else:
        delivery.status, delivery.next_attempt_at = WebhookStatus.QUEUED, now + backoff_delay(delivery.attempts)
        action = "case.webhook_attempt_failed"
    delivery.save(
        update_fields=[
            "status",
            "response_status",
            "claimed_at",
            "enqueued_at",
            "last_error",
            "sent_at",
            "next_attempt_at",
        ]
    )
    record_event(
        action=action,
        organisation=delivery.organisation,
        obj=delivery.case,
        after={"delivery": delivery.pk, "attempts": delivery.attempts, "http": code, "error": error[:200]},
        channel="worker",
    )
    return delivery


def enqueue_due_deliveries(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Re-enqueue due deliveries without a live task; put back those left "sending" by a dead worker."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(status=WebhookStatus.SENDING, claimed_at__lt=now - SENDING_LEASE).update(
        status=WebhookStatus.QUEUED, claimed_at=None, enqueued_at=None, next_attempt_at=now
    )
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.filter(status=WebhookStatus.QUEUED, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - ENQUEUE_LEASE))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if due:
            WebhookDelivery.objects.filter(pk__in=due).update(enqueued_at=now)
            _enqueue_on_commit(due)
    return due
