from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parvis.accounts.access import agent_required
from parvis.legal.calendars import SUBDIVISIONS
from parvis.legal.enums import Calendar, PeriodUnit, SilenceRule
from parvis.legal.forms import DeadlineForm


@require_GET
@agent_required()
def calculator(request: HttpRequest) -> HttpResponse:
    """As an agent, I compute when the silence kept on a request becomes an implicit decision, and why."""
    organisation = request.organisation  # type: ignore[attr-defined]
    calendar = organisation.calendar if organisation.calendar in SUBDIVISIONS else Calendar.FR
    initial = {"rule": SilenceRule.SVA, "period": 2, "unit": PeriodUnit.MONTHS, "calendar": calendar}
    form = DeadlineForm(request.GET or None, initial=initial)
    result = form.result if form.is_bound and form.is_valid() else None
    return render(
        request,
        "legal/calculator.html",
        {"form": form, "result": result, "recourse": form.recourse if result else None},
    )
