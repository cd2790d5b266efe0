"""Agents' side: invoices (list, new, import), counter payments, refunds, reconciliation; régies (admins)."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required
from parvis.accounts.enums import Role
from parvis.audit.services import log_personal_data_view, record_event
from parvis.payments import services
from parvis.payments.access import get_invoice_for_agent, get_regie_for_admin, may_handle_money
from parvis.payments.enums import PAID_STATUSES
from parvis.payments.forms import (
    CancelForm,
    CounterPaymentForm,
    ImportForm,
    InvoiceFilterForm,
    InvoiceForm,
    InvoiceLineFormSet,
    PeriodForm,
    RefundForm,
    RegieForm,
)
from parvis.payments.queries import invoices_for_agents, reconciliation, regies_of, totals_per_regie

INVOICES_PER_PAGE = 50
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _org(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


@require_GET
@agent_required()
def invoice_list(request: HttpRequest) -> HttpResponse:
    """As an agent, I find invoices by state, régie, due date or payer."""
    form = InvoiceFilterForm(request.GET or None, organisation=_org(request))
    filters = form.cleaned_data if form.is_valid() else {}
    found = invoices_for_agents(
        _org(request),
        status=filters.get("status", ""),
        regie=filters.get("regie"),
        search=(filters.get("q") or "").strip(),
        due_before=filters.get("due_before"),
    )
    page = Paginator(found, INVOICES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "payments/backoffice/invoice_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_act": may_handle_money(request)},
    )


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE)
def invoice_new(request: HttpRequest) -> HttpResponse:
    """As an agent, I issue an invoice with its lines."""
    organisation = _org(request)
    form = InvoiceForm(request.POST or None, organisation=organisation)
    lines = InvoiceLineFormSet(request.POST or None, prefix="lignes")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = [
            services.LineData(line["label"], line.get("quantity") or 1, line["unit"])
            for line in lines.cleaned_data
            if line.get("label")
        ]
        try:
            invoice = services.create_invoice(
                organisation=organisation,
                regie=form.cleaned_data["regie"],
                reference=form.cleaned_data["reference"],
                payer_name=form.cleaned_data["payer_name"],
                payer_email=form.cleaned_data["payer_email"],
                subject=form.cleaned_data["subject"],
                issued_on=form.cleaned_data["issued_on"],
                due_on=form.cleaned_data["due_on"],
                lines=data,
                actor=request.user,
            )
        except services.PaymentError as exc:
            form.add_error(None, str(exc))  # beside the form when it is still shown...
            messages.error(request, str(exc))  # ...and at the top when the invoice's state hides it
        else:
            messages.success(request, f"Facture {invoice.reference} émise.")
            return redirect("payments:invoice_detail", reference=invoice.reference)
    return render(request, "payments/backoffice/invoice_new.html", {"form": form, "lines": lines})


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE)
def invoice_import(request: HttpRequest) -> HttpResponse:
    """As an agent, I import the invoices exported by the billing software: all of them, or none."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", "Le fichier dépasse 5 Mo : découpez-le.")
        else:
            report = services.import_invoices(organisation=_org(request), content=upload.read(), actor=request.user)
            if report.imported:
                messages.success(request, f"{report.invoices} facture(s) importée(s) ({report.rows} ligne(s)).")
                return redirect("payments:invoice_list")
    return render(
        request,
        "payments/backoffice/invoice_import.html",
        {"form": form, "report": report, "columns": services.CSV_COLUMNS},
    )


@require_GET
@agent_required()
def invoice_detail(request: HttpRequest, reference: str) -> HttpResponse:
    invoice = get_invoice_for_agent(request, reference)
    return _render_detail(request, invoice)


# The forms of the invoice page, by prefix: a refused one is shown again, bound, with its errors.
DETAIL_FORMS = {"guichet": "counter_form", "remboursement": "refund_form", "annulation": "cancel_form"}


def _render_detail(request: HttpRequest, invoice: Any, *, bound: Any = None, status: int = 200) -> HttpResponse:
    log_personal_data_view(actor=request.user, organisation=invoice.organisation, obj=invoice, request=request)
    forms = {
        "counter_form": CounterPaymentForm(prefix="guichet"),
        "refund_form": RefundForm(prefix="remboursement"),
        "cancel_form": CancelForm(prefix="annulation"),
    }
    if bound is not None:
        forms[DETAIL_FORMS[bound.prefix]] = bound
    return render(
        request,
        "payments/backoffice/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "refunds": list(invoice.refunds.all()),
            "transactions": list(invoice.transactions.all().order_by("-created_at")),
            "can_act": may_handle_money(request),
            "is_paid": invoice.status in PAID_STATUSES,
            **forms,
        },
        status=status,
    )


def _act(request: HttpRequest, reference: str, form_class: type, prefix: str, action: Any, done: str) -> HttpResponse:
    """Apply one action of the invoice page; a refusal shows the page again with the form as typed."""
    invoice = get_invoice_for_agent(request, reference, write=True)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            action(invoice, form.cleaned_data)
        except services.PaymentError as exc:
            form.add_error(None, str(exc))  # beside the form when it is still shown...
            messages.error(request, str(exc))  # ...and at the top when the invoice's state hides it
        else:
            messages.success(request, done)
            return redirect("payments:invoice_detail", reference=invoice.reference)
    invoice.refresh_from_db()
    return _render_detail(request, invoice, bound=form, status=400)


@require_POST
@agent_required(Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE)
def counter_payment(request: HttpRequest, reference: str) -> HttpResponse:
    """As a front-office agent, I record an invoice paid at the counter in cash or by cheque."""
    return _act(
        request,
        reference,
        CounterPaymentForm,
        "guichet",
        lambda invoice, data: services.record_counter_payment(
            invoice=invoice, method=data["method"], note=data["note"], actor=request.user
        ),
        "Paiement au guichet enregistré.",
    )


@require_POST
@agent_required(Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE)
def refund(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        RefundForm,
        "remboursement",
        lambda invoice, data: services.record_refund(
            invoice=invoice,
            amount_cents=data["amount"] or 0,
            reason=data["reason"],
            method=data["method"],
            actor=request.user,
        ),
        "Remboursement enregistré.",
    )


@require_POST
@agent_required(Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE)
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        CancelForm,
        "annulation",
        lambda invoice, data: services.cancel_invoice(invoice=invoice, reason=data["reason"], actor=request.user),
        "Facture annulée.",
    )


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date]:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    form = PeriodForm(request.GET or {"start": yesterday.isoformat(), "end": yesterday.isoformat()})
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, yesterday, yesterday


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


@require_GET
@agent_required(Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.ELECTED)
def reconciliation_page(request: HttpRequest) -> HttpResponse:
    """As the treasurer's contact, I see what each régie received over a period, and export it."""
    form, start, end = _period(request)
    lower, upper = _bounds(start, end)
    rows = reconciliation(_org(request), lower, upper)
    totals = totals_per_regie(_org(request), lower, upper)
    return render(
        request,
        "payments/backoffice/reconciliation.html",
        {
            "form": form,
            "rows": rows,
            "totals": totals,
            "start": start,
            "end": end,
            "net_cents": sum(r.amount_cents for r in rows),
        },
    )


@require_GET
@agent_required(Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.ELECTED)
def reconciliation_csv(request: HttpRequest) -> HttpResponse:
    """The treasurer's export: one line per payment (PayFiP transaction ids, dates, amounts) and refund."""
    form, start, end = _period(request)
    lower, upper = _bounds(start, end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rapprochement-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        ["date", "heure", "type", "regie", "numcli", "refdet", "idop", "numauto", "montant", "factures", "payeur"]
    )
    for row in reconciliation(_org(request), lower, upper):
        at = timezone.localtime(row.at)
        sign = "-" if row.amount_cents < 0 else ""
        amount = f"{sign}{abs(row.amount_cents) // 100},{abs(row.amount_cents) % 100:02d}"
        writer.writerow(
            [
                f"{at:%d/%m/%Y}",
                f"{at:%H:%M:%S}",
                row.kind,
                row.regie,
                row.numcli,
                row.refdet,
                row.provider_id,
                row.authorisation,
                amount,
                row.invoices,
                row.payer,
            ]
        )
    record_event(
        action="payments.reconciliation_exported",
        actor=request.user,
        organisation=_org(request),
        request=request,
        after={"start": start.isoformat(), "end": end.isoformat()},
    )
    return response


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def regie_list(request: HttpRequest) -> HttpResponse:
    """As an administrator, I set up the régies and their online payment (PayFiP or, in the demo, simulated)."""
    form = RegieForm(request.POST or None, prefix="nouvelle")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_regie(organisation=_org(request), data=form.service_data(), actor=request.user)
        except services.PaymentError as exc:
            form.add_error(None, str(exc))  # beside the form when it is still shown...
            messages.error(request, str(exc))  # ...and at the top when the invoice's state hides it
        else:
            messages.success(request, "Régie créée.")
            return redirect("payments:regie_list")
    return render(
        request, "payments/backoffice/regie_list.html", {"form": form, "regies": list(regies_of(_org(request)))}
    )


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's régie, then 403 without the role
def regie_edit(request: HttpRequest, pk: int) -> HttpResponse:
    regie = get_regie_for_admin(request, pk)
    initial = {
        "name": regie.name,
        "slug": regie.slug,
        "kind": regie.kind,
        "backend": regie.backend,
        "numcli": regie.numcli,
        "saisie": regie.backend_options.get("saisie", "T"),
        "pending_minutes": regie.pending_minutes,
        "is_active": regie.is_active,
    }
    form = RegieForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data.pop("slug")  # the identifier is used by imports and workflows: it does not change
        try:
            services.save_regie(organisation=_org(request), data=data, actor=request.user, regie=regie)
        except services.PaymentError as exc:
            form.add_error(None, str(exc))  # beside the form when it is still shown...
            messages.error(request, str(exc))  # ...and at the top when the invoice's state hides it
        else:
            messages.success(request, "Régie enregistrée.")
            return redirect("payments:regie_list")
    form.fields["slug"].disabled = True
    return render(request, "payments/backoffice/regie_edit.html", {"form": form, "regie": regie})
