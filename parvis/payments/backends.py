"""The bridge to eopayment: building a ``Payment`` for a régie, asking for a payment, reading answers.

Only this module imports eopayment. It speaks integer cents to the rest of Parvis and turns
eopayment's answers into ``Outcome`` (result, amount in cents as the provider states it, references).

PayFiP web service (``payfip_ws``): ``request`` calls ``creerPaiementSecurise`` (SOAP) and gives the
``idOp`` and the address to send the browser to; every answer is confirmed server to server with
``recupererDetailPaiementSecurise`` (``Payment.payment_status``), never read from the browser.

Dummy backend (``dummy``, demo only): eopayment builds an address on Entr'ouvert's public dummy
site; Parvis sends the browser to its own *simulated bank* page instead (``views/provider.py``),
which produces the dummy backend's real notification. The dummy backend has no server-side
status, so only its signed notification can settle a payment.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, urlsplit

import eopayment
from django.conf import settings

from parvis.payments.enums import Backend
from parvis.payments.models import PaymentTransaction, Regie

logger = logging.getLogger("parvis.payments")

NUMCLI_RE = re.compile(r"^\d{6}$")
PAYFIP_MIN_CENTS = 100  # 1 €
PAYFIP_MAX_CENTS = 100_000_00  # 100 000 €


class BackendError(Exception):
    """The provider could not be reached or refused the request; the message is for the citizen."""


@dataclass(frozen=True)
class Outcome:
    """What the provider says about one transaction."""

    result: int  # eopayment.PAID, DENIED, CANCELLED, EXPIRED, WAITING, ERROR...
    amount_cents: int | None  # the amount the provider states, None when it states none
    provider_reference: str = ""
    bank_status: str = ""
    bank_data: dict[str, Any] = field(default_factory=dict)
    signed: bool = True
    test: bool = False


def euros(cents: int) -> str:
    """12345 → "123.45", the decimal string eopayment expects (no float on the way)."""
    return f"{cents // 100}.{cents % 100:02d}"


def cents_from_decimal(text: str) -> int | None:
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if value != value.quantize(Decimal("0.01")):
        return None
    return int(value * 100)


def dummy_allowed() -> bool:
    """The dummy backend pays without money: only in the demo and in development."""
    return bool(getattr(settings, "PARVIS_PAYMENTS_ALLOW_DUMMY", settings.DEMO or settings.DEBUG))


def check_options(backend: str, options: dict[str, Any]) -> list[str]:
    """French messages for what is wrong with a régie's backend settings."""
    problems = []
    if backend == Backend.PAYFIP_WS:
        if not NUMCLI_RE.match(str(options.get("numcli", ""))):
            problems.append("Le numéro client PayFiP (numcli) compte 6 chiffres ; il est fourni par la DGFiP.")
        if options.get("saisie") not in {"T", "X", "W"}:
            problems.append("Le mode PayFiP (saisie) vaut T (test), X (activation) ou W (production).")
    elif backend == Backend.DUMMY:
        if not dummy_allowed():
            problems.append("Le paiement simulé n'est disponible qu'en démonstration.")
    else:
        problems.append("Moyen de paiement inconnu.")
    return problems


def amount_limits(regie: Regie) -> tuple[int, int]:
    if regie.backend == Backend.PAYFIP_WS:
        return PAYFIP_MIN_CENTS, PAYFIP_MAX_CENTS
    return 1, PAYFIP_MAX_CENTS


def payment_for(regie: Regie, *, return_url: str = "", notify_url: str = "") -> eopayment.Payment:
    options: dict[str, Any] = {"normal_return_url": return_url, "automatic_return_url": notify_url}
    if regie.backend == Backend.PAYFIP_WS:
        options |= {"numcli": regie.numcli, "saisie": regie.backend_options.get("saisie", "T")}
    elif regie.backend == Backend.DUMMY:
        options |= {"origin": regie.organisation.name, "consider_all_response_signed": False}
    return eopayment.Payment(regie.backend, options, logger=logger)


def request_payment(
    transaction: PaymentTransaction, *, subject: str, return_url: str, notify_url: str
) -> tuple[str, str]:
    """Ask the provider for a payment; returns (provider id, address to send the browser to)."""
    payment = payment_for(transaction.regie, return_url=return_url, notify_url=notify_url)
    amount = euros(transaction.amount_cents)
    try:
        if transaction.backend == Backend.PAYFIP_WS:
            provider_id, kind, data = payment.request(
                amount,
                email=transaction.email,
                refdet=transaction.refdet,
                exer=str(transaction.created_at.year),
                subject=subject,
            )
        else:
            provider_id, kind, data = payment.request(
                amount, email=transaction.email, orderid=transaction.refdet, subject=subject
            )
    except eopayment.PaymentException as exc:
        logger.warning("Payment request %s refused by %s: %r", transaction.refdet, transaction.backend, exc)
        raise BackendError(
            "Le service de paiement en ligne n'a pas pu être joint. Réessayez dans quelques minutes."
        ) from exc
    if kind != eopayment.URL:
        raise BackendError("Réponse inattendue du service de paiement.")
    return str(provider_id), str(data)


def confirm(transaction: PaymentTransaction) -> Outcome:
    """Ask the provider, server to server, where the transaction stands (PayFiP only)."""
    if transaction.backend != Backend.PAYFIP_WS:
        raise BackendError("Ce moyen de paiement ne permet pas de vérifier un paiement auprès du prestataire.")
    payment = payment_for(transaction.regie)
    try:
        response = payment.payment_status(transaction.provider_id, transaction_date=transaction.created_at)
    except eopayment.PaymentException as exc:
        logger.warning("PayFiP status of %s unavailable: %r", transaction.refdet, exc)
        raise BackendError("Le service de paiement en ligne n'a pas pu être joint.") from exc
    bank_data = {k: ("" if v is None else str(v)) for k, v in (response.bank_data or {}).items()}
    montant = bank_data.get("montant", "")
    return Outcome(
        result=response.result,
        amount_cents=int(montant) if montant.isdigit() else None,
        provider_reference=str(bank_data.get("numauto") or ""),
        bank_status=str(response.bank_status or ""),
        bank_data=bank_data,
        signed=bool(response.signed),
        test=bool(response.test),
    )


def can_confirm(backend: str) -> bool:
    return backend == Backend.PAYFIP_WS


@dataclass(frozen=True)
class NotificationId:
    backend: str
    provider_id: str


def identify_notification(payload: str) -> NotificationId | None:
    """Which backend and transaction a provider's notification is about (None if unreadable).

    PayFiP posts exactly one field, ``idOp`` (eopayment's ``guess``); the dummy backend sends its
    ``transaction_id`` with its result fields.
    """
    fields = parse_qs(payload, keep_blank_values=True)
    try:
        found = eopayment.Payment.guess(method="POST", body=payload, backends=[Backend.PAYFIP_WS])
    except eopayment.PaymentException:
        found = None
    if found:
        return NotificationId(Backend.PAYFIP_WS, str(found[1]))
    if fields.get("transaction_id", [""])[0]:
        return NotificationId(Backend.DUMMY, fields["transaction_id"][0])
    return None


def read_dummy_notification(transaction: PaymentTransaction, payload: str) -> Outcome:
    """The dummy backend's notification, read by eopayment (signed only when ``signed`` is present)."""
    payment = payment_for(transaction.regie)
    response = payment.response(payload)
    fields = parse_qs(payload)
    amount = fields.get("amount", [""])[0]
    result = response.result
    if result == eopayment.ERROR:  # the dummy site answers "ok" or a reason: a refusal or an abandonment
        result = eopayment.CANCELLED if fields.get("reason", [""])[0] == "cancelled" else eopayment.DENIED
    return Outcome(
        result=result,
        amount_cents=cents_from_decimal(amount) if amount else None,
        provider_reference=str(response.transaction_id or ""),
        bank_status=str(response.bank_status or ""),
        bank_data={k: v[0] for k, v in fields.items()},
        signed=bool(response.signed),
        test=True,
    )


def dummy_query(url: str) -> str:
    """The query string of the address eopayment's dummy backend built (for the simulated bank)."""
    return urlsplit(url).query


def age(transaction: PaymentTransaction, now: dt.datetime) -> dt.timedelta:
    return now - transaction.created_at


RESULT_NAMES = {
    eopayment.PAID: "paid",
    eopayment.ACCEPTED: "accepted",
    eopayment.DENIED: "denied",
    eopayment.CANCELLED: "cancelled",
    eopayment.EXPIRED: "expired",
    eopayment.WAITING: "waiting",
    eopayment.ERROR: "error",
    eopayment.RECEIVED: "received",
}
PAID = eopayment.PAID
DENIED = eopayment.DENIED
CANCELLED = eopayment.CANCELLED
EXPIRED = eopayment.EXPIRED
WAITING = eopayment.WAITING
