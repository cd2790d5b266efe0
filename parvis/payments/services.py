"""Every change to régies, invoices and payments.

Online payment, step by step:

1. ``start_payment`` groups the chosen invoices (one régie) into a ``PaymentTransaction`` (pending),
   commits it, then asks eopayment for the payment (PayFiP: ``creerPaiementSecurise``) and returns
   the address to send the browser to.
2. The provider notifies ``/paiements/notification/``: ``handle_notification`` finds the transaction
   by the provider's id in the current organisation (unknown → logged and refused), confirms the
   result with the provider server to server (PayFiP: ``recupererDetailPaiementSecurise``) and
   applies it with ``apply_outcome``.
3. ``apply_outcome`` locks the transaction: a payment already recorded is never recorded again
   (replays and duplicates change nothing), an amount different from the transaction's is refused
   and flagged, a paid transaction settles its invoices, sends the acknowledgment (L112-11) and
   moves the cases waiting for the payment.
4. The return page (``confirm_on_return``) never trusts its query string: it asks the provider, or
   shows what the notification recorded.
5. The periodic job ``recheck_pending`` asks the provider about payments still pending and expires
   those older than the régie's delay (20 minutes for PayFiP).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.organisations.models import Organisation
from parvis.payments import backends
from parvis.payments.enums import (
    PAID_STATUSES,
    PAYABLE_STATUSES,
    Backend,
    CounterMethod,
    InvoiceSource,
    InvoiceStatus,
    NotificationOutcome,
    TransactionStatus,
)
from parvis.payments.models import (
    Invoice,
    InvoiceLine,
    PaymentAcknowledgment,
    PaymentTransaction,
    ProviderNotification,
    Refund,
    Regie,
)

logger = logging.getLogger("parvis.payments")

REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,29}$")
REMIND_DAYS_BEFORE = 5
RECHECK_AFTER = dt.timedelta(minutes=2)


class PaymentError(Exception):
    """A change refused; the message is for the person who asked, in French."""


def format_cents(cents: int) -> str:
    from parvis.procedures.formengine import format_amount

    return format_amount(cents)


# --- Régies -----------------------------------------------------------------------------------


@transaction.atomic
def save_regie(*, organisation: Organisation, data: dict[str, Any], actor: Any, regie: Regie | None = None) -> Regie:
    """Create or change a régie; ``data``: slug, name, kind, backend, backend_options, pending_minutes, is_active."""
    problems = backends.check_options(str(data["backend"]), dict(data.get("backend_options") or {}))
    if problems:
        raise PaymentError(" ".join(problems))
    before = None
    if regie is None:
        if Regie.objects.filter(organisation=organisation, slug=data["slug"]).exists():
            raise PaymentError("Une régie porte déjà cet identifiant.")
        regie = Regie(organisation=organisation)
    else:
        before = {"backend": regie.backend, "options": regie.backend_options, "active": regie.is_active}
    for key in ("slug", "name", "kind", "backend", "backend_options", "pending_minutes", "is_active"):
        if key in data:
            setattr(regie, key, data[key])
    regie.save()
    record_event(
        action="payments.regie_saved",
        actor=actor,
        organisation=organisation,
        obj=regie,
        before=before,
        after={"backend": regie.backend, "options": regie.backend_options, "active": regie.is_active},
    )
    return regie


# --- Invoices ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineData:
    label: str
    quantity: int
    unit_cents: int


def _user_for_email(email: str) -> Any:
    from parvis.accounts.models import User

    if not email:
        return None
    return User.objects.filter(email__iexact=email, is_active=True, email_verified_at__isnull=False).first()


def _check_invoice(
    *,
    organisation: Organisation,
    regie: Regie,
    reference: str,
    payer_name: str,
    payer_email: str,
    subject: str,
    issued_on: dt.date,
    due_on: dt.date,
    lines: Sequence[LineData],
) -> list[str]:
    problems = []
    if regie.organisation_id != organisation.pk:
        problems.append("Régie inconnue.")
    if not REFERENCE_RE.match(reference):
        problems.append("La référence compte 1 à 30 lettres, chiffres ou tirets.")
    elif Invoice.objects.filter(organisation=organisation, reference=reference).exists():
        problems.append(f"Une facture porte déjà la référence {reference}.")
    if not payer_name.strip():
        problems.append("Le nom du redevable est obligatoire.")
    if payer_email:
        try:
            validate_email(payer_email)
        except ValidationError:
            problems.append(f"Adresse électronique invalide : {payer_email}.")
    if not subject.strip():
        problems.append("L'objet de la facture est obligatoire.")
    if due_on < issued_on:
        problems.append("L'échéance précède la date d'émission.")
    if not lines:
        problems.append("La facture doit comporter au moins une ligne.")
    for line in lines:
        if not line.label.strip():
            problems.append("Chaque ligne doit avoir un libellé.")
        if line.quantity < 1:
            problems.append("La quantité d'une ligne est un nombre entier positif.")
    if lines and sum(line.quantity * line.unit_cents for line in lines) <= 0:
        problems.append("Le montant de la facture doit être positif.")
    return problems


@transaction.atomic
def create_invoice(
    *,
    organisation: Organisation,
    regie: Regie,
    reference: str,
    payer_name: str,
    payer_email: str = "",
    user: Any = None,
    subject: str,
    issued_on: dt.date,
    due_on: dt.date,
    lines: Sequence[LineData],
    actor: Any,
    source: str = InvoiceSource.AGENT,
    case: Any = None,
    paid_transition: str = "",
    notify: bool = True,
) -> Invoice:
    """Issue an invoice; the payer is told by email when an address is known."""
    reference, payer_email = reference.strip(), payer_email.strip().lower()
    problems = _check_invoice(
        organisation=organisation,
        regie=regie,
        reference=reference,
        payer_name=payer_name,
        payer_email=payer_email,
        subject=subject,
        issued_on=issued_on,
        due_on=due_on,
        lines=lines,
    )
    if problems:
        raise PaymentError(" ".join(problems))
    if user is None:
        user = _user_for_email(payer_email)
    if user is not None and not payer_email:
        payer_email = user.email
    invoice = Invoice.objects.create(
        organisation=organisation,
        regie=regie,
        reference=reference,
        user=user,
        payer_name=payer_name.strip(),
        payer_email=payer_email,
        subject=subject.strip(),
        issued_on=issued_on,
        due_on=due_on,
        amount_cents=sum(line.quantity * line.unit_cents for line in lines),
        status=InvoiceStatus.OVERDUE if due_on < timezone.localdate() else InvoiceStatus.TO_PAY,
        source=source,
        case=case,
        paid_transition=paid_transition,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice, position=i, label=line.label.strip(), quantity=line.quantity, unit_cents=line.unit_cents
        )
        for i, line in enumerate(lines)
    )
    record_event(
        action="payments.invoice_created",
        actor=actor,
        organisation=organisation,
        obj=invoice,
        after={"reference": reference, "amount_cents": invoice.amount_cents, "source": source, "regie": regie.slug},
    )
    if notify and payer_email:
        _email(invoice.organisation, "payment.invoice_issued", payer_email, _invoice_context(invoice), actor, invoice)
    return invoice


def _invoice_context(invoice: Invoice) -> dict[str, Any]:
    from parvis.organisations.queries import absolute_url

    return {
        "organisation_name": invoice.organisation.name,
        "payer_name": invoice.payer_name,
        "reference": invoice.reference,
        "subject": invoice.subject,
        "amount": format_cents(invoice.amount_cents),
        "due_on": invoice.due_on.strftime("%d/%m/%Y"),
        "link": absolute_url(invoice.organisation, reverse("payments:my_invoices")),
    }


def _email(
    organisation: Organisation,
    event: str,
    to: str,
    context: dict[str, Any],
    actor: Any,
    related: Any,
    attachments: Sequence[Any] = (),
) -> Any:
    from parvis.notifications.services import queue_message

    return queue_message(
        organisation=organisation,
        event=event,
        to=to,
        context=context,
        actor=actor,
        related=related,
        attachments=attachments,
    )


@transaction.atomic
def cancel_invoice(*, invoice: Invoice, reason: str, actor: Any) -> Invoice:
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not invoice.is_payable:
        raise PaymentError("Seule une facture à payer peut être annulée.")
    if not reason.strip():
        raise PaymentError("Indiquez le motif de l'annulation.")
    if _pending_for(invoice).exists():
        raise PaymentError("Un paiement en ligne de cette facture est en cours : réessayez dans quelques minutes.")
    before = invoice.status
    invoice.status, invoice.cancelled_reason = InvoiceStatus.CANCELLED, reason.strip()
    invoice.save(update_fields=["status", "cancelled_reason"])
    record_event(
        action="payments.invoice_cancelled",
        actor=actor,
        organisation=invoice.organisation,
        obj=invoice,
        before={"status": before},
        after={"status": invoice.status, "reason": invoice.cancelled_reason},
    )
    return invoice


@transaction.atomic
def record_counter_payment(*, invoice: Invoice, method: str, note: str = "", actor: Any) -> Invoice:
    """An agent records that the invoice was paid at the counter (cash or cheque)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if method not in CounterMethod.values:
        raise PaymentError("Choisissez le moyen de paiement : espèces ou chèque.")
    if method == CounterMethod.CHEQUE and not note.strip():
        raise PaymentError("Indiquez le numéro du chèque.")
    if not invoice.is_payable:
        raise PaymentError(f"Cette facture n'est pas à payer (état : {invoice.get_status_display()}).")
    if _pending_for(invoice).exists():
        raise PaymentError(
            "Un paiement en ligne de cette facture est en cours : attendez son issue (20 minutes au plus)."
        )
    invoice.status, invoice.paid_at = InvoiceStatus.PAID_COUNTER, timezone.now()
    invoice.counter_method, invoice.counter_note = method, note.strip()
    invoice.counter_recorded_by = actor
    invoice.save(update_fields=["status", "paid_at", "counter_method", "counter_note", "counter_recorded_by"])
    record_event(
        action="payments.counter_payment",
        actor=actor,
        organisation=invoice.organisation,
        obj=invoice,
        after={"method": method, "amount_cents": invoice.amount_cents},
    )
    _after_invoice_paid(invoice)
    return invoice


@transaction.atomic
def record_refund(*, invoice: Invoice, amount_cents: int, reason: str, method: str, actor: Any) -> Refund:
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status not in PAID_STATUSES:
        raise PaymentError("Seule une facture payée peut être remboursée.")
    already = sum(r.amount_cents for r in invoice.refunds.all())
    if amount_cents <= 0 or amount_cents + already > invoice.amount_cents:
        raise PaymentError(
            f"Le remboursement doit être positif et ne pas dépasser {format_cents(invoice.amount_cents - already)}."
        )
    if not reason.strip() or not method.strip():
        raise PaymentError("Indiquez le motif et le moyen du remboursement.")
    refund = Refund.objects.create(
        invoice=invoice, amount_cents=amount_cents, reason=reason.strip(), method=method.strip(), recorded_by=actor
    )
    record_event(
        action="payments.refund",
        actor=actor,
        organisation=invoice.organisation,
        obj=invoice,
        after={"amount_cents": amount_cents, "reason": refund.reason},
    )
    return refund


# --- CSV import -------------------------------------------------------------------------------

CSV_COLUMNS = [
    "reference",
    "regie",
    "nom",
    "courriel",
    "objet",
    "date_emission",
    "date_echeance",
    "libelle",
    "quantite",
    "prix_unitaire",
]


@dataclass
class ImportReport:
    invoices: int = 0
    rows: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line number, reference, message)
    imported: bool = False


def _parse_date(text: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def read_csv(content: bytes) -> tuple[list[dict[str, str]], str | None]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], "Le fichier doit être encodé en UTF-8."
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        return [], "Colonnes manquantes dans la première ligne : " + ", ".join(missing) + "."
    rows = []
    for row in reader:
        rows.append({(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k})
    return rows, None


@transaction.atomic
def import_invoices(*, organisation: Organisation, content: bytes, actor: Any, notify: bool = True) -> ImportReport:
    """Import invoices from the billing software's CSV file: all of them, or none if any line is wrong.

    Lines sharing a ``reference`` are the lines of one invoice (their invoice columns must agree).
    """
    report = ImportReport()
    rows, problem = read_csv(content)
    if problem:
        report.errors.append((1, "", problem))
        return report
    regies = {r.slug: r for r in Regie.objects.filter(organisation=organisation, is_active=True)}
    existing = set(
        Invoice.objects.filter(organisation=organisation, reference__in={r["reference"] for r in rows}).values_list(
            "reference", flat=True
        )
    )
    grouped: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(rows, start=2):
        report.rows += 1
        errors = []
        ref = row["reference"]
        if not REFERENCE_RE.match(ref):
            errors.append("référence absente ou invalide (1 à 30 lettres, chiffres ou tirets)")
        elif ref in existing:
            errors.append("une facture porte déjà cette référence")
        regie = regies.get(row["regie"])
        if regie is None:
            errors.append(f"régie « {row['regie']} » inconnue")
        if not row["nom"]:
            errors.append("nom du redevable manquant")
        if row["courriel"]:
            try:
                validate_email(row["courriel"])
            except ValidationError:
                errors.append(f"courriel invalide « {row['courriel']} »")
        if not row["objet"]:
            errors.append("objet manquant")
        issued, due = _parse_date(row["date_emission"]), _parse_date(row["date_echeance"])
        if issued is None:
            errors.append(f"date d'émission invalide « {row['date_emission']} » (JJ/MM/AAAA)")
        if due is None:
            errors.append(f"date d'échéance invalide « {row['date_echeance']} » (JJ/MM/AAAA)")
        if issued and due and due < issued:
            errors.append("échéance antérieure à l'émission")
        if not row["libelle"]:
            errors.append("libellé de ligne manquant")
        quantity = int(row["quantite"]) if row["quantite"].isdigit() else 0
        if quantity < 1:
            errors.append(f"quantité invalide « {row['quantite']} » (nombre entier positif)")
        unit = backends.cents_from_decimal(row["prix_unitaire"]) if row["prix_unitaire"] else None
        if unit is None or unit < 0:
            errors.append(f"prix unitaire invalide « {row['prix_unitaire']} » (par exemple 12,50)")
        head = (row["regie"], row["nom"], row["courriel"].lower(), row["objet"], issued, due)
        if not errors:
            group = grouped.setdefault(ref, {"head": head, "lines": [], "first": number})
            if group["head"] != head:
                errors.append(f"les colonnes de la facture diffèrent de celles de la ligne {group['first']}")
            else:
                group["lines"].append(LineData(row["libelle"], quantity, unit or 0))
        for error in errors:
            report.errors.append((number, ref, error))
    for ref, group in grouped.items():
        if sum(line.quantity * line.unit_cents for line in group["lines"]) <= 0:
            report.errors.append((group["first"], ref, "montant total nul"))
    if report.errors or not rows:
        if not rows:
            report.errors.append((1, "", "Le fichier ne contient aucune ligne de facture."))
        return report
    for ref, group in grouped.items():
        regie_slug, name, email, subject, issued, due = group["head"]
        create_invoice(
            organisation=organisation,
            regie=regies[regie_slug],
            reference=ref,
            payer_name=name,
            payer_email=email,
            subject=subject,
            issued_on=issued,
            due_on=due,
            lines=group["lines"],
            actor=actor,
            source=InvoiceSource.IMPORT,
            notify=notify,
        )
    report.invoices, report.imported = len(grouped), True
    record_event(
        action="payments.invoices_imported",
        actor=actor,
        organisation=organisation,
        after={"invoices": report.invoices, "rows": report.rows},
    )
    return report


# --- Online payment ---------------------------------------------------------------------------


def _pending_for(invoice: Invoice) -> Any:
    return PaymentTransaction.objects.filter(invoices=invoice, status=TransactionStatus.PENDING)


def _new_refdet(organisation: Organisation) -> str:
    import secrets

    return f"PV{timezone.now():%y%m%d}{organisation.pk:04d}{secrets.token_hex(8).upper()}"[:30]


@dataclass(frozen=True)
class Started:
    transaction: PaymentTransaction
    redirect_url: str


def start_payment(
    *,
    organisation: Organisation,
    invoices: Sequence[Invoice],
    user: Any,
    actor: Any,
    url_for: Callable[[str], str],
) -> Started:
    """Open a payment attempt for ``invoices`` (all of one régie) and ask the provider for it.

    ``url_for(path)`` makes an absolute address on this organisation's host (return and notification).
    Not atomic as a whole: the pending transaction is committed before the provider is called,
    so its notification always finds it.
    """
    with transaction.atomic():
        ids = [i.pk for i in invoices]
        locked = list(Invoice.objects.select_for_update().select_related("regie").filter(pk__in=ids).order_by("pk"))
        if not locked or len(locked) != len(set(ids)):
            raise PaymentError("Choisissez au moins une facture à payer.")
        if any(i.organisation_id != organisation.pk for i in locked):
            raise PaymentError("Facture introuvable.")
        not_payable = [i.reference for i in locked if i.status not in PAYABLE_STATUSES]
        if not_payable:
            raise PaymentError("Ces factures ne sont plus à payer : " + ", ".join(not_payable) + ".")
        regies = {i.regie_id for i in locked}
        if len(regies) > 1:
            raise PaymentError("Payez ensemble les factures d'une même régie ; les autres, en un second paiement.")
        regie = locked[0].regie
        if not regie.is_active:
            raise PaymentError("Le paiement en ligne de cette régie est suspendu : payez au guichet.")
        if regie.backend == Backend.DUMMY and not backends.dummy_allowed():
            raise PaymentError("Le paiement en ligne n'est pas disponible pour cette régie.")
        busy = PaymentTransaction.objects.filter(invoices__in=locked, status=TransactionStatus.PENDING).distinct()
        if busy.exists():
            raise PaymentError(
                "Un paiement de ces factures est déjà en cours. S'il a été interrompu, réessayez dans "
                f"{regie.pending_minutes} minutes."
            )
        amount = sum(i.amount_cents for i in locked)
        low, high = backends.amount_limits(regie)
        if not low <= amount <= high:
            raise PaymentError(
                f"Le paiement en ligne accepte de {format_cents(low)} à {format_cents(high)} : payez au guichet."
            )
        email = (getattr(user, "email", "") or locked[0].payer_email).strip()
        if not email:
            raise PaymentError("Une adresse électronique est nécessaire pour payer en ligne.")
        tx = PaymentTransaction.objects.create(
            organisation=organisation,
            regie=regie,
            refdet=_new_refdet(organisation),
            backend=regie.backend,
            user=user if getattr(user, "is_authenticated", False) else None,
            email=email,
            amount_cents=amount,
            is_test=regie.backend == Backend.DUMMY or regie.backend_options.get("saisie") == "T",
        )
        tx.invoices.set(locked)
        record_event(
            action="payments.payment_started",
            actor=actor,
            organisation=organisation,
            obj=tx,
            after={"amount_cents": amount, "invoices": [i.reference for i in locked]},
        )
    subject = "Factures " + " ".join(i.reference for i in locked)
    try:
        provider_id, url = backends.request_payment(
            tx,
            subject=subject,
            return_url=url_for(reverse("payments:payment_return", kwargs={"token": tx.token})),
            notify_url=url_for(reverse("payments:notification")),
        )
    except backends.BackendError as exc:
        _finish(tx, TransactionStatus.ERROR, anomaly=str(exc))
        raise PaymentError(str(exc)) from exc
    PaymentTransaction.objects.filter(pk=tx.pk).update(provider_id=provider_id)
    tx.provider_id = provider_id
    if tx.backend == Backend.DUMMY:
        # The dummy backend points at Entr'ouvert's public test site; Parvis simulates it locally.
        url = url_for(reverse("payments:simulated_bank")) + "?" + backends.dummy_query(url)
    return Started(transaction=tx, redirect_url=url)


def _finish(tx: PaymentTransaction, status: str, *, anomaly: str = "") -> None:
    PaymentTransaction.objects.filter(pk=tx.pk).update(status=status, anomaly=anomaly[:300], updated_at=timezone.now())


RESULT_TO_STATUS = {
    backends.PAID: TransactionStatus.PAID,
    backends.DENIED: TransactionStatus.DENIED,
    backends.CANCELLED: TransactionStatus.CANCELLED,
    backends.EXPIRED: TransactionStatus.EXPIRED,
}


@transaction.atomic
def apply_outcome(*, transaction_id: int, outcome: backends.Outcome, source: str) -> str:
    """Record what the provider confirmed about a transaction; returns a ``NotificationOutcome`` value.

    Idempotent: a transaction already paid stays paid once (no second settlement, no second email);
    a result never undoes a payment.
    """
    tx = PaymentTransaction.objects.select_for_update().select_related("regie", "organisation").get(pk=transaction_id)
    if outcome.amount_cents is not None and outcome.amount_cents != tx.amount_cents:
        tx.anomaly = (
            f"Montant annoncé par le prestataire ({format_cents(outcome.amount_cents)}) différent du montant "
            f"demandé ({format_cents(tx.amount_cents)}) : paiement non pris en compte, à vérifier."
        )
        if tx.status == TransactionStatus.PENDING:
            tx.status = TransactionStatus.ERROR
        tx.save(update_fields=["anomaly", "status", "updated_at"])
        record_event(
            action="payments.amount_mismatch",
            organisation=tx.organisation,
            obj=tx,
            actor_label=source,
            after={"stated_cents": outcome.amount_cents, "expected_cents": tx.amount_cents},
        )
        logger.warning("Payment %s: amount mismatch (%s stated)", tx.refdet, outcome.amount_cents)
        return NotificationOutcome.TAMPERED
    if outcome.result == backends.PAID and outcome.amount_cents is None:
        tx.anomaly = "Paiement annoncé sans montant : non pris en compte, à vérifier."
        tx.save(update_fields=["anomaly", "updated_at"])
        return NotificationOutcome.TAMPERED
    if tx.status == TransactionStatus.PAID:
        return NotificationOutcome.REPLAYED
    target = RESULT_TO_STATUS.get(outcome.result)
    if target is None:
        return NotificationOutcome.WAITING
    if target == tx.status:
        return NotificationOutcome.REPLAYED
    if target != TransactionStatus.PAID and tx.status != TransactionStatus.PENDING:
        return NotificationOutcome.REPLAYED  # a failure after another failure: nothing to change
    before = tx.status
    tx.status, tx.bank_status, tx.bank_data = target, outcome.bank_status[:200], outcome.bank_data
    tx.provider_reference = outcome.provider_reference[:200]
    fields = ["status", "bank_status", "bank_data", "provider_reference", "updated_at"]
    if target == TransactionStatus.PAID:
        tx.confirmed_at = timezone.now()
        fields.append("confirmed_at")
    tx.save(update_fields=fields)
    record_event(
        action=f"payments.payment_{target}",
        organisation=tx.organisation,
        obj=tx,
        actor_label=source,
        before={"status": before},
        after={"status": target, "bank_status": tx.bank_status},
    )
    if target == TransactionStatus.PAID:
        _settle(tx)
    return NotificationOutcome.APPLIED


def _settle(tx: PaymentTransaction) -> None:
    """A confirmed payment: its invoices are paid, the payer gets the acknowledgment."""
    invoices = list(Invoice.objects.select_for_update().filter(transactions=tx).select_related("organisation"))
    double = []
    for invoice in invoices:
        if invoice.status in PAYABLE_STATUSES or invoice.status == InvoiceStatus.CANCELLED:
            invoice.status, invoice.paid_at, invoice.paid_transaction = InvoiceStatus.PAID_ONLINE, tx.confirmed_at, tx
            invoice.save(update_fields=["status", "paid_at", "paid_transaction"])
            _after_invoice_paid(invoice)
        elif invoice.paid_transaction_id != tx.pk:
            double.append(invoice.reference)
    if double:
        tx.anomaly = "Déjà payées par ailleurs : " + ", ".join(double) + ". Montant à rembourser au payeur."
        tx.save(update_fields=["anomaly", "updated_at"])
    send_acknowledgment(tx, invoices)


def send_acknowledgment(tx: PaymentTransaction, invoices: Sequence[Invoice]) -> PaymentAcknowledgment:
    """The electronic acknowledgment of the payment (CRPA L112-11), with the receipt attached."""
    from parvis.notifications.services import Attachment

    paid_at = timezone.localtime(tx.confirmed_at or timezone.now())
    mentions = [
        {"key": "date", "label": "Date du paiement", "text": paid_at.strftime("%d/%m/%Y à %H:%M")},
        {"key": "amount", "label": "Montant", "text": format_cents(tx.amount_cents)},
        {"key": "object", "label": "Objet", "text": "; ".join(f"{i.subject} ({i.reference})" for i in invoices)},
        {"key": "reference", "label": "Référence du paiement", "text": tx.refdet},
        {"key": "transaction", "label": "Numéro de transaction", "text": tx.provider_id},
        {"key": "authorisation", "label": "Numéro d'autorisation", "text": tx.provider_reference or "—"},
        {"key": "regie", "label": "Régie", "text": tx.regie.name},
    ]
    message = _email(
        tx.organisation,
        "payment.acknowledgment",
        tx.email,
        {
            "organisation_name": tx.organisation.name,
            "date": mentions[0]["text"],
            "amount": mentions[1]["text"],
            "object": mentions[2]["text"],
            "reference": tx.refdet,
            "transaction_id": tx.provider_id,
            "authorisation": mentions[5]["text"],
            "regie": tx.regie.name,
        },
        None,
        tx,
        attachments=[Attachment(f"recu-{tx.refdet}.pdf", "application/pdf", receipt_pdf(tx))],
    )
    ack = PaymentAcknowledgment.objects.create(
        transaction=tx, organisation=tx.organisation, mentions=mentions, message=message, sent_at=timezone.now()
    )
    from parvis.legal.enums import AcknowledgmentKind
    from parvis.legal.models import Acknowledgment

    for case_id in {i.case_id for i in invoices if i.case_id}:
        Acknowledgment.objects.create(
            organisation=tx.organisation,
            case_id=case_id,
            kind=AcknowledgmentKind.PAYMENT,
            mentions=mentions,
            message=message,
            sent_at=ack.sent_at,
        )
    record_event(
        action="payments.acknowledgment_sent",
        organisation=tx.organisation,
        obj=tx,
        actor_label="paiement en ligne",
        after={"to": tx.email},
    )
    return ack


def receipt_pdf(tx: PaymentTransaction) -> bytes:
    from parvis.cases.documents import build_pdf

    invoices = list(tx.invoices.all().order_by("reference"))
    paid_at = timezone.localtime(tx.confirmed_at) if tx.confirmed_at else None
    lines = [
        f"Paiement reçu le {paid_at:%d/%m/%Y à %H:%M}." if paid_at else "Paiement non confirmé.",
        f"Montant : {format_cents(tx.amount_cents)}",
        f"Régie : {tx.regie.name}",
        f"Numéro de transaction : {tx.provider_id}"
        + (f" — autorisation {tx.provider_reference}" if tx.provider_reference else ""),
        "Factures réglées :\n"
        + "\n".join(f"{i.reference} — {i.subject} — {format_cents(i.amount_cents)}" for i in invoices),
    ]
    if tx.is_test:
        lines.append("Paiement de démonstration ou de test : aucune somme n'a été prélevée.")
    return build_pdf(
        organisation=tx.organisation,
        department=None,
        reference=tx.refdet,
        title="Reçu de paiement",
        text="\n\n".join(lines),
        issued_on=(paid_at or timezone.localtime()).date(),
    )


def _after_invoice_paid(invoice: Invoice) -> None:
    """A procedure's fee is paid: the case moves on by itself (actor None, the system)."""
    if invoice.case is None or not invoice.paid_transition:
        return
    from parvis.cases.services import CaseError, IllegalTransition, apply_transition

    try:
        with transaction.atomic():
            apply_transition(
                case=invoice.case,
                transition_key=invoice.paid_transition,
                actor=None,
                comment=f"Paiement de {format_cents(invoice.amount_cents)} reçu (facture {invoice.reference}).",
            )
    except (CaseError, IllegalTransition):
        logger.warning("Invoice %s paid, but case %s could not move on", invoice.reference, invoice.case_id)


def _log_notification(
    organisation: Organisation | None, tx: PaymentTransaction | None, payload: str, outcome: str, detail: str = ""
) -> None:
    ProviderNotification.objects.create(
        organisation=organisation, transaction=tx, payload=payload[:2000], outcome=outcome, detail=detail[:300]
    )


def handle_notification(*, organisation: Organisation | None, payload: str) -> str:
    """A provider's automatic notification (POST body): returns a ``NotificationOutcome`` value."""
    found = backends.identify_notification(payload)
    if found is None or organisation is None:
        _log_notification(organisation, None, payload, NotificationOutcome.INVALID, "notification illisible")
        logger.warning("Unreadable payment notification refused")
        return NotificationOutcome.INVALID
    tx = (
        PaymentTransaction.objects.filter(
            organisation=organisation, backend=found.backend, provider_id=found.provider_id
        )
        .select_related("regie")
        .first()
    )
    if tx is None:
        _log_notification(organisation, None, payload, NotificationOutcome.UNKNOWN, f"transaction {found.provider_id}")
        logger.warning("Payment notification for an unknown transaction refused")
        return NotificationOutcome.UNKNOWN
    if found.backend == Backend.PAYFIP_WS:
        try:
            outcome = backends.confirm(tx)  # never the posted fields: PayFiP is asked directly
        except backends.BackendError as exc:
            _log_notification(organisation, tx, payload, NotificationOutcome.UNAVAILABLE, str(exc))
            return NotificationOutcome.UNAVAILABLE
    else:
        outcome = backends.read_dummy_notification(tx, payload)
        if not outcome.signed:
            _log_notification(organisation, tx, payload, NotificationOutcome.INVALID, "notification non signée")
            return NotificationOutcome.INVALID
    result = apply_outcome(transaction_id=tx.pk, outcome=outcome, source="notification du prestataire")
    _log_notification(organisation, tx, payload, result, backends.RESULT_NAMES.get(outcome.result, "?"))
    return result


def confirm_on_return(tx: PaymentTransaction) -> PaymentTransaction:
    """The payer is back from the provider: ask the provider (never the query string) when possible."""
    if tx.status == TransactionStatus.PENDING and backends.can_confirm(tx.backend) and tx.provider_id:
        try:
            outcome = backends.confirm(tx)
        except backends.BackendError:
            pass  # the notification or the periodic job will tell
        else:
            apply_outcome(transaction_id=tx.pk, outcome=outcome, source="retour du payeur")
    tx.refresh_from_db()
    return tx


def recheck_pending(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Ask the provider about payments pending for more than 2 minutes; expire those past the delay."""
    now = now or timezone.now()
    counts = {"checked": 0, "expired": 0}
    pending = PaymentTransaction.objects.filter(status=TransactionStatus.PENDING, created_at__lte=now - RECHECK_AFTER)
    for tx in pending.select_related("regie")[:500]:
        counts["checked"] += 1
        result = None
        if backends.can_confirm(tx.backend) and tx.provider_id:
            try:
                result = apply_outcome(transaction_id=tx.pk, outcome=backends.confirm(tx), source="vérification")
            except backends.BackendError:
                result = None
        if result in {NotificationOutcome.APPLIED, NotificationOutcome.TAMPERED}:
            continue
        if backends.age(tx, now) >= dt.timedelta(minutes=tx.regie.pending_minutes):
            with transaction.atomic():
                changed = PaymentTransaction.objects.filter(pk=tx.pk, status=TransactionStatus.PENDING).update(
                    status=TransactionStatus.EXPIRED, bank_status="expiré sans réponse du prestataire", updated_at=now
                )
                if changed:
                    counts["expired"] += 1
                    record_event(
                        action="payments.payment_expired",
                        organisation=tx.organisation,
                        obj=tx,
                        actor_label="vérification",
                        after={"status": TransactionStatus.EXPIRED},
                    )
    return counts


# --- Overdue invoices and reminders -------------------------------------------------------------


def mark_overdue(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return Invoice.objects.filter(status=InvoiceStatus.TO_PAY, due_on__lt=today).update(status=InvoiceStatus.OVERDUE)


def send_reminders(*, today: dt.date | None = None) -> int:
    """Reminders before the due date and when overdue, each at most once per invoice (claimed by UPDATE)."""
    today = today or timezone.localdate()
    sent = 0
    before = Invoice.objects.filter(
        status=InvoiceStatus.TO_PAY,
        reminded_before_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
    ).exclude(payer_email="")
    overdue = Invoice.objects.filter(status=InvoiceStatus.OVERDUE, reminded_overdue_at__isnull=True).exclude(
        payer_email=""
    )
    for queryset, column, event in (
        (before, "reminded_before_at", "payment.invoice_reminder"),
        (overdue, "reminded_overdue_at", "payment.invoice_overdue"),
    ):
        for pk in list(queryset.values_list("pk", flat=True)[:1000]):
            with transaction.atomic():
                claimed = Invoice.objects.filter(pk=pk, **{f"{column}__isnull": True}).update(
                    **{column: timezone.now()}
                )
                if not claimed:
                    continue
                invoice = Invoice.objects.select_related("organisation").get(pk=pk)
                _email(invoice.organisation, event, invoice.payer_email, _invoice_context(invoice), None, invoice)
                sent += 1
    return sent


# --- Fees of procedures -----------------------------------------------------------------------


def fee_of(case: Any) -> int | None:
    from parvis.procedures.models import ProcedureAdoption

    adoption = ProcedureAdoption.objects.filter(organisation=case.organisation, procedure=case.procedure).first()
    if adoption is not None and adoption.fee_cents is not None:
        return adoption.fee_cents
    return case.procedure.fee_cents


def invoice_for_case(
    *, case: Any, regie_slug: str, amount_cents: int | None, paid_transition: str, actor: Any, notify: bool = True
) -> Invoice:
    """The ``request_payment`` workflow action: an invoice for the case's fee; the case waits for it."""
    from parvis.cases.enums import EventKind
    from parvis.cases.services import CaseError, _add_event

    regie = Regie.objects.filter(organisation=case.organisation, slug=regie_slug, is_active=True).first()
    if regie is None:
        raise CaseError(
            f"Le circuit demande un paiement à la régie « {regie_slug} », qui n'existe pas (ou plus) dans "
            f"{case.organisation.name}. Créez-la ou corrigez le circuit de la démarche."
        )
    amount = amount_cents if amount_cents is not None else fee_of(case)
    if not amount:
        raise CaseError("Aucun montant n'est fixé pour cette démarche : indiquez-le dans la démarche ou le circuit.")
    today = timezone.localdate()
    existing = Invoice.objects.filter(case=case, status__in=PAYABLE_STATUSES).first()
    if existing is not None:
        return existing  # the same fee is not asked twice
    number = Invoice.objects.filter(case=case).count() + 1
    try:
        invoice = create_invoice(
            organisation=case.organisation,
            regie=regie,
            reference=f"{case.reference}-P{number}"[:30],
            payer_name=case.requester_name,
            payer_email=case.requester_email,
            user=case.requester,
            subject=f"{case.procedure.title} — {case.reference}"[:200],
            issued_on=today,
            due_on=today + dt.timedelta(days=30),
            lines=[LineData(case.procedure.title[:200], 1, amount)],
            actor=actor,
            source=InvoiceSource.PROCEDURE,
            case=case,
            paid_transition=paid_transition,
            notify=notify,
        )
    except (PaymentError, IntegrityError) as exc:
        raise CaseError(f"La facture de la démarche n'a pas pu être émise : {exc}") from exc
    _add_event(
        case,
        kind=EventKind.MESSAGE_TO_CITIZEN,
        title="Paiement demandé",
        actor=actor,
        body=f"Un paiement de {format_cents(amount)} est demandé (facture {invoice.reference}). "
        "Vous pouvez le régler en ligne depuis cette page ou au guichet de la mairie.",
        data={"invoice": invoice.reference, "automatic": True},
    )
    return invoice
