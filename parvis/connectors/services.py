"""Fetching data from the State's APIs for a resident, each call recorded with its legal basis."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.connectors import clients
from parvis.connectors.enums import LEGAL_BASES, SOURCES, Api, CallStatus
from parvis.connectors.models import ConnectorCall
from parvis.organisations.models import Organisation

QUOTIENT_VALID_DAYS = 365


class ConnectorError(Exception):
    """A refusal to show the resident as is (French); ``field`` names the form field at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@transaction.atomic
def fetch_family_quotient(
    *,
    user: Any,
    organisation: Organisation,
    numero_allocataire: str,
    code_postal: str,
    consent: bool,
    purpose: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> ConnectorCall:
    """Ask the CAF (through API Particulier) for the resident's family quotient, with their agreement.

    Never raises for the API's own failures: the call is recorded as not found or unavailable, and
    the resident uploads an attestation instead (upload as fallback)."""
    numero = re.sub(r"\s", "", numero_allocataire or "")
    code = re.sub(r"\s", "", code_postal or "")
    if not re.fullmatch(r"\d{7}", numero):
        raise ConnectorError(
            "Le numéro d'allocataire compte 7 chiffres (il figure sur vos courriers de la CAF).",
            field="numero_allocataire",
        )
    if not re.fullmatch(r"\d{5}", code):
        raise ConnectorError("Le code postal compte 5 chiffres.", field="code_postal")
    if not consent:
        raise ConnectorError("Votre accord est nécessaire pour que la mairie interroge la CAF.", field="consent")
    value: dict[str, Any] | None = None
    try:
        found = clients.family_quotient(numero_allocataire=numero, code_postal=code)
    except clients.NotFound:
        status = CallStatus.NOT_FOUND
    except clients.ConnectorUnavailable:
        status = CallStatus.UNAVAILABLE
    else:
        status = CallStatus.OK
        value = {"quotient": found.quotient, "month": found.month, "year": found.year}
    call = ConnectorCall.objects.create(
        organisation=organisation,
        user=user,
        api=Api.QUOTIENT_FAMILIAL,
        status=status,
        value=value,
        source=SOURCES[Api.QUOTIENT_FAMILIAL],
        legal_basis=LEGAL_BASES[Api.QUOTIENT_FAMILIAL],
        purpose=purpose[:200],
    )
    record_event(
        action="connectors.called",
        actor=actor,
        organisation=organisation,
        obj=call,
        after={"api": call.api, "status": status},  # not the value: it is shown to the resident only
        request=request,
    )
    return call


def latest_family_quotient(user: Any, *, today: dt.date | None = None) -> ConnectorCall | None:
    """The resident's last family quotient obtained from the CAF, if recent enough to be used."""
    if not getattr(user, "is_authenticated", False):
        return None
    since = timezone.now() - dt.timedelta(days=QUOTIENT_VALID_DAYS)
    return (
        ConnectorCall.objects.filter(user=user, api=Api.QUOTIENT_FAMILIAL, status=CallStatus.OK, called_at__gte=since)
        .order_by("-called_at")
        .first()
    )


def calls_of(user: Any, *, limit: int = 100) -> list[ConnectorCall]:
    return list(ConnectorCall.objects.filter(user=user).select_related("organisation")[:limit])
