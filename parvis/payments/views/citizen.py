"""The payer's side: "Mes factures", paying one or several invoices, the return page, the receipt."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from parvis.accounts.access import organisation_required
from parvis.organisations.queries import absolute_url
from parvis.payments import services
from parvis.payments.access import get_invoice_for_citizen, get_transaction_for_citizen
from parvis.payments.enums import PAYABLE_STATUSES, TransactionStatus
from parvis.payments.models import PaymentAcknowledgment
from parvis.payments.queries import invoices_for_citizen, transactions_for_citizen


@require_GET
@organisation_required
@login_required
def my_invoices(request: HttpRequest) -> HttpResponse:
    """As a resident, I see my invoices to pay, those already paid, and my payments."""
    organisation = request.organisation  # type: ignore[attr-defined]
    invoices = list(invoices_for_citizen(organisation, request.user)[:200])
    to_pay = [i for i in invoices if i.status in PAYABLE_STATUSES]
    others = [i for i in invoices if i.status not in PAYABLE_STATUSES]
    payments = list(transactions_for_citizen(organisation, request.user)[:50])
    return render(
        request,
        "payments/citizen/my_invoices.html",
        {"to_pay": to_pay, "others": others, "payments": payments, "total_to_pay": sum(i.amount_cents for i in to_pay)},
    )


@require_GET
@organisation_required
@login_required
def my_invoice(request: HttpRequest, reference: str) -> HttpResponse:
    invoice = get_invoice_for_citizen(request, reference)
    return render(
        request,
        "payments/citizen/invoice.html",
        {"invoice": invoice, "lines": list(invoice.lines.all()), "refunds": list(invoice.refunds.all())},
    )


@require_POST
@organisation_required
@login_required
def pay(request: HttpRequest) -> HttpResponse:
    """As a resident, I pay the invoices I ticked (one régie at a time) through the online payment service."""
    organisation = request.organisation  # type: ignore[attr-defined]
    references = request.POST.getlist("invoices")
    invoices = list(invoices_for_citizen(organisation, request.user).filter(reference__in=references))
    if not invoices or len(invoices) != len(set(references)):
        messages.error(request, "Cochez au moins une de vos factures à payer.")
        return redirect("payments:my_invoices")
    try:
        started = services.start_payment(
            organisation=organisation,
            invoices=invoices,
            user=request.user,
            actor=request.user,
            url_for=lambda path: absolute_url(organisation, path),
        )
    except services.PaymentError as exc:
        messages.error(request, str(exc))
        return redirect("payments:my_invoices")
    return redirect(started.redirect_url)


@never_cache
@require_GET
@organisation_required
@login_required
def payment_return(request: HttpRequest, token: str) -> HttpResponse:
    """Back from the payment service: the outcome as the provider confirms it (the query string is ignored)."""
    tx = services.confirm_on_return(get_transaction_for_citizen(request, str(token)))
    return render(
        request,
        "payments/citizen/payment_return.html",
        {
            "tx": tx,
            "invoices": list(tx.invoices.all()),
            "paid": tx.status == TransactionStatus.PAID,
            "pending": tx.status == TransactionStatus.PENDING,
            "acknowledgment": PaymentAcknowledgment.objects.filter(transaction=tx).first(),
        },
    )


@require_GET
@organisation_required
@login_required
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    tx = get_transaction_for_citizen(request, str(token))
    if tx.status != TransactionStatus.PAID:
        messages.error(request, "Le reçu est disponible une fois le paiement confirmé.")
        return redirect("payments:payment_return", token=tx.token)
    response = HttpResponse(services.receipt_pdf(tx), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="recu-{tx.refdet}.pdf"'
    return response
