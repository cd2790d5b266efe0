"""API tokens: their format, and who a request's token says the caller is.

A token reads ``pvs_<prefix>_<secret>``. The prefix (in clear, unique) finds the row; the whole
token's SHA-256 is compared in constant time with the stored one. Only the hash is stored.

``authenticate_token`` is the one entry point (the REST API's bearer scheme uses it; the Open311
``api_key`` can too): it returns an ``ApiCaller`` or raises ``ApiError`` (401, or 403 when the token
is used on another organisation's hostname).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from parvis.accounts.models import Membership
from parvis.api.enums import Scope
from parvis.api.errors import UNAUTHENTICATED, ApiError
from parvis.api.models import ApiToken
from parvis.cases.access import may_process_cases
from parvis.organisations.models import Organisation

TOKEN_RE = re.compile(r"^pvs_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")
_DUMMY_HASH = hashlib.sha256(b"parvis-no-such-token").hexdigest()
LAST_USED_PRECISION = timedelta(minutes=1)  # last_used_at is written at most once a minute per token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(prefix, token): a fresh token and the prefix that identifies it."""
    prefix = secrets.token_hex(6)
    return prefix, f"pvs_{prefix}_{secrets.token_urlsafe(32)}"


@dataclass
class ApiCaller:
    """Who is calling: the token's user, in the token's organisation, with the token's scopes."""

    token: ApiToken
    user: Any
    organisation: Organisation
    scopes: frozenset[str]
    memberships: list[Membership] = field(default_factory=list)

    def __str__(self) -> str:  # the rate limit's key
        return f"api-token:{self.token.pk}"

    @property
    def is_agent(self) -> bool:
        """An agent of the organisation (a role there); otherwise a resident acting for himself."""
        return bool(self.memberships)

    @property
    def may_process(self) -> bool:
        return self.is_agent and may_process_cases(self.memberships)

    def require(self, scope: Scope) -> None:
        if scope not in self.scopes:
            raise ApiError(403, f"Ce jeton n'a pas le droit « {scope.value} » nécessaire à cette opération.")


def authenticate_token(raw: str, *, host_organisation: Organisation | None) -> ApiCaller:
    """The caller a raw token stands for, or ApiError (401 unknown/expired/revoked, 403 wrong hostname)."""
    match = TOKEN_RE.match((raw or "").strip())
    token = None
    if match:
        token = (
            ApiToken.objects.select_related("user", "organisation", "organisation__parent")
            .filter(prefix=match.group(1))
            .first()
        )
    digest = hash_token(raw.strip()) if match else _DUMMY_HASH
    stored = token.secret_hash if token is not None else _DUMMY_HASH
    valid = hmac.compare_digest(digest, stored) and token is not None
    now = timezone.now()
    if not valid or token is None or not token.is_active(now) or not token.user.is_active:
        raise ApiError(401, UNAUTHENTICATED)
    if host_organisation is not None and host_organisation.pk != token.organisation_id:
        raise ApiError(
            403,
            f"Ce jeton est valable pour {token.organisation.name}, pas pour la collectivité servie à cette adresse.",
        )
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    memberships = list(
        Membership.objects.reaching(token.organisation).filter(user=token.user).select_related("department")
    )
    return ApiCaller(
        token=token,
        user=token.user,
        organisation=token.organisation,
        scopes=frozenset(token.scopes),
        memberships=memberships,
    )


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` on /api/v1/. The request's organisation becomes the token's."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiCaller:
        caller = authenticate_token(token, host_organisation=getattr(request, "organisation", None))
        request.organisation = caller.organisation  # type: ignore[attr-defined]
        return caller


def caller_of(request: HttpRequest) -> ApiCaller:
    caller = getattr(request, "auth", None)
    if not isinstance(caller, ApiCaller):  # pragma: no cover - every operation requires BearerAuth
        raise ApiError(401, UNAUTHENTICATED)
    return caller
