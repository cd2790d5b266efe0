"""The agent's choice about the daily digest of cases at risk (``parvis.legal.digest``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from parvis.accounts.access import agent_required
from parvis.legal.digest import digest_hour, receives_digest, set_digest_subscription


class DigestSettingsForm(forms.Form):
    receive = forms.BooleanField(
        label="Recevoir chaque matin le résumé des demandes à décider bientôt ou en retard",
        required=False,
        help_text="Un seul courriel par jour, seulement s'il y a des demandes dont la décision implicite "
        "intervient dans les 7 jours ou dont le délai est dépassé.",
    )


@require_http_methods(["GET", "POST"])
@agent_required()
def digest_settings(request: HttpRequest) -> HttpResponse:
    """As an agent, I choose whether I receive the daily digest of this organisation's cases at risk."""
    organisation = request.organisation  # type: ignore[attr-defined]
    user = request.user
    current = receives_digest(user, organisation)  # type: ignore[arg-type]
    form = DigestSettingsForm(request.POST if request.method == "POST" else None, initial={"receive": current})
    if request.method == "POST" and form.is_valid():
        receive = bool(form.cleaned_data["receive"])
        set_digest_subscription(
            user=user,  # type: ignore[arg-type]
            organisation=organisation,
            receive=receive,
            actor=user,
            request=request,
        )
        messages.success(
            request,
            "Vous recevrez le résumé quotidien." if receive else "Vous ne recevrez plus le résumé quotidien.",
        )
        return redirect("legal:digest_settings")
    return render(
        request,
        "legal/digest_settings.html",
        {"form": form, "receives": current, "hour": digest_hour()},
    )
