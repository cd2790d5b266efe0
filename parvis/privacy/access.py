"""The one gate for an erasure request taken from a URL: administrators of its organisation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parvis.accounts.access import roles_in
from parvis.accounts.enums import Role
from parvis.privacy.models import ErasureRequest


def get_erasure_for_admin(request: HttpRequest, pk: int) -> ErasureRequest:
    erasure = (
        ErasureRequest.objects.select_related("organisation", "answered_by")
        .filter(organisation=getattr(request, "organisation", None), pk=pk)
        .first()
    )
    if erasure is None:
        raise Http404("Demande introuvable.")
    if Role.ADMIN not in roles_in(request):  # the object first (404 for another's), then the role (403)
        raise PermissionDenied("Seuls les administrateurs de la collectivité traitent les demandes d'effacement.")
    return erasure
