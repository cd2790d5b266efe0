"""What an API caller may read, and the gates for objects named in API URLs.

Agents read the cases ``parvis.cases.access.cases_visible_to_member`` gives them (the back office's
rule); residents read their own cases filed with the token's organisation. Another organisation's
case, or one the caller may not see, is a 404: its existence never leaks.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from parvis.api.auth import ApiCaller
from parvis.api.errors import NOT_FOUND_CASE, ApiError
from parvis.cases.access import cases_visible_to_member
from parvis.cases.models import Case, CaseDocument, CaseEvent, CaseQuerySet
from parvis.procedures.models import Procedure
from parvis.procedures.queries import available_procedures

MAX_PAGE = 200
DEFAULT_PAGE = 50


def procedures_for(caller: ApiCaller) -> QuerySet[Procedure]:
    """The published procedures offered in the caller's organisation (its own and its EPCI's not hidden)."""
    return available_procedures(caller.organisation).select_related("published_version", "organisation")


def cases_for(caller: ApiCaller) -> CaseQuerySet:
    if caller.is_agent:
        return cases_visible_to_member(
            user=caller.user, organisation=caller.organisation, memberships=caller.memberships
        )
    return Case.objects.for_organisation(caller.organisation).filter(requester=caller.user)


def get_case_for_caller(caller: ApiCaller, reference: str, *, write: bool = False) -> Case:
    """The case named ``reference`` if the caller may see it (404 otherwise).

    ``write=True``: an agent who may process cases (not a read-only role), else 403.
    """
    case = (
        cases_for(caller)
        .select_related("procedure", "version", "department", "assigned_to", "organisation")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if case is None:
        raise ApiError(404, NOT_FOUND_CASE)
    if write and caller.is_agent and not caller.may_process:
        raise ApiError(403, "Votre rôle permet de consulter les demandes, pas de les traiter.")
    return case


def timeline(caller: ApiCaller, case: Case) -> list[CaseEvent]:
    """The full timeline for agents; what the requester is shown for residents."""
    events = case.events.select_related(None).order_by("created_at", "pk")
    if not caller.is_agent:
        events = events.filter(visible_to_citizen=True)
    return list(events)


def documents(caller: ApiCaller, case: Case) -> list[CaseDocument]:
    docs = case.documents.order_by("created_at", "pk")
    if not caller.is_agent:
        docs = docs.filter(visible_to_citizen=True)
    return list(docs)


# --- The case list: filters and keyset pagination --------------------------------------------------


def encode_cursor(case: Case) -> str:
    return base64.urlsafe_b64encode(f"{case.submitted_at.isoformat()}|{case.pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, pk = raw.rsplit("|", 1)
        return datetime.fromisoformat(value), int(pk)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(422, "Curseur de pagination invalide.", {"cursor": ["Curseur de pagination invalide."]}) from exc


@dataclass
class CasePage:
    rows: list[Case]
    next_cursor: str | None


def list_cases(
    caller: ApiCaller,
    *,
    status: str = "",
    procedure: str = "",
    updated_since: datetime | None = None,
    cursor: str = "",
    limit: int = DEFAULT_PAGE,
) -> CasePage:
    """One page of the caller's cases, newest submission first; ``next_cursor`` continues after it.

    One query whatever the page size (the procedure, department and assignee are joined).
    """
    cases = cases_for(caller)
    if status == "open":
        cases = cases.filter(is_open=True)
    elif status == "closed":
        cases = cases.filter(is_open=False)
    elif status:
        cases = cases.filter(status=status)
    if procedure:
        cases = cases.filter(procedure__slug=procedure)
    if updated_since is not None:
        cases = cases.filter(last_activity_at__gte=updated_since)
    if cursor:
        at, pk = decode_cursor(cursor)
        cases = cases.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, pk__lt=pk))
    cases = cases.select_related("procedure", "department", "assigned_to", "version").defer(
        "answers", "search_text", "version__form"
    )
    if not caller.is_agent:
        visible = CaseEvent.objects.filter(case=OuterRef("pk"), visible_to_citizen=True).exclude(status_after="")
        cases = cases.annotate(
            last_visible_status=Subquery(visible.order_by("-created_at", "-pk").values("status_after")[:1])
        )
    limit = max(1, min(limit, MAX_PAGE))
    rows: list[Any] = list(cases.order_by("-submitted_at", "-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return CasePage(rows=rows, next_cursor=encode_cursor(rows[-1]) if more and rows else None)


def last_visible_status(case: Case) -> str:
    """The last status the requester was shown (for a case read alone)."""
    event = case.events.filter(visible_to_citizen=True).exclude(status_after="").order_by("-created_at", "-pk").first()
    return event.status_after if event else ""
