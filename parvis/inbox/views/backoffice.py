"""The received emails (/backoffice/courriels/): the tray, a message, qualifying it into a case,
attaching it to a case, ignoring it; the administrators' inbound addresses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required
from parvis.accounts.enums import Role
from parvis.inbox import queries, services
from parvis.inbox.access import TRAY_ROLES, get_address_for_admin, get_message_for_agent
from parvis.inbox.enums import MessageStatus
from parvis.inbox.forms import AddressForm, AttachForm, IgnoreForm, ToCaseForm, TrayFilterForm
from parvis.inbox.models import InboundAddress, InboundMessage
from parvis.inbox.parsing import all_headers, parse_message

MESSAGES_PER_PAGE = 50


def _org(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


@require_GET
@agent_required(*TRAY_ROLES)
def tray(request: HttpRequest) -> HttpResponse:
    """As an agent, I see the emails received at the commune's addresses, those to qualify first."""
    organisation = _org(request)
    form = TrayFilterForm(request.GET or None)
    status = form.cleaned_data.get("etat", "") if form.is_valid() else ""
    page = Paginator(queries.tray(organisation, status=status), MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inbox/backoffice/tray.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "to_qualify": queries.count_to_qualify(organisation),
            "is_admin": Role.ADMIN in _roles(request),
        },
    )


def _roles(request: HttpRequest) -> set[str]:
    from parvis.accounts.access import roles_in

    return roles_in(request)


def _parsed(message: InboundMessage) -> tuple[Any, str]:
    try:
        return parse_message(bytes(message.raw)), ""
    except Exception as exc:  # noqa: BLE001 - the page still shows the raw headers
        return None, f"{type(exc).__name__}: {exc}"


def _detail(request: HttpRequest, message: InboundMessage, status: int = 200, **forms: Any) -> HttpResponse:
    organisation = _org(request)
    parsed, error = _parsed(message)
    open_actions = message.status not in {MessageStatus.CASE_CREATED, MessageStatus.ATTACHED}
    case_visible = False
    if message.case_id:
        from parvis.cases.access import cases_visible_to_agent

        case_visible = cases_visible_to_agent(request).filter(pk=message.case_id).exists()
    return render(
        request,
        "inbox/backoffice/detail.html",
        {
            "message": message,
            "parsed": parsed,
            "parse_error": error,
            "headers": all_headers(bytes(message.raw)),
            "open_actions": open_actions,
            "case_visible": case_visible,
            "to_case_form": forms.get("to_case_form")
            or ToCaseForm(organisation=organisation, initial={"procedure": message.address.procedure_id}),
            "attach_form": forms.get("attach_form")
            or AttachForm(initial={"reference": message.reason_detail if message.case_id else ""}),
            "ignore_form": forms.get("ignore_form") or IgnoreForm(),
        },
        status=status,
    )


@require_GET
@agent_required(*TRAY_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_message_for_agent(request, pk))


@require_GET
@agent_required(*TRAY_ROLES)
def attachment(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """Download one attachment as received (never shown inline: it was not checked)."""
    message = get_message_for_agent(request, pk)
    parsed, _ = _parsed(message)
    if parsed is None or not 1 <= index <= len(parsed.attachments):
        raise Http404("Pièce jointe introuvable.")
    item = parsed.attachments[index - 1]
    response = HttpResponse(item.data, content_type="application/octet-stream")
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, item.filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@agent_required(*TRAY_ROLES)
def to_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Qualify the email into a new case of the chosen procedure, filed by email for the sender."""
    message = get_message_for_agent(request, pk)
    form = ToCaseForm(request.POST, organisation=_org(request))
    if form.is_valid():
        try:
            case = services.create_case_from_message(
                message=message, procedure=form.cleaned_data["procedure"], actor=request.user, request=request
            )
        except services.InboxError as exc:
            form.add_error("procedure", str(exc))
        else:
            messages.success(request, f"Demande {case.reference} créée à partir du courriel.")
            from parvis.cases.access import cases_visible_to_agent

            if cases_visible_to_agent(request).filter(pk=case.pk).exists():
                return redirect("cases:detail", reference=case.reference)
            return redirect("inbox:detail", pk=message.pk)
    return _detail(request, message, status=400, to_case_form=form)


@require_POST
@agent_required(*TRAY_ROLES)
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the email to an existing case, given by its reference."""
    from parvis.cases.queries import case_from_reference_field

    message = get_message_for_agent(request, pk)
    form = AttachForm(request.POST)
    if form.is_valid():
        case = case_from_reference_field(request, form)
        if case is not None:
            try:
                services.attach_message_to_case(message=message, case=case, actor=request.user, request=request)
            except services.InboxError as exc:
                form.add_error("reference", str(exc))
            else:
                messages.success(request, f"Courriel rattaché à la demande {case.reference}.")
                return redirect("inbox:detail", pk=message.pk)
    return _detail(request, message, status=400, attach_form=form)


@require_POST
@agent_required(*TRAY_ROLES)
def ignore(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_message_for_agent(request, pk)
    form = IgnoreForm(request.POST)
    if form.is_valid():
        try:
            services.ignore_message(
                message=message, reason=form.cleaned_data["reason"], actor=request.user, request=request
            )
        except services.InboxError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, "Courriel ignoré ; il reste consultable dans la liste.")
            return redirect("inbox:tray")
    return _detail(request, message, status=400, ignore_form=form)


# --- Administrators: inbound addresses ---


def _address_values(form: AddressForm) -> tuple[dict[str, Any], str | None]:
    data = dict(form.cleaned_data)
    password = data.pop("imap_password", "") or None
    return data, password


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def addresses(request: HttpRequest) -> HttpResponse:
    """As an administrator, I set the addresses whose emails become cases."""
    organisation = _org(request)
    form = AddressForm(request.POST or None, organisation=organisation, prefix="nouvelle")
    if request.method == "POST":
        if form.is_valid():
            values, password = _address_values(form)
            try:
                address = services.save_address(
                    organisation=organisation, values=values, imap_password=password, actor=request.user,
                    request=request,
                )  # fmt: skip
            except services.InboxError as exc:
                form.add_error("address", str(exc))
            else:
                messages.success(request, f"Adresse {address.address} enregistrée.")
                return redirect("inbox:address_edit", pk=address.pk)
        status = 400
    else:
        status = 200
    return render(
        request,
        "inbox/backoffice/addresses.html",
        {"form": form, "addresses": list(queries.addresses_of(organisation))},
        status=status,
    )


def _address_page(
    request: HttpRequest, address: InboundAddress, form: AddressForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    from parvis.organisations.queries import absolute_url

    webhook_url = absolute_url(address.organisation, f"/inbox/{address.pk}/mime/")
    return render(
        request,
        "inbox/backoffice/address.html",
        {"address": address, "form": form, "secret": secret, "webhook_url": webhook_url},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's address, then 403 without the role
def address_edit(request: HttpRequest, pk: int) -> HttpResponse:
    address = get_address_for_admin(request, pk)
    form = AddressForm(request.POST or None, instance=address, organisation=_org(request))
    if request.method == "POST":
        if form.is_valid():
            values, password = _address_values(form)
            address.refresh_from_db()  # the ModelForm changed the instance; the service compares
            try:
                services.save_address(
                    organisation=_org(request), address=address, values=values, imap_password=password,
                    actor=request.user, request=request,
                )  # fmt: skip
            except services.InboxError as exc:
                form.add_error("address", str(exc))
            else:
                messages.success(request, "Adresse enregistrée.")
                return redirect("inbox:address_edit", pk=address.pk)
        return _address_page(request, address, form, status=400)
    return _address_page(request, address, form)


@require_POST
@agent_required()
def address_secret(request: HttpRequest, pk: int) -> HttpResponse:
    """A new webhook secret, shown on this page once (never stored in clear)."""
    address = get_address_for_admin(request, pk)
    secret = services.regenerate_webhook_secret(address=address, actor=request.user, request=request)
    return _address_page(request, address, AddressForm(instance=address, organisation=_org(request)), secret=secret)
