"""The gates for inbound messages and addresses taken from a URL (404 for other tenants, then 403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parvis.accounts.access import roles_in
from parvis.accounts.enums import Role
from parvis.inbox.models import InboundAddress, InboundMessage
from parvis.organisations.models import Organisation

# Who reads and qualifies the received emails; administrators also manage the addresses.
TRAY_ROLES = (Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE)


def _organisation(request: HttpRequest) -> Organisation:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    return organisation


def get_message_for_agent(request: HttpRequest, pk: int) -> InboundMessage:
    message = (
        InboundMessage.objects.select_related("address", "case", "person", "handled_by")
        .filter(organisation=_organisation(request), pk=pk)
        .first()
    )
    if message is None:
        raise Http404("Courriel introuvable.")
    if not roles_in(request).intersection(TRAY_ROLES):
        raise PermissionDenied("Votre rôle ne permet pas de traiter les courriels reçus.")
    return message


def get_address_for_admin(request: HttpRequest, pk: int) -> InboundAddress:
    address = (
        InboundAddress.objects.select_related("department", "procedure")
        .filter(organisation=_organisation(request), pk=pk)
        .first()
    )
    if address is None:
        raise Http404("Adresse introuvable.")
    if Role.ADMIN not in roles_in(request):
        raise PermissionDenied("Seuls les administrateurs de la collectivité peuvent faire cela.")
    return address


def get_address_for_webhook(request: HttpRequest, pk: int) -> InboundAddress:
    """The address of the webhook URL, on its organisation's hostname only (404 elsewhere)."""
    address = (
        InboundAddress.objects.select_related("organisation")
        .filter(organisation=_organisation(request), pk=pk, is_active=True)
        .first()
    )
    if address is None:
        raise Http404("Adresse introuvable.")
    return address
