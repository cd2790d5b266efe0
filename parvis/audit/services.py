"""Writing to the journal. Every service that changes state calls ``record_event``."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from parvis.audit.models import AuditChainHead, AuditEvent


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "chain_key": event.chain_key,
        "sequence": event.sequence,
        "organisation": event.organisation_id,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "channel": event.channel,
        "ip_address": event.ip_address,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "previous_hash": event.previous_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address. Behind ``PARVIS_TRUSTED_PROXIES`` reverse proxies (nginx...), the address the
    outermost trusted proxy saw, read from the right of X-Forwarded-For (never trust the left part: the
    client writes it)."""
    if request is None:
        return None
    proxies = settings.PARVIS_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str)) if value is not None else None


@transaction.atomic
def record_event(
    *,
    action: str,
    actor: Any = None,
    organisation: Any = None,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    channel: str = "",
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to its organisation's hash chain.

    The chain head row is locked for the rest of the transaction, so concurrent writers
    of one organisation append in turn; other organisations are not blocked.
    """
    organisation_id = organisation.pk if organisation is not None else None
    chain_key = organisation_id or 0
    head, _ = AuditChainHead.objects.get_or_create(chain_key=chain_key)
    head = AuditChainHead.objects.select_for_update().get(pk=head.pk)
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    event = AuditEvent(
        chain_key=chain_key,
        sequence=head.last_sequence + 1,
        organisation_id=organisation_id,
        actor=actor,
        actor_label=actor_label or (getattr(actor, "email", "") if actor is not None else "système"),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=_jsonable(before),
        after=_jsonable(after),
        channel=channel,
        ip_address=client_ip(request),
        created_at=timezone.now(),
        previous_hash=head.last_hash,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    head.last_sequence = event.sequence
    head.last_hash = event.hash
    head.save(update_fields=["last_sequence", "last_hash"])
    return event


def log_personal_data_view(*, actor: Any, organisation: Any, obj: models.Model, request: HttpRequest | None) -> None:
    """An agent looked at someone's personal data: that access is journaled too."""
    record_event(action="personal_data.viewed", actor=actor, organisation=organisation, obj=obj, request=request)
