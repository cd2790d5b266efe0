"""Residents' pages (/alertes/): subscribe (with or without an account), confirm by the emailed link,
manage and unsubscribe by the link in every message. No map is needed: an address, a district or
the whole commune."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from parvis.alerts import queries, services
from parvis.alerts.access import get_subscription_by_link, organisation_of
from parvis.alerts.forms import SubscribeForm


def _initial(request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {"wants_messages": True, "wants_reports": True, "radius_m": 300}
    if request.user.is_authenticated:
        initial["email"] = request.user.email
        initial["phone"] = getattr(request.user, "phone", "")
    return initial


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """As a resident, I choose a place and what I want to hear about; I confirm by email unless logged in."""
    organisation = organisation_of(request)
    form = SubscribeForm(request.POST or None, organisation=organisation, initial=_initial(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                subscription = services.subscribe(
                    organisation=organisation,
                    email=data["email"],
                    scope=data["scope"],
                    area=data.get("area"),
                    address=data.get("address") or "",
                    latitude=data.get("latitude"),
                    longitude=data.get("longitude"),
                    radius_m=data.get("radius_m") or 300,
                    phone=data.get("phone") or "",
                    by_sms=data.get("by_sms") or False,
                    wants_reports=data.get("wants_reports") or False,
                    wants_messages=data.get("wants_messages") or False,
                    user=request.user,
                    actor=request.user,
                    request=request,
                )
            except services.AlertError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                if subscription.is_active:
                    messages.success(request, f"Votre alerte est active : {subscription.where}.")
                else:
                    messages.success(
                        request,
                        f"Presque fini : ouvrez le lien envoyé à {subscription.email} pour confirmer votre alerte.",
                    )
                return redirect("alerts:home")
        status = 400
    mine = list(queries.subscriptions_of_user(organisation, request.user))
    links = {s.pk: services.manage_token(s) for s in mine}
    return render(
        request,
        "alerts/citizen/home.html",
        {
            "form": form,
            "mine": [(s, links[s.pk]) for s in mine],
            "has_areas": queries.areas_of(organisation).exists(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The double opt-in link: a page with one button (a mail scanner's GET confirms nothing)."""
    subscription = get_subscription_by_link(request, token, purpose="confirm")
    if request.method == "POST":
        services.confirm_subscription(subscription=subscription, actor=request.user, request=request)
        messages.success(request, f"Votre alerte est confirmée : {subscription.where}.")
        return redirect("alerts:manage", token=services.manage_token(subscription))
    return render(request, "alerts/citizen/confirm.html", {"subscription": subscription, "token": token})


def manage(request: HttpRequest, token: str) -> HttpResponse:
    subscription = get_subscription_by_link(request, token, purpose="manage")
    return render(request, "alerts/citizen/manage.html", {"subscription": subscription, "token": token})


@require_POST
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The opt-out of every message: one button, no login."""
    subscription = get_subscription_by_link(request, token, purpose="manage")
    services.unsubscribe(subscription=subscription, actor=request.user, request=request)
    messages.success(request, "Vous ne recevrez plus cette alerte.")
    return redirect("alerts:manage", token=token)
