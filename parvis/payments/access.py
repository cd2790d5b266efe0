"""The gates for invoices, payments and régies taken from a URL (404 for other tenants)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parvis.accounts.access import memberships_in, roles_in
from parvis.accounts.enums import Role
from parvis.payments.models import Invoice, PaymentTransaction, Regie
from parvis.payments.queries import invoices_visible_to


def _organisation(request: HttpRequest):  # type: ignore[no-untyped-def]
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    return organisation


def may_handle_money(request: HttpRequest) -> bool:
    """Read-only elected officials see invoices; the other roles may record payments."""
    return not {m.role for m in memberships_in(request)} <= {Role.ELECTED}


def get_invoice_for_agent(request: HttpRequest, reference: str, *, write: bool = False) -> Invoice:
    invoice = (
        Invoice.objects.select_related("regie", "case", "user", "paid_transaction", "counter_recorded_by")
        .filter(organisation=_organisation(request), reference=reference)
        .first()
    )
    if invoice is None:
        raise Http404("Facture introuvable.")
    if write and not may_handle_money(request):
        raise PermissionDenied("Votre rôle permet de consulter les factures, pas d'enregistrer des paiements.")
    return invoice


def get_invoice_for_citizen(request: HttpRequest, reference: str) -> Invoice:
    invoice = (
        Invoice.objects.select_related("regie")
        .filter(organisation=_organisation(request), reference=reference)
        .filter(invoices_visible_to(request.user))
        .first()
    )
    if invoice is None:
        raise Http404("Facture introuvable.")
    return invoice


def get_transaction_for_citizen(request: HttpRequest, token: str) -> PaymentTransaction:
    tx = (
        PaymentTransaction.objects.select_related("regie", "organisation")
        .filter(organisation=_organisation(request), token=token, user_id=request.user.pk or 0)
        .first()
    )
    if tx is None:
        raise Http404("Paiement introuvable.")
    return tx


def get_regie_for_admin(request: HttpRequest, pk: int) -> Regie:
    regie = Regie.objects.filter(organisation=_organisation(request), pk=pk).first()
    if regie is None:
        raise Http404("Régie introuvable.")
    if Role.ADMIN not in roles_in(request):
        raise PermissionDenied("Seuls les administrateurs configurent les régies.")
    return regie
