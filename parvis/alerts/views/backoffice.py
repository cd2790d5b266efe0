"""Agents' pages (/backoffice/alertes/): messages to residents (write, preview the recipients, send in
the background, follow the delivery counts) and the districts residents and messages can target."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required
from parvis.alerts import queries, services
from parvis.alerts.access import BROADCAST_ROLES, get_area_for_agent, get_broadcast_for_agent, organisation_of
from parvis.alerts.enums import BroadcastStatus
from parvis.alerts.forms import AreaForm, BroadcastForm

PER_PAGE = 50


@require_GET
@agent_required(*BROADCAST_ROLES)
def broadcast_list(request: HttpRequest) -> HttpResponse:
    organisation = organisation_of(request)
    page = Paginator(queries.broadcasts_of(organisation), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/backoffice/list.html",
        {
            "page": page,
            "counts": queries.subscription_counts(organisation),
            "areas": list(queries.areas_of(organisation, active_only=False)),
        },
    )


@require_http_methods(["GET", "POST"])
@agent_required(*BROADCAST_ROLES)
def broadcast_new(request: HttpRequest) -> HttpResponse:
    organisation = organisation_of(request)
    form = BroadcastForm(
        request.POST or None, organisation=organisation, initial={"starts_on": timezone.localdate(), "by_email": True}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                broadcast = services.create_broadcast(
                    organisation=organisation,
                    kind=data["kind"],
                    title=data["title"],
                    text=data["text"],
                    starts_on=data["starts_on"],
                    ends_on=data.get("ends_on"),
                    target=data["target"],
                    area=data.get("area"),
                    street=data.get("street") or "",
                    by_email=data.get("by_email") or False,
                    by_sms=data.get("by_sms") or False,
                    actor=request.user,
                    request=request,
                )
            except services.AlertError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.info(request, "Brouillon enregistré : vérifiez les destinataires puis envoyez.")
                return redirect("alerts:broadcast_detail", pk=broadcast.pk)
        status = 400
    return render(request, "alerts/backoffice/new.html", {"form": form}, status=status)


@require_GET
@agent_required(*BROADCAST_ROLES)
def broadcast_detail(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = get_broadcast_for_agent(request, pk)
    context: dict[str, Any] = {"broadcast": broadcast, "period": services.period_text(broadcast)}
    if broadcast.status == BroadcastStatus.DRAFT:
        context["preview"] = queries.preview(broadcast)
    else:
        context["counts"] = queries.delivery_counts(broadcast)
    return render(request, "alerts/backoffice/detail.html", context)


@require_POST
@agent_required(*BROADCAST_ROLES)
def broadcast_send(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = get_broadcast_for_agent(request, pk)
    try:
        services.send_broadcast(broadcast=broadcast, actor=request.user, request=request)
    except services.AlertError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "Envoi lancé : les messages partent en arrière-plan. Les compteurs se mettent à jour."
        )
    return redirect("alerts:broadcast_detail", pk=broadcast.pk)


def _area_form_view(request: HttpRequest, area: Any = None) -> HttpResponse:
    organisation = organisation_of(request)
    initial = {}
    if area is not None:
        initial = {
            "name": area.name,
            "kind": area.kind,
            "centre_latitude": area.centre_latitude,
            "centre_longitude": area.centre_longitude,
            "radius_m": area.radius_m,
            "polygon": json.dumps(area.polygon) if area.polygon else "",
        }
    form = AreaForm(request.POST or None, initial=initial or {"radius_m": 500})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_area(
                    organisation=organisation,
                    name=data["name"],
                    kind=data["kind"],
                    centre_latitude=data.get("centre_latitude"),
                    centre_longitude=data.get("centre_longitude"),
                    radius_m=data.get("radius_m") or 500,
                    polygon=data.get("polygon") or [],
                    area=area,
                    actor=request.user,
                    request=request,
                )
            except services.AlertError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, "Quartier enregistré.")
                return redirect("alerts:area_list")
        status = 400
    areas = list(
        queries.areas_of(organisation, active_only=False).annotate(
            subscribers=Count("subscriptions", filter=Q(subscriptions__unsubscribed_at__isnull=True))
        )
    )
    return render(request, "alerts/backoffice/areas.html", {"form": form, "areas": areas, "area": area}, status=status)


@require_http_methods(["GET", "POST"])
@agent_required(*BROADCAST_ROLES)
def area_list(request: HttpRequest) -> HttpResponse:
    return _area_form_view(request)


@require_http_methods(["GET", "POST"])
@agent_required(*BROADCAST_ROLES)
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_form_view(request, get_area_for_agent(request, pk))
