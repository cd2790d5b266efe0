"""Reading the document safe (always the owner's own)."""

from __future__ import annotations

from typing import Any

from parvis.documents.models import SafeAccess, SafeDocument

ACCESS_LOG_LIMIT = 100


def documents_of(user: Any) -> list[SafeDocument]:
    return list(SafeDocument.objects.filter(owner=user).select_related("organisation"))


def access_log(user: Any, *, limit: int = ACCESS_LOG_LIMIT) -> list[SafeAccess]:
    return list(SafeAccess.objects.filter(owner=user).select_related("organisation")[:limit])
