"""Agents' side: day and week views per desk, an appointment's page (outcome, cancel, move, no-show
history), booking for someone at the counter or on the phone, statistics; and the organisation
administrators' configuration (settings, desks and their hours, types, closures and extra sessions).

Every view: decorators → gate (``parvis.appointments.access``) → form → service → message → redirect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required
from parvis.accounts.enums import Role
from parvis.appointments import queries, services
from parvis.appointments.access import (
    get_appointment_for_agent,
    get_desk_for_agent,
    get_exception_for_admin,
    get_period_for_admin,
    get_type_for_admin,
    get_type_for_booking,
    require_acting_agent,
    require_admin,
)
from parvis.appointments.enums import AppointmentStatus
from parvis.appointments.forms import (
    AgentBookingForm,
    CancelForm,
    DeskForm,
    ExceptionForm,
    OutcomeForm,
    PeriodForm,
    SettingsForm,
    SlotOnlyForm,
    TypeForm,
)
from parvis.appointments.models import Desk
from parvis.appointments.services import when_fr
from parvis.appointments.views.picker import picker_context
from parvis.audit.services import log_personal_data_view
from parvis.legal.calendars import date_fr, long_date_fr
from parvis.organisations.queries import absolute_url


def _org(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _desk_filter(request: HttpRequest) -> Desk | None:
    value = request.GET.get("guichet", "")
    return get_desk_for_agent(request, int(value)) if value.isdigit() else None


# --- Day and week views -----------------------------------------------------------------------------


@require_GET
@agent_required()
def day_view(request: HttpRequest) -> HttpResponse:
    """As an agent, I see the day's appointments per desk, and print the list."""
    day = _day(request.GET.get("jour"), timezone.localdate())
    desk = _desk_filter(request)
    appointments = list(queries.appointments_between(_org(request), day, day, desk=desk))
    all_desks = list(queries.desks(_org(request)))
    by_desk = [
        (d, [a for a in appointments if a.desk_id == d.pk]) for d in all_desks if desk is None or d.pk == desk.pk
    ]
    return render(
        request,
        "appointments/backoffice/day.html",
        {
            "day": day,
            "day_label": long_date_fr(day),
            "previous": (day - dt.timedelta(days=1)).isoformat(),
            "next": (day + dt.timedelta(days=1)).isoformat(),
            "desk": desk,
            "desks": all_desks,
            "by_desk": by_desk,
            "count": sum(1 for a in appointments if a.status != AppointmentStatus.CANCELLED),
        },
    )


@require_GET
@agent_required()
def week_view(request: HttpRequest) -> HttpResponse:
    """As an agent, I see a desk's week, day by day."""
    start = _day(request.GET.get("debut"), timezone.localdate())
    start -= dt.timedelta(days=start.weekday())
    end = start + dt.timedelta(days=6)
    desk = _desk_filter(request)
    appointments = list(queries.appointments_between(_org(request), start, end, desk=desk))
    days = []
    for offset in range(7):
        day = start + dt.timedelta(days=offset)
        days.append((day, long_date_fr(day), [a for a in appointments if timezone.localtime(a.start).date() == day]))
    return render(
        request,
        "appointments/backoffice/week.html",
        {
            "days": days,
            "desk": desk,
            "desks": queries.desks(_org(request)),
            "week_label": f"Semaine du {date_fr(start)} au {date_fr(end)}",
            "previous": (start - dt.timedelta(days=7)).isoformat(),
            "next": (start + dt.timedelta(days=7)).isoformat(),
        },
    )


# --- One appointment ---------------------------------------------------------------------------------


@require_GET
@agent_required()
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_agent(request, pk)
    log_personal_data_view(actor=request.user, request=request, obj=appointment, organisation=_org(request))
    history = list(queries.no_show_history(_org(request), appointment.contact_email).exclude(pk=appointment.pk)[:20])
    return render(
        request,
        "appointments/backoffice/detail.html",
        {
            "appointment": appointment,
            "when": when_fr(appointment.start),
            "history": history,
            "outcome_form": OutcomeForm(),
            "cancel_form": CancelForm(),
            "past": appointment.start <= timezone.now(),
        },
    )


@require_POST
@agent_required()
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_agent(request, pk, write=True)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.record_outcome(appointment=appointment, status=form.cleaned_data["status"], actor=request.user)
        except services.AppointmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Rendez-vous de {appointment.contact_name} : {appointment.get_status_display()}."
            )
    else:
        messages.error(request, "Choisissez l'issue du rendez-vous : honoré, absent ou annulé tardivement.")
    return redirect(request.POST.get("retour") or reverse("appointments:detail", args=[pk]))


@require_POST
@agent_required()
def agent_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_agent(request, pk, write=True)
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        services.cancel(
            appointment=appointment, actor=request.user, reason=form.cleaned_data.get("reason", ""), by_agent=True
        )
    except services.AppointmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Rendez-vous annulé ; l'usager est prévenu par courriel.")
    return redirect("appointments:detail", pk=pk)


@require_http_methods(["GET", "POST"])
@agent_required()
def agent_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_agent(request, pk, write=True)
    form = SlotOnlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        desk_id, start = form.cleaned_data["slot"]
        try:
            services.reschedule(
                appointment=appointment, desk_id=desk_id, start=start, actor=request.user, by_agent=True
            )
        except services.AppointmentError as exc:
            form.add_error("slot", str(exc))
        else:
            messages.success(request, "Rendez-vous déplacé ; l'usager est prévenu par courriel.")
            return redirect("appointments:detail", pk=pk)
    context = picker_context(
        request,
        appointment.appointment_type,
        for_agent=True,
        ignore_appointment_id=appointment.pk,
        chosen=request.POST.get("slot", ""),
    )
    return render(
        request,
        "appointments/backoffice/reschedule.html",
        {"appointment": appointment, "when": when_fr(appointment.start), "form": form, **context},
    )


@require_http_methods(["GET", "POST"])
@agent_required()
def agent_book(request: HttpRequest) -> HttpResponse:
    """As an agent at the counter or on the phone, I book for someone (optionally for a case)."""
    require_acting_agent(request)
    kinds = list(queries.bookable_types(_org(request)))
    slug = request.POST.get("type") or request.GET.get("type")
    kind = get_type_for_booking(request, slug, by_agent=True) if slug else None
    reference = (request.POST.get("case_reference") or request.GET.get("dossier") or "").strip()
    form = AgentBookingForm(request.POST or None, initial={"case_reference": reference})
    if kind is not None and request.method == "POST" and form.is_valid():
        case = None
        if form.cleaned_data["case_reference"]:
            from parvis.cases.access import cases_visible_to_agent

            case = cases_visible_to_agent(request).filter(reference=form.cleaned_data["case_reference"]).first()
            if case is None:
                form.add_error("case_reference", "Aucune demande de votre collectivité ne porte cette référence.")
        if not form.errors:
            desk_id, start = form.cleaned_data["slot"]
            try:
                booked = services.book(
                    appointment_type=kind,
                    desk_id=desk_id,
                    start=start,
                    contact_name=form.cleaned_data["contact_name"],
                    contact_email=form.cleaned_data["contact_email"],
                    contact_phone=form.cleaned_data["contact_phone"],
                    case=case,
                    channel=form.cleaned_data["channel"],
                    by_agent=True,
                    actor=request.user,
                )
            except services.AppointmentError as exc:
                field = exc.field if exc.field in form.fields else ("contact_phone" if exc.field == "phone" else None)
                form.add_error(field, str(exc))
            else:
                messages.success(
                    request, f"Rendez-vous réservé le {when_fr(booked.appointment.start)} ; confirmation envoyée."
                )
                return redirect("appointments:detail", pk=booked.appointment.pk)
    context: dict[str, Any] = {"types": kinds, "type": kind, "form": form, "reference": reference}
    if kind is not None:
        extra = {"type": kind.slug}
        if reference:
            extra["dossier"] = reference
        context |= picker_context(request, kind, for_agent=True, extra_query=extra, chosen=request.POST.get("slot", ""))
    return render(request, "appointments/backoffice/book.html", context)


# --- Statistics --------------------------------------------------------------------------------------


@require_GET
@agent_required()
def statistics(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    first = _day(request.GET.get("du"), today - dt.timedelta(days=30))
    last = _day(request.GET.get("au"), today)
    if last < first:
        first, last = last, first
    last = min(last, first + dt.timedelta(days=366))
    now = timezone.now()
    return render(
        request,
        "appointments/backoffice/statistics.html",
        {
            "first": first,
            "last": last,
            "period": f"du {date_fr(first)} au {date_fr(last)}",
            "occupancy": queries.occupancy(_org(request), first, last),
            "lead_times": [(row, row.days(now)) for row in queries.lead_times(_org(request), now=now)],
            "outcomes": queries.outcomes(_org(request), first, last, now=now),
            "cancellations": queries.cancellations_by_type(_org(request), first, last),
        },
    )


# --- Configuration (administrators) ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def settings_page(request: HttpRequest) -> HttpResponse:
    organisation = _org(request)
    current = services.settings_for(organisation)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.save_settings(organisation=organisation, data=form.cleaned_data, actor=request.user)
        messages.success(request, "Réglages des rendez-vous enregistrés.")
        return redirect("appointments:settings")
    return render(
        request,
        "appointments/backoffice/settings.html",
        {
            "form": form,
            "desks": queries.desks(organisation),
            "types": queries.types(organisation).prefetch_related("desks"),
            "exceptions": queries.upcoming_exceptions(organisation),
            "sms_used": services.sms_used_this_month(organisation),
            "sms_budget": current.sms_monthly_budget,
        },
    )


@require_http_methods(["GET", "POST"])
@agent_required()
def desk_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    desk = get_desk_for_agent(request, pk) if pk is not None else None
    require_admin(request)
    form = DeskForm(request.POST or None, instance=desk)
    if request.method == "POST" and form.is_valid():
        saved = services.save_desk(organisation=_org(request), desk=desk, data=form.cleaned_data, actor=request.user)
        messages.success(request, f"Guichet « {saved.name} » enregistré.")
        return redirect("appointments:desk_edit", pk=saved.pk)
    context: dict[str, Any] = {"form": form, "desk": desk}
    if desk is not None:
        context["periods"] = desk.opening_periods.all()
        context["period_form"] = PeriodForm(prefix="plage")
        context["feed_url"] = absolute_url(_org(request), reverse("appointments:feed", args=[desk.feed_token]))
    return render(request, "appointments/backoffice/desk_form.html", context)


@require_POST
@agent_required()
def period_add(request: HttpRequest, pk: int) -> HttpResponse:
    desk = get_desk_for_agent(request, pk)
    require_admin(request)
    form = PeriodForm(request.POST, prefix="plage")
    if form.is_valid():
        try:
            services.add_opening_period(desk=desk, actor=request.user, **form.cleaned_data)
        except services.AppointmentError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, "Plage d'ouverture ajoutée.")
            return redirect("appointments:desk_edit", pk=desk.pk)
    return render(
        request,
        "appointments/backoffice/desk_form.html",
        {
            "form": DeskForm(instance=desk),
            "desk": desk,
            "periods": desk.opening_periods.all(),
            "period_form": form,
            "feed_url": absolute_url(_org(request), reverse("appointments:feed", args=[desk.feed_token])),
        },
    )


@require_POST
@agent_required()
def period_delete(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    desk = get_desk_for_agent(request, pk)
    require_admin(request)
    services.remove_opening_period(period=get_period_for_admin(request, desk, period_pk), actor=request.user)
    messages.success(request, "Plage d'ouverture retirée.")
    return redirect("appointments:desk_edit", pk=desk.pk)


@require_POST
@agent_required()
def feed_renew(request: HttpRequest, pk: int) -> HttpResponse:
    desk = get_desk_for_agent(request, pk)
    require_admin(request)
    services.renew_feed_token(desk=desk, actor=request.user)
    messages.success(request, "Nouvelle adresse du flux créée ; l'ancienne ne fonctionne plus.")
    return redirect("appointments:desk_edit", pk=desk.pk)


@require_http_methods(["GET", "POST"])
@agent_required()
def type_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    kind = get_type_for_admin(request, pk) if pk is not None else None
    require_admin(request)
    form = TypeForm(request.POST or None, instance=kind, organisation=_org(request))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "desks"}
        try:
            saved = services.save_type(
                organisation=_org(request),
                appointment_type=kind,
                data=data,
                desks=list(form.cleaned_data["desks"]),
                actor=request.user,
            )
        except services.AppointmentError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, f"Type de rendez-vous « {saved.name} » enregistré.")
            return redirect("appointments:settings")
    return render(request, "appointments/backoffice/type_form.html", {"form": form, "type": kind})


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def exception_add(request: HttpRequest) -> HttpResponse:
    """As an administrator, I close a day (every affected resident is told) or add an extra session."""
    form = ExceptionForm(request.POST or None, organisation=_org(request))
    if request.method == "POST" and form.is_valid():
        try:
            _, cancelled = services.add_exception(organisation=_org(request), actor=request.user, **form.cleaned_data)
        except services.AppointmentError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            text = "Exception enregistrée."
            if cancelled:
                plural = "s" if len(cancelled) > 1 else ""
                text += f" {len(cancelled)} rendez-vous annulé{plural} ; chaque usager est prévenu par courriel."
            messages.success(request, text)
            return redirect("appointments:settings")
    return render(request, "appointments/backoffice/exception_form.html", {"form": form})


@require_POST
@agent_required()
def exception_delete(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_exception_for_admin(request, pk)
    require_admin(request)
    services.remove_exception(exception=exception, actor=request.user)
    messages.success(request, "Exception retirée.")
    return redirect("appointments:settings")
