"""The one gate for every appointment object taken from a URL, scoped by ``request.organisation``.

Other tenants' objects, unknown tokens and wrong roles answer 404 (or 403 for a role that may see
but not act). Tokens are looked up by their SHA-256, never stored in clear.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone

from parvis.accounts.access import roles_in
from parvis.accounts.enums import Role
from parvis.appointments.enums import WaitingStatus
from parvis.appointments.models import (
    AgendaException,
    Appointment,
    AppointmentType,
    Desk,
    OpeningPeriod,
    WaitingEntry,
)
from parvis.appointments.services import hash_token
from parvis.organisations.models import Organisation

# Roles that may book, move and mark appointments (elected officials only look).
ACTING_ROLES = {Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.FIELD}


def _organisation(request: HttpRequest) -> Organisation:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    return organisation


def require_acting_agent(request: HttpRequest) -> None:
    if not roles_in(request) & ACTING_ROLES:
        raise PermissionDenied("Votre rôle permet de consulter les rendez-vous, pas de les modifier.")


def require_admin(request: HttpRequest) -> None:
    """Called after the object's gate, so another tenant's object answers 404 before any 403."""
    if Role.ADMIN not in roles_in(request):
        raise PermissionDenied("Seuls les administrateurs de la collectivité règlent les rendez-vous.")


def get_type_for_booking(request: HttpRequest, slug: str, *, by_agent: bool = False) -> AppointmentType:
    """An active type of this organisation that residents may book online (agents: any active type)."""
    found = (
        AppointmentType.objects.select_related("organisation")
        .filter(organisation=_organisation(request), slug=slug, is_active=True)
        .first()
    )
    if found is None or (not by_agent and not found.online):
        raise Http404("Ce type de rendez-vous n'existe pas ici.")
    return found


def get_appointment_by_token(request: HttpRequest, token: str) -> Appointment:
    appointment = (
        Appointment.objects.select_related("appointment_type", "desk", "organisation")
        .filter(organisation=_organisation(request), tokens__token_hash=hash_token(token))
        .first()
    )
    if appointment is None:
        raise Http404("Ce lien de rendez-vous n'est pas valable.")
    return appointment


def get_offer_by_token(request: HttpRequest, token: str) -> WaitingEntry:
    entry = (
        WaitingEntry.objects.select_related("appointment_type__organisation", "offer_desk")
        .filter(organisation=_organisation(request), offer_token_hash=hash_token(token))
        .first()
    )
    if entry is None:
        raise Http404("Ce lien n'est pas valable.")
    if entry.status != WaitingStatus.OFFERED or (entry.offer_expires_at and entry.offer_expires_at <= timezone.now()):
        raise Http404("Cette proposition de créneau a expiré ou a déjà été utilisée.")
    return entry


def get_appointment_for_agent(request: HttpRequest, pk: int, *, write: bool = False) -> Appointment:
    appointment = (
        Appointment.objects.select_related("appointment_type", "desk", "organisation", "case", "user")
        .filter(organisation=_organisation(request), pk=pk)
        .first()
    )
    if appointment is None:
        raise Http404("Rendez-vous introuvable.")
    if write:
        require_acting_agent(request)
    return appointment


def get_desk_for_agent(request: HttpRequest, pk: int) -> Desk:
    desk = Desk.objects.filter(organisation=_organisation(request), pk=pk).first()
    if desk is None:
        raise Http404("Guichet introuvable.")
    return desk


def get_desk_by_feed_token(request: HttpRequest, token: str) -> Desk:
    desk = (
        Desk.objects.select_related("organisation")
        .filter(organisation=_organisation(request), feed_token=token, is_active=True)
        .first()
    )
    if desk is None or not token:
        raise Http404("Flux inconnu.")
    return desk


def get_type_for_admin(request: HttpRequest, pk: int) -> AppointmentType:
    found = AppointmentType.objects.filter(organisation=_organisation(request), pk=pk).first()
    if found is None:
        raise Http404("Type de rendez-vous introuvable.")
    return found


def get_period_for_admin(request: HttpRequest, desk: Desk, pk: int) -> OpeningPeriod:
    period = OpeningPeriod.objects.filter(desk=desk, desk__organisation=_organisation(request), pk=pk).first()
    if period is None:
        raise Http404("Plage introuvable.")
    return period


def get_exception_for_admin(request: HttpRequest, pk: int) -> AgendaException:
    exception = AgendaException.objects.filter(organisation=_organisation(request), pk=pk).first()
    if exception is None:
        raise Http404("Exception introuvable.")
    return exception
