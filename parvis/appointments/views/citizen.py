"""Residents' side: choose a type and a slot, book with or without an account, manage the
appointment through the link of the confirmation (no login), the waiting list and its offers,
and the desks' calendar feeds (token in the URL, for agents' calendar software)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import organisation_required
from parvis.appointments import services
from parvis.appointments.access import (
    get_appointment_by_token,
    get_desk_by_feed_token,
    get_offer_by_token,
    get_type_for_booking,
)
from parvis.appointments.forms import BookingForm, OfferForm, SlotOnlyForm, WaitingForm
from parvis.appointments.ical import desk_feed
from parvis.appointments.models import Appointment
from parvis.appointments.queries import feed_appointments, online_types
from parvis.appointments.services import when_fr
from parvis.appointments.views.picker import picker_context


def _manage_url(token: str) -> str:
    return reverse("appointments:manage", args=[token])


def _form_error(form: Any, exc: services.AppointmentError) -> None:
    field = exc.field if exc.field in form.fields else None
    if exc.field == "phone" and "contact_phone" in form.fields:
        field = "contact_phone"
    form.add_error(field, str(exc))


@require_GET
@organisation_required
def type_list(request: HttpRequest) -> HttpResponse:
    """As a resident, I see what I can book an appointment for."""
    kinds = online_types(request.organisation)  # type: ignore[attr-defined]
    return render(request, "appointments/citizen/types.html", {"types": kinds})


def _linked_case(request: HttpRequest, kind: Any) -> Any:
    """The case this booking is a step of: the link sent by the ``request_appointment`` workflow action
    (``?rdv=<token>``, no account needed), or a case of the logged-in requester named by ``?dossier=``."""
    token = request.GET.get("rdv") or request.POST.get("rdv")
    if token:
        row = services.appointment_request_by_token(request.organisation, token)  # type: ignore[attr-defined]
        if row is None or row.appointment_type_id != kind.pk:
            raise Http404(
                "Ce lien de rendez-vous n'est plus valable : le rendez-vous a déjà été pris ou la demande est close."
            )
        return row.case
    reference = request.GET.get("dossier") or request.POST.get("dossier")
    if not reference or not request.user.is_authenticated:
        return None
    from parvis.cases.access import get_case_for_citizen

    return get_case_for_citizen(request, reference)


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def book(request: HttpRequest, slug: str) -> HttpResponse:
    """As a resident, on a phone, I pick a day then a time and leave my contact details."""
    kind = get_type_for_booking(request, slug)
    case = _linked_case(request, kind)
    link_token = request.GET.get("rdv") or request.POST.get("rdv") or ""
    initial = {}
    if case is not None and link_token:
        initial = {
            "contact_name": case.requester_name,
            "contact_email": case.requester_email,
            "contact_phone": case.requester_phone,
        }
    elif request.user.is_authenticated:
        initial = {
            "contact_name": request.user.get_full_name(),  # type: ignore[union-attr]
            "contact_email": request.user.email,  # type: ignore[union-attr]
            "contact_phone": getattr(request.user, "phone", ""),
        }
    form = BookingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        desk_id, start = form.cleaned_data["slot"]
        try:
            booked = services.book(
                appointment_type=kind,
                desk_id=desk_id,
                start=start,
                contact_name=form.cleaned_data["contact_name"],
                contact_email=form.cleaned_data["contact_email"],
                contact_phone=form.cleaned_data["contact_phone"],
                user=request.user,
                case=case,
                actor=request.user,
            )
        except services.AppointmentError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                f"Rendez-vous confirmé le {when_fr(booked.appointment.start)}. Un courriel de confirmation "
                f"vous est envoyé à {booked.appointment.contact_email}.",
            )
            return redirect(_manage_url(booked.token))
    extra = {"rdv": link_token} if link_token else {"dossier": case.reference} if case else {}
    context = picker_context(request, kind, extra_query=extra, chosen=request.POST.get("slot", ""))
    query = urlencode(extra)
    return render(
        request,
        "appointments/citizen/book.html",
        {"type": kind, "form": form, "case": case, "query": query, **context},
    )


@never_cache
@require_GET
@organisation_required
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """As a resident with the link of my confirmation, I see my appointment and can change it."""
    appointment = get_appointment_by_token(request, token)
    return render(
        request,
        "appointments/citizen/manage.html",
        {"appointment": appointment, "token": token, "when": when_fr(appointment.start)},
    )


@require_POST
@organisation_required
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    appointment = get_appointment_by_token(request, token)
    try:
        services.cancel(appointment=appointment, actor=request.user)
    except services.AppointmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Votre rendez-vous est annulé. Un courriel vous le confirme.")
    return redirect(_manage_url(token))


@require_POST
@organisation_required
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    appointment = get_appointment_by_token(request, token)
    services.opt_out_of_reminders(appointment=appointment, actor=request.user)
    messages.success(request, "Vous ne recevrez plus de rappels pour ce rendez-vous.")
    return redirect(_manage_url(token))


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    """As a resident, I move my appointment to another free slot of the same type."""
    appointment = get_appointment_by_token(request, token)
    if not appointment.is_active:
        messages.error(request, "Ce rendez-vous n'est plus actif : il ne peut pas être déplacé.")
        return redirect(_manage_url(token))
    form = SlotOnlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        desk_id, start = form.cleaned_data["slot"]
        try:
            booked = services.reschedule(appointment=appointment, desk_id=desk_id, start=start, actor=request.user)
        except services.AppointmentError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"Rendez-vous déplacé au {when_fr(booked.appointment.start)}.")
            return redirect(_manage_url(token))
    context = picker_context(
        request, appointment.appointment_type, ignore_appointment_id=appointment.pk, chosen=request.POST.get("slot", "")
    )
    return render(
        request,
        "appointments/citizen/reschedule.html",
        {"appointment": appointment, "token": token, "when": when_fr(appointment.start), "form": form, **context},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def waiting_list(request: HttpRequest, slug: str) -> HttpResponse:
    """As a resident who finds no slot, I leave my email to be offered the first freed one."""
    kind = get_type_for_booking(request, slug)
    form = WaitingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.join_waiting_list(
            appointment_type=kind, name=form.cleaned_data["name"], email=form.cleaned_data["email"], actor=request.user
        )
        messages.success(
            request,
            "Vous êtes sur la liste d'attente. Dès qu'un créneau se libère, nous vous l'écrivons : "
            "il vous sera réservé quelques heures.",
        )
        return redirect("appointments:book", slug=kind.slug)
    return render(request, "appointments/citizen/waiting_list.html", {"type": kind, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def offer(request: HttpRequest, token: str) -> HttpResponse:
    """As a resident on the waiting list, I take the slot offered to me by email."""
    entry = get_offer_by_token(request, token)
    form = OfferForm(request.POST or None, initial={"contact_name": entry.name, "contact_email": entry.email})
    assert entry.offer_start is not None and entry.offer_desk is not None
    if request.method == "POST" and form.is_valid():
        try:
            booked = services.book(
                appointment_type=entry.appointment_type,
                desk_id=entry.offer_desk.pk,
                start=entry.offer_start,
                contact_name=form.cleaned_data["contact_name"],
                contact_email=form.cleaned_data["contact_email"],
                contact_phone=form.cleaned_data["contact_phone"],
                user=request.user,
                offer=entry,
                actor=request.user,
            )
        except services.AppointmentError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"Rendez-vous confirmé le {when_fr(booked.appointment.start)}.")
            return redirect(_manage_url(booked.token))
    return render(
        request,
        "appointments/citizen/offer.html",
        {"entry": entry, "form": form, "when": when_fr(entry.offer_start), "expires": when_fr(entry.offer_expires_at)}
        if entry.offer_expires_at
        else {"entry": entry, "form": form, "when": when_fr(entry.offer_start)},
    )


@require_GET
@organisation_required
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A desk's appointments as a read-only iCalendar feed (the token is the credential)."""
    desk = get_desk_by_feed_token(request, token)
    appointments: list[Appointment] = list(feed_appointments(desk))
    if desk.organisation_id != request.organisation.pk:  # type: ignore[attr-defined]
        raise Http404
    response = HttpResponse(desk_feed(desk, appointments), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rendez-vous.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
