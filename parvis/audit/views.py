from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parvis.accounts.access import agent_required
from parvis.accounts.enums import Role
from parvis.audit.queries import journal_for_organisation


@require_GET
@agent_required(Role.ADMIN)
def journal(request: HttpRequest) -> HttpResponse:
    """As an administrator, I read my organisation's journal, newest first, filtered by action."""
    action = request.GET.get("action", "").strip()
    events = journal_for_organisation(request.organisation, action=action)  # type: ignore[attr-defined]
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/backoffice/journal.html", {"page": page, "action": action})
