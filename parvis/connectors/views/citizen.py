"""Mes données → données obtenues auprès d'autres administrations (L114-8)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parvis.accounts.access import organisation_required
from parvis.connectors import clients, services
from parvis.connectors.enums import CallStatus
from parvis.connectors.forms import FamilyQuotientForm


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
@login_required
def administrations(request: HttpRequest) -> HttpResponse:
    """As a resident, I let the mairie obtain my family quotient from the CAF instead of sending a paper."""
    form = FamilyQuotientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.fetch_family_quotient(
                user=request.user,
                organisation=request.organisation,  # type: ignore[attr-defined]
                numero_allocataire=form.cleaned_data["numero_allocataire"],
                code_postal=form.cleaned_data["code_postal"],
                consent=form.cleaned_data["consent"],
                purpose="Tarifs municipaux selon le quotient familial",
                actor=request.user,
                request=request,
            )
        except services.ConnectorError as error:
            form.add_error(error.field, str(error))
        else:
            if call.status == CallStatus.OK:
                messages.success(
                    request,
                    f"Quotient familial obtenu auprès de la CAF : {call.value['quotient']} € "  # type: ignore[index]
                    "(il est proposé dans les formulaires qui le demandent).",
                )
            elif call.status == CallStatus.NOT_FOUND:
                messages.error(
                    request,
                    "La CAF ne connaît pas ce numéro d'allocataire avec ce code postal. Vérifiez-les, ou joignez "
                    "votre attestation de quotient familial au formulaire (ou à votre porte-documents).",
                )
            else:
                messages.error(
                    request,
                    "La CAF ne répond pas pour le moment : joignez votre attestation de quotient familial au "
                    "formulaire (ou à votre porte-documents), ou réessayez plus tard.",
                )
            return redirect("connectors:administrations")
    return render(
        request,
        "connectors/administrations.html",
        {"form": form, "calls": services.calls_of(request.user), "available": clients.is_configured()},
        status=400 if form.is_bound and form.errors else 200,
    )
