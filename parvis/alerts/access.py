"""The gates for alert objects taken from a URL: 404 for another commune's, then 403 for a wrong role."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parvis.accounts.access import roles_in
from parvis.accounts.enums import Role
from parvis.alerts.models import Area, Broadcast, Subscription
from parvis.organisations.models import Organisation

# Who writes messages to residents and draws districts.
BROADCAST_ROLES = (Role.ADMIN, Role.BACK_OFFICE)


def organisation_of(request: HttpRequest) -> Organisation:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    return organisation


def _role(request: HttpRequest) -> None:
    if not roles_in(request) & set(BROADCAST_ROLES):
        raise PermissionDenied("Réservé aux agents chargés des messages aux habitants.")


def get_broadcast_for_agent(request: HttpRequest, pk: int) -> Broadcast:
    broadcast = (
        Broadcast.objects.select_related("area", "organisation", "created_by", "sent_by")
        .filter(organisation=organisation_of(request), pk=pk)
        .first()
    )
    if broadcast is None:
        raise Http404("Message introuvable.")
    _role(request)
    return broadcast


def get_area_for_agent(request: HttpRequest, pk: int) -> Area:
    area = Area.objects.filter(organisation=organisation_of(request), pk=pk).first()
    if area is None:
        raise Http404("Quartier introuvable.")
    _role(request)
    return area


def get_subscription_by_link(request: HttpRequest, token: str, *, purpose: str) -> Subscription:
    """The subscription an emailed link names; the signed token is the credential (404 otherwise)."""
    from parvis.alerts.services import subscription_from_token

    subscription = subscription_from_token(token, organisation=organisation_of(request), purpose=purpose)
    if subscription is None:
        raise Http404("Ce lien n'est pas valable (ou a expiré).")
    return subscription
