"""Every change to appointments: configuration, booking, changes, outcomes, waiting list, reminders.

Each function is keyword-only, atomic, takes an explicit ``actor`` and journals what it did.
Messages leave through the outbox (``queue_message``) once the transaction commits.

No double booking: ``book`` and ``reschedule`` lock the desk row (``SELECT ... FOR UPDATE``), then
compute the slot's free seats again from the database. Two concurrent requests for the last seat
of a desk are therefore served in turn: the second sees the seat taken and gets ``SlotTaken``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from parvis.appointments.enums import AppointmentStatus, BookingChannel, ExceptionKind, WaitingStatus
from parvis.appointments.ical import appointment_ics
from parvis.appointments.models import (
    AgendaException,
    Appointment,
    AppointmentRequest,
    AppointmentSettings,
    AppointmentToken,
    AppointmentType,
    Desk,
    OpeningPeriod,
    ReminderSent,
    WaitingEntry,
)
from parvis.appointments.slots import Planner, at, local_zone
from parvis.audit.services import record_event
from parvis.legal.calendars import long_date_fr
from parvis.notifications.services import Attachment, queue_message
from parvis.notifications.sms import InvalidPhoneNumber, normalise_phone
from parvis.organisations.models import Organisation
from parvis.organisations.queries import absolute_url

logger = logging.getLogger(__name__)

SLOT_TAKEN = "Ce créneau vient d'être réservé par quelqu'un d'autre. Choisissez un autre créneau, s'il vous plaît."
NO_SHOW_WINDOW = dt.timedelta(days=365)


class AppointmentError(Exception):
    """A French message for the user: the action is refused as asked."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SlotTaken(AppointmentError):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def when_fr(moment: dt.datetime) -> str:
    """``mardi 3 mars 2026 à 9 h 30``."""
    local = timezone.localtime(moment, local_zone())
    return f"{long_date_fr(local.date())} à {local.hour} h {local.minute:02d}"


def settings_for(organisation: Organisation) -> AppointmentSettings:
    found, _ = AppointmentSettings.objects.get_or_create(organisation=organisation)
    return found


# --- Configuration (organisation administrators) -------------------------------------------------


@transaction.atomic
def save_settings(*, organisation: Organisation, data: dict[str, Any], actor: Any) -> AppointmentSettings:
    current = settings_for(organisation)
    before = {key: getattr(current, key) for key in data}
    for key, value in data.items():
        setattr(current, key, value)
    current.full_clean()
    current.save()
    record_event(
        action="appointments.settings_changed",
        actor=actor,
        organisation=organisation,
        obj=current,
        before=before,
        after={key: getattr(current, key) for key in data},
    )
    return current


@transaction.atomic
def save_desk(*, organisation: Organisation, desk: Desk | None, data: dict[str, Any], actor: Any) -> Desk:
    created = desk is None
    if desk is None:
        desk = Desk(organisation=organisation, feed_token=secrets.token_urlsafe(24))
    if desk.organisation_id != organisation.pk:
        raise AppointmentError("Ce guichet appartient à une autre collectivité.")
    for key in ("name", "location", "is_active"):
        if key in data:
            setattr(desk, key, data[key])
    desk.save()
    record_event(
        action="appointments.desk_created" if created else "appointments.desk_changed",
        actor=actor,
        organisation=organisation,
        obj=desk,
        after={"name": desk.name, "location": desk.location, "is_active": desk.is_active},
    )
    return desk


@transaction.atomic
def renew_feed_token(*, desk: Desk, actor: Any) -> Desk:
    desk.feed_token = secrets.token_urlsafe(24)
    desk.save(update_fields=["feed_token"])
    record_event(action="appointments.feed_token_renewed", actor=actor, organisation=desk.organisation, obj=desk)
    return desk


@transaction.atomic
def add_opening_period(*, desk: Desk, weekday: int, start: dt.time, end: dt.time, actor: Any) -> OpeningPeriod:
    if start >= end:
        raise AppointmentError("L'heure de fin doit être après l'heure de début.", field="end")
    for period in desk.opening_periods.filter(weekday=weekday):
        if period.start < end and start < period.end:
            raise AppointmentError(f"Cette plage chevauche la plage existante {period}.", field="start")
    period = OpeningPeriod.objects.create(desk=desk, weekday=weekday, start=start, end=end)
    record_event(
        action="appointments.opening_added",
        actor=actor,
        organisation=desk.organisation,
        obj=desk,
        after={"period": str(period)},
    )
    return period


@transaction.atomic
def remove_opening_period(*, period: OpeningPeriod, actor: Any) -> None:
    desk = period.desk
    label = str(period)
    period.delete()
    record_event(
        action="appointments.opening_removed",
        actor=actor,
        organisation=desk.organisation,
        obj=desk,
        before={"period": label},
    )


@transaction.atomic
def save_type(
    *,
    organisation: Organisation,
    appointment_type: AppointmentType | None,
    data: dict[str, Any],
    desks: list[Desk],
    actor: Any,
) -> AppointmentType:
    created = appointment_type is None
    if appointment_type is None:
        appointment_type = AppointmentType(organisation=organisation)
    if any(desk.organisation_id != organisation.pk for desk in desks):
        raise AppointmentError("Un des guichets appartient à une autre collectivité.", field="desks")
    for key, value in data.items():
        setattr(appointment_type, key, value)
    if (
        AppointmentType.objects.filter(organisation=organisation, slug=appointment_type.slug)
        .exclude(pk=appointment_type.pk)
        .exists()
    ):
        raise AppointmentError("Un autre type de rendez-vous porte déjà cet identifiant.", field="slug")
    appointment_type.save()
    appointment_type.desks.set(desks)
    record_event(
        action="appointments.type_created" if created else "appointments.type_changed",
        actor=actor,
        organisation=organisation,
        obj=appointment_type,
        after={**{k: str(v) for k, v in data.items()}, "desks": [d.name for d in desks]},
    )
    return appointment_type


@transaction.atomic
def add_exception(
    *,
    organisation: Organisation,
    kind: str,
    day: dt.date,
    desk: Desk | None = None,
    start: dt.time | None = None,
    end: dt.time | None = None,
    reason: str = "",
    actor: Any,
) -> tuple[AgendaException, list[Appointment]]:
    """Add a closure or an extra session. A closure cancels the appointments it covers and tells
    every affected resident by email. Returns the exception and the cancelled appointments."""
    if desk is not None and desk.organisation_id != organisation.pk:
        raise AppointmentError("Ce guichet appartient à une autre collectivité.", field="desk")
    if (start is None) != (end is None):
        raise AppointmentError("Indiquez l'heure de début et l'heure de fin, ou aucune pour la journée entière.")
    if start is not None and end is not None and start >= end:
        raise AppointmentError("L'heure de fin doit être après l'heure de début.", field="end")
    if kind == ExceptionKind.EXTRA and start is None:
        raise AppointmentError("Une séance supplémentaire a une heure de début et une heure de fin.", field="start")
    exception = AgendaException.objects.create(
        organisation=organisation, kind=kind, day=day, desk=desk, start=start, end=end, reason=reason
    )
    record_event(
        action="appointments.exception_added",
        actor=actor,
        organisation=organisation,
        obj=exception,
        after={"kind": kind, "day": day.isoformat(), "desk": desk.name if desk else "", "reason": reason},
    )
    cancelled: list[Appointment] = []
    if kind == ExceptionKind.CLOSURE:
        affected = Appointment.objects.filter(
            organisation=organisation,
            status=AppointmentStatus.BOOKED,
            start__lt=at(day, end) if end else at(day + dt.timedelta(days=1), dt.time.min),
            end__gt=at(day, start) if start else at(day, dt.time.min),
        ).select_related("appointment_type", "desk", "organisation")
        if desk is not None:
            affected = affected.filter(desk=desk)
        for appointment in affected.select_for_update(of=("self",)):
            reason_text = f"fermeture exceptionnelle{f' ({reason})' if reason else ''}"
            _cancel(appointment, actor=actor, reason=reason_text, by_organisation=True, offer=False)
            cancelled.append(appointment)
    return exception, cancelled


@transaction.atomic
def remove_exception(*, exception: AgendaException, actor: Any) -> None:
    record_event(
        action="appointments.exception_removed",
        actor=actor,
        organisation=exception.organisation,
        obj=exception,
        before={"kind": exception.kind, "day": exception.day.isoformat()},
    )
    exception.delete()


# --- Booking --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    token: str  # shown once: the link to manage the appointment

    @property
    def manage_path(self) -> str:
        return f"/rendez-vous/gerer/{self.token}/"


def no_show_count(organisation: Organisation, email: str, *, now: dt.datetime | None = None) -> int:
    since = (now or timezone.now()) - NO_SHOW_WINDOW
    return Appointment.objects.filter(
        organisation=organisation, contact_email__iexact=email, status=AppointmentStatus.NO_SHOW, start__gte=since
    ).count()


def _lock_desk(organisation: Organisation, desk_id: int) -> Desk:
    desk = Desk.objects.select_for_update().filter(organisation=organisation, pk=desk_id, is_active=True).first()
    if desk is None:
        raise AppointmentError("Ce guichet n'existe pas ou n'est plus ouvert.", field="slot")
    return desk


@transaction.atomic
def book(
    *,
    appointment_type: AppointmentType,
    desk_id: int,
    start: dt.datetime,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    user: Any = None,
    case: Any = None,
    channel: str = BookingChannel.WEB,
    by_agent: bool = False,
    offer: WaitingEntry | None = None,
    actor: Any,
    now: dt.datetime | None = None,
) -> Booked:
    """Book a seat. Residents book online types within the notice and advance limits; agents book any
    type at any future free slot. Raises ``SlotTaken`` when the seat is gone, ``AppointmentError`` else."""
    organisation = appointment_type.organisation
    now = now or timezone.now()
    if not appointment_type.is_active:
        raise AppointmentError("Ce type de rendez-vous n'est plus proposé.")
    if not by_agent and not appointment_type.online:
        raise AppointmentError("Ce rendez-vous se prend auprès de l'accueil de la mairie, pas en ligne.")
    if case is not None and case.organisation_id != organisation.pk:
        raise AppointmentError("Cette demande appartient à une autre collectivité.")
    contact_phone = _clean_phone(contact_phone)
    if not by_agent:
        limit = settings_for(organisation).no_show_limit
        if limit and no_show_count(organisation, contact_email, now=now) >= limit:
            raise AppointmentError(
                "La réservation en ligne n'est plus possible après plusieurs rendez-vous non honorés. "
                "Contactez l'accueil de la mairie pour prendre rendez-vous.",
            )
    desk = _lock_desk(organisation, desk_id)
    planner = Planner(
        appointment_type,
        timezone.localtime(start).date(),
        timezone.localtime(start).date(),
        now=now,
        for_agent=by_agent,
        ignore_offer_id=offer.pk if offer else None,
        desks=[desk] if appointment_type.desks.filter(pk=desk.pk).exists() else [],
    )
    if planner.find(desk.pk, start) is None:
        raise SlotTaken(SLOT_TAKEN, field="slot")
    appointment = Appointment.objects.create(
        organisation=organisation,
        appointment_type=appointment_type,
        desk=desk,
        start=start,
        end=start + appointment_type.duration,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone,
        user=user if getattr(user, "is_authenticated", False) else None,
        case=case,
        channel=channel,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    token = issue_token(appointment)
    if offer is not None:
        offer.status = WaitingStatus.BOOKED
        offer.save(update_fields=["status"])
    record_event(
        action="appointments.booked",
        actor=actor,
        organisation=organisation,
        obj=appointment,
        after={
            "type": appointment_type.name,
            "desk": desk.name,
            "start": start.isoformat(),
            "channel": channel,
            "case": case.reference if case is not None else "",
        },
    )
    _send(appointment, "appointment.confirmed", token=token, actor=actor)
    if case is not None:
        _after_case_booking(appointment, actor=actor)
    return Booked(appointment, token)


def request_link(request_row: AppointmentRequest, token: str) -> str:
    from django.urls import reverse

    path = reverse("appointments:book", kwargs={"slug": request_row.appointment_type.slug})
    return absolute_url(request_row.organisation, f"{path}?rdv={token}")


@transaction.atomic
def request_appointment_for_case(
    *, case: Any, type_slug: str, booked_transition: str, actor: Any, notify: bool = True
) -> AppointmentRequest:
    """The ``request_appointment`` workflow action: the requester is sent a link to book an appointment
    of that type for the case (no account needed); booking it moves the case on (``booked_transition``)."""
    from parvis.cases.enums import EventKind
    from parvis.cases.services import CaseError, _add_event, message_citizen

    organisation = case.organisation
    kind = AppointmentType.objects.filter(
        organisation__in=[organisation.pk, *([organisation.parent_id] if organisation.parent_id else [])],
        slug=type_slug,
        is_active=True,
    ).first()
    if kind is None:
        raise CaseError(
            f"Le circuit demande un rendez-vous « {type_slug} », type qui n'existe pas (ou plus) dans "
            f"{organisation.name}. Créez-le ou corrigez le circuit de la démarche."
        )
    pending = AppointmentRequest.objects.filter(case=case, appointment_type=kind, appointment__isnull=True).first()
    if pending is not None:
        pending.delete()  # a new link replaces the one not used (only one is valid)
    token, token_hash = new_token()
    row = AppointmentRequest.objects.create(
        organisation=organisation,
        case=case,
        appointment_type=kind,
        booked_transition=booked_transition,
        token_hash=token_hash,
    )
    text = (
        f"Pour poursuivre votre demande {case.reference}, prenez rendez-vous « {kind.name} » "
        f"en choisissant un créneau à cette adresse :\n{request_link(row, token)}"
    )
    if kind.document_list():
        text += "\n\nÀ apporter :\n" + "\n".join(f"- {doc}" for doc in kind.document_list())
    if notify and (case.requester_email or case.requester_id):
        message_citizen(case=case, text=text, actor=actor)
    else:
        _add_event(
            case,
            kind=EventKind.MESSAGE_TO_CITIZEN,
            title="Rendez-vous à prendre",
            actor=actor,
            body=f"Un rendez-vous « {kind.name} » est à prendre pour poursuivre la demande.",
            data={"appointment_request": row.pk, "automatic": True},
        )
    record_event(
        action="appointments.requested_for_case",
        actor=actor,
        organisation=organisation,
        obj=case,
        after={"type": kind.slug, "booked_transition": booked_transition},
    )
    return row


def appointment_request_by_token(organisation: Organisation, token: str) -> AppointmentRequest | None:
    """An unused booking link of this organisation (None when unknown, used, or the case is closed)."""
    if not token or len(token) > 100:
        return None
    return (
        AppointmentRequest.objects.select_related("case", "appointment_type")
        .filter(
            organisation=organisation,
            token_hash=hash_token(token),
            appointment__isnull=True,
            case__is_open=True,
        )
        .first()
    )


def _after_case_booking(appointment: Appointment, *, actor: Any) -> None:
    """An appointment booked for a case: the case's timeline says so and, when the workflow asked for
    it, the case moves on by itself."""
    from parvis.cases.enums import EventKind
    from parvis.cases.services import CaseError, IllegalTransition, _add_event, apply_transition

    case = appointment.case
    if case is None:
        return
    _add_event(
        case,
        kind=EventKind.LINKED,
        title="Rendez-vous pris",
        actor=actor,
        body=f"{appointment.appointment_type.name} le {when_fr(appointment.start)} ({appointment.desk.name}).",
        data={"appointment": appointment.pk},
    )
    pending = list(
        AppointmentRequest.objects.select_for_update().filter(
            case=case, appointment_type=appointment.appointment_type, appointment__isnull=True
        )
    )
    for row in pending:
        row.appointment, row.booked_at = appointment, timezone.now()
        row.save(update_fields=["appointment", "booked_at"])
        if row.booked_transition:
            try:
                with transaction.atomic():
                    apply_transition(
                        case=case,
                        transition_key=row.booked_transition,
                        actor=None,
                        comment=f"Rendez-vous pris pour le {when_fr(appointment.start)}.",
                    )
            except (CaseError, IllegalTransition):
                logger.warning("Appointment %s booked, but case %s could not move on", appointment.pk, case.pk)


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if not phone:
        return ""
    try:
        normalise_phone(phone)
    except InvalidPhoneNumber as exc:
        raise AppointmentError(
            "Numéro de téléphone invalide : indiquez un numéro français, par exemple 06 12 34 56 78.", field="phone"
        ) from exc
    return phone


def _context(appointment: Appointment, *, token: str | None = None, **extra: Any) -> dict[str, Any]:
    kind = appointment.appointment_type
    context: dict[str, Any] = {
        "organisation_name": appointment.organisation.name,
        "contact_name": appointment.contact_name,
        "type": kind.name,
        "when": when_fr(appointment.start),
        "desk": appointment.desk.name,
        "location": appointment.desk.location or appointment.organisation.postal_address,
        "documents": "\n".join(f"- {doc}" for doc in kind.document_list()),
        "instructions": kind.instructions,
    }
    if token:
        context["manage_link"] = absolute_url(appointment.organisation, f"/rendez-vous/gerer/{token}/")
    context.update(extra)
    return context


def _send(appointment: Appointment, event: str, *, token: str | None, actor: Any, **extra: Any) -> None:
    queue_message(
        organisation=appointment.organisation,
        event=event,
        to=appointment.contact_email,
        context=_context(appointment, token=token, **extra),
        actor=actor,
        related=appointment,
        attachments=[
            Attachment(name="rendez-vous.ics", content_type="text/calendar", content=appointment_ics(appointment))
        ],
    )


# --- Changes --------------------------------------------------------------------------------------


def issue_token(appointment: Appointment) -> str:
    """A new link token for ``appointment`` (its hash is stored, the token goes into one email)."""
    token, token_hash = new_token()
    AppointmentToken.objects.create(appointment=appointment, token_hash=token_hash)
    return token


def _cancel(appointment: Appointment, *, actor: Any, reason: str, by_organisation: bool, offer: bool) -> None:
    before = appointment.status
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.cancel_reason = reason[:300]
    appointment.sequence += 1
    appointment.save(update_fields=["status", "cancelled_at", "cancel_reason", "sequence"])
    record_event(
        action="appointments.cancelled",
        actor=actor,
        organisation=appointment.organisation,
        obj=appointment,
        before={"status": before},
        after={"status": appointment.status, "reason": reason, "by_organisation": by_organisation},
    )
    _send(appointment, "appointment.cancelled", token=None, actor=actor, reason=reason)
    if offer and appointment.start > timezone.now():
        offer_freed_slot(
            appointment_type=appointment.appointment_type, desk=appointment.desk, start=appointment.start, actor=actor
        )


@transaction.atomic
def cancel(*, appointment: Appointment, actor: Any, reason: str = "", by_agent: bool = False) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("appointment_type", "desk", "organisation")
        .get(pk=appointment.pk)
    )
    if appointment.status != AppointmentStatus.BOOKED:
        raise AppointmentError("Ce rendez-vous n'est plus actif : il ne peut pas être annulé.")
    if appointment.start <= timezone.now() and not by_agent:
        raise AppointmentError("Ce rendez-vous est passé : il ne peut plus être annulé en ligne.")
    default = "annulé par le service" if by_agent else "annulé à votre demande"
    _cancel(appointment, actor=actor, reason=reason or default, by_organisation=by_agent, offer=True)
    return appointment


@transaction.atomic
def reschedule(
    *,
    appointment: Appointment,
    desk_id: int,
    start: dt.datetime,
    actor: Any,
    by_agent: bool = False,
    now: dt.datetime | None = None,
) -> Booked:
    """Move an appointment to another free slot of the same type. A new link replaces the old one."""
    now = now or timezone.now()
    organisation = appointment.organisation
    desk = _lock_desk(organisation, desk_id)
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("appointment_type", "desk", "organisation")
        .get(pk=appointment.pk)
    )
    if appointment.status != AppointmentStatus.BOOKED:
        raise AppointmentError("Ce rendez-vous n'est plus actif : il ne peut pas être déplacé.")
    if appointment.start <= now and not by_agent:
        raise AppointmentError("Ce rendez-vous est passé : il ne peut plus être déplacé en ligne.")
    kind = appointment.appointment_type
    day = timezone.localtime(start).date()
    planner = Planner(
        kind,
        day,
        day,
        now=now,
        for_agent=by_agent,
        ignore_appointment_id=appointment.pk,
        desks=[desk] if kind.desks.filter(pk=desk.pk).exists() else [],
    )
    if planner.find(desk.pk, start) is None:
        raise SlotTaken(SLOT_TAKEN, field="slot")
    old_start, old_desk = appointment.start, appointment.desk
    appointment.desk, appointment.start, appointment.end = desk, start, start + kind.duration
    appointment.sequence += 1
    appointment.save(update_fields=["desk", "start", "end", "sequence"])
    token = issue_token(appointment)
    record_event(
        action="appointments.rescheduled",
        actor=actor,
        organisation=organisation,
        obj=appointment,
        before={"start": old_start.isoformat(), "desk": old_desk.name},
        after={"start": start.isoformat(), "desk": desk.name},
    )
    _send(appointment, "appointment.rescheduled", token=token, actor=actor, previous=when_fr(old_start))
    if old_start > now:
        offer_freed_slot(appointment_type=kind, desk=old_desk, start=old_start, actor=actor)
    return Booked(appointment, token)


@transaction.atomic
def record_outcome(*, appointment: Appointment, status: str, actor: Any) -> Appointment:
    """After the day, an agent marks the appointment honoured, missed (no-show) or cancelled late."""
    if status not in (AppointmentStatus.HONOURED, AppointmentStatus.NO_SHOW, AppointmentStatus.LATE_CANCELLED):
        raise AppointmentError("Choisissez : honoré, absent ou annulé tardivement.", field="status")
    if appointment.status == AppointmentStatus.CANCELLED:
        raise AppointmentError("Ce rendez-vous a été annulé à temps : il n'a pas d'issue à noter.")
    if appointment.start > timezone.now() and status != AppointmentStatus.LATE_CANCELLED:
        raise AppointmentError("Le rendez-vous n'a pas encore eu lieu.", field="status")
    before = appointment.status
    appointment.status = status
    appointment.save(update_fields=["status"])
    record_event(
        action="appointments.outcome",
        actor=actor,
        organisation=appointment.organisation,
        obj=appointment,
        before={"status": before},
        after={"status": status},
    )
    return appointment


@transaction.atomic
def opt_out_of_reminders(*, appointment: Appointment, actor: Any) -> Appointment:
    if not appointment.reminders_opt_out:
        appointment.reminders_opt_out = True
        appointment.save(update_fields=["reminders_opt_out"])
        record_event(
            action="appointments.reminders_opt_out", actor=actor, organisation=appointment.organisation, obj=appointment
        )
    return appointment


# --- Waiting list ---------------------------------------------------------------------------------


@transaction.atomic
def join_waiting_list(*, appointment_type: AppointmentType, name: str, email: str, actor: Any) -> WaitingEntry:
    existing = WaitingEntry.objects.filter(
        appointment_type=appointment_type,
        email__iexact=email.strip(),
        status__in=[WaitingStatus.WAITING, WaitingStatus.OFFERED],
    ).first()
    if existing:
        return existing
    entry = WaitingEntry.objects.create(
        organisation=appointment_type.organisation,
        appointment_type=appointment_type,
        name=name.strip(),
        email=email.strip(),
    )
    record_event(
        action="appointments.waiting_joined",
        actor=actor,
        organisation=appointment_type.organisation,
        obj=entry,
        after={"type": appointment_type.name},
    )
    return entry


@transaction.atomic
def offer_freed_slot(
    *, appointment_type: AppointmentType, desk: Desk, start: dt.datetime, actor: Any, now: dt.datetime | None = None
) -> WaitingEntry | None:
    """Offer a freed slot to the first resident waiting for this type: the slot is held for them
    for ``waiting_offer_hours``, and they get an email with a link to book it."""
    now = now or timezone.now()
    if start <= now:
        return None
    entry = (
        WaitingEntry.objects.select_for_update()
        .filter(appointment_type=appointment_type, status=WaitingStatus.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if entry is None:
        return None
    hours = settings_for(appointment_type.organisation).waiting_offer_hours
    expires = min(now + dt.timedelta(hours=hours), start)
    token, entry.offer_token_hash = new_token()
    entry.status = WaitingStatus.OFFERED
    entry.offer_desk, entry.offer_start, entry.offer_expires_at = desk, start, expires
    entry.save(update_fields=["status", "offer_desk", "offer_start", "offer_expires_at", "offer_token_hash"])
    record_event(
        action="appointments.waiting_offered",
        actor=actor,
        organisation=appointment_type.organisation,
        obj=entry,
        after={"start": start.isoformat(), "desk": desk.name, "expires": expires.isoformat()},
    )
    queue_message(
        organisation=appointment_type.organisation,
        event="appointment.waiting_offer",
        to=entry.email,
        context={
            "organisation_name": appointment_type.organisation.name,
            "contact_name": entry.name,
            "type": appointment_type.name,
            "when": when_fr(start),
            "expires": when_fr(expires),
            "offer_link": absolute_url(appointment_type.organisation, f"/rendez-vous/offre/{token}/"),
        },
        actor=actor,
        related=entry,
    )
    return entry


@transaction.atomic
def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Offers past their time go to the next resident waiting (periodic job; idempotent)."""
    now = now or timezone.now()
    expired = list(
        WaitingEntry.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=WaitingStatus.OFFERED, offer_expires_at__lte=now)
        .select_related("appointment_type__organisation", "offer_desk")
    )
    for entry in expired:
        entry.status = WaitingStatus.EXPIRED
        entry.save(update_fields=["status"])
        record_event(
            action="appointments.waiting_expired",
            organisation=entry.organisation,
            obj=entry,
            actor_label="parvis worker",
        )
        if entry.offer_desk is not None and entry.offer_start is not None:
            offer_freed_slot(
                appointment_type=entry.appointment_type,
                desk=entry.offer_desk,
                start=entry.offer_start,
                actor=None,
                now=now,
            )
    return len(expired)


# --- Reminders ------------------------------------------------------------------------------------


def sms_used_this_month(organisation: Organisation, *, now: dt.datetime | None = None) -> int:
    local = timezone.localtime(now or timezone.now())
    month_start = at(local.date().replace(day=1), dt.time.min)
    return ReminderSent.objects.filter(organisation=organisation, channel="sms", sent_at__gte=month_start).count()


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Send each due reminder once (periodic job). A reminder is due ``h`` hours before the
    appointment if the appointment was booked before that moment. The SMS goes only while the
    organisation's monthly SMS budget lasts; the email always goes. Returns the number sent."""
    now = now or timezone.now()
    sent = 0
    for org_settings in AppointmentSettings.objects.select_related("organisation"):
        delays = org_settings.reminder_delays()
        if not delays:
            continue
        candidates = Appointment.objects.filter(
            organisation=org_settings.organisation,
            status=AppointmentStatus.BOOKED,
            reminders_opt_out=False,
            start__gt=now,
            start__lte=now + dt.timedelta(hours=max(delays)),
        ).select_related("appointment_type", "desk", "organisation")
        for appointment in candidates:
            due = [h for h in delays if appointment.start - dt.timedelta(hours=h) <= now]
            due = [h for h in due if appointment.created_at < appointment.start - dt.timedelta(hours=h)]
            if not due:
                continue
            hours = min(due)  # after an outage, only the nearest reminder
            sent += _remind(appointment, hours, org_settings, now=now)
    return sent


@transaction.atomic
def _remind(appointment: Appointment, hours: int, org_settings: AppointmentSettings, *, now: dt.datetime) -> int:
    channels = ["email"]
    if org_settings.sms_reminders and appointment.contact_phone:
        channels.append("sms")
    count = 0
    for channel in channels:
        if ReminderSent.objects.filter(appointment=appointment, hours_before__lte=hours, channel=channel).exists():
            continue  # this reminder, or a nearer one, already went
        if channel == "sms":
            # Lock the organisation's settings row so two workers never overspend the budget.
            AppointmentSettings.objects.select_for_update().get(pk=org_settings.pk)
            if sms_used_this_month(appointment.organisation, now=now) >= org_settings.sms_monthly_budget:
                continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    appointment=appointment,
                    hours_before=hours,
                    channel=channel,
                    organisation=appointment.organisation,
                    sent_at=now,
                )
        except IntegrityError:
            continue
        token = issue_token(appointment)
        queue_message(
            organisation=appointment.organisation,
            event="appointment.reminder",
            to=appointment.contact_phone if channel == "sms" else appointment.contact_email,
            context=_context(appointment, token=token),
            channel=channel,
            related=appointment,
        )
        count += 1
    if count:
        record_event(
            action="appointments.reminded",
            organisation=appointment.organisation,
            obj=appointment,
            after={"hours_before": hours, "channels": channels},
            actor_label="parvis worker",
        )
    return count
