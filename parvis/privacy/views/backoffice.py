"""Administrators answer erasure requests within their deadline."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from parvis.accounts.access import agent_required
from parvis.accounts.enums import Role
from parvis.privacy import queries, services
from parvis.privacy.access import get_erasure_for_admin
from parvis.privacy.forms import AnswerForm


@require_GET
@agent_required(Role.ADMIN)
def erasure_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/backoffice/list.html",
        {"erasures": queries.erasure_requests(request.organisation), "today": timezone.localdate()},  # type: ignore[attr-defined]
    )


@require_http_methods(["GET", "POST"])
@agent_required()
def erasure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = get_erasure_for_admin(request, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_erasure(
                erasure=erasure,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
                actor=request.user,
                request=request,
            )
        except services.PrivacyError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, "La réponse est enregistrée et envoyée au demandeur.")
            return redirect("privacy:erasure_list")
    return render(
        request,
        "privacy/backoffice/detail.html",
        {"erasure": erasure, "form": form, "today": timezone.localdate()},
        status=400 if form.is_bound and form.errors else 200,
    )
