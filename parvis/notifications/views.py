"""Agents' view of the outbox, and administrators' message templates."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required, roles_in
from parvis.accounts.enums import Role
from parvis.audit.services import log_personal_data_view
from parvis.notifications import services
from parvis.notifications.enums import Channel
from parvis.notifications.forms import MessageTemplateForm, OutboxFilterForm
from parvis.notifications.queries import (
    get_event_for_admin,
    get_message_for_agent,
    outbox_for_organisation,
    own_template,
    own_templates,
    sample_context,
)
from parvis.notifications.rendering import default_source, known_events, render_sources
from parvis.organisations.queries import absolute_url

OUTBOX_ROLES = (Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE)


@require_GET
@agent_required(*OUTBOX_ROLES)
def outbox(request: HttpRequest) -> HttpResponse:
    """As an agent, I see which emails and SMS my organisation sent, is sending, or failed to send."""
    form = OutboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = outbox_for_organisation(
        request.organisation,  # type: ignore[attr-defined]
        status=filters.get("status", ""),
        channel=filters.get("channel", ""),
        search=filters.get("q", "").strip(),
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/backoffice/outbox.html",
        {"form": form, "page": page, "query": query.urlencode(), "is_admin": Role.ADMIN in roles_in(request)},
    )


@require_GET
@agent_required(*OUTBOX_ROLES)
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """As an agent, I read a message as it was sent, and why its delivery failed."""
    message = get_message_for_agent(request, pk)
    log_personal_data_view(actor=request.user, organisation=message.organisation, obj=message, request=request)
    return render(
        request,
        "notifications/backoffice/message_detail.html",
        {"message": message, "attempts": list(message.delivery_attempts.all())},
    )


@require_POST
@agent_required(*OUTBOX_ROLES)
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """As an agent, I send a failed message again now."""
    message = get_message_for_agent(request, pk)
    try:
        services.retry_message(message=message, actor=request.user, request=request)
    except services.NotificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Le message est de nouveau en file d'envoi.")
    return redirect("notifications:message_detail", pk=message.pk)


@require_POST
@agent_required(*OUTBOX_ROLES)
def message_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """As an agent, I stop a message that should no longer be sent."""
    message = get_message_for_agent(request, pk)
    try:
        services.cancel_message(message=message, actor=request.user, request=request)
    except services.NotificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Le message a été annulé : il ne sera pas envoyé.")
    return redirect("notifications:message_detail", pk=message.pk)


@require_GET
@agent_required(Role.ADMIN)
def template_list(request: HttpRequest) -> HttpResponse:
    """As an administrator, I see every message my organisation sends and whether we changed its wording."""
    own = own_templates(request.organisation)  # type: ignore[attr-defined]
    rows = []
    for info in known_events():
        for channel in info.channels:
            subject, body = default_source(info.event, channel)
            rows.append(
                {
                    "info": info,
                    "channel": channel,
                    "channel_label": Channel(channel).label,
                    "own": own.get((info.event, channel)),
                    "default_subject": subject,
                    "default_body": body,
                }
            )
    return render(request, "notifications/backoffice/templates.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def template_edit(request: HttpRequest, event: str, channel: str) -> HttpResponse:
    """As an administrator, I write my organisation's wording of a message, preview it, and save it."""
    info = get_event_for_admin(event, channel)
    organisation = request.organisation  # type: ignore[attr-defined]
    own = own_template(organisation, event, channel)
    default_subject, default_body = default_source(event, channel)
    initial = {"subject": own.subject, "body": own.body} if own else {"subject": default_subject, "body": default_body}
    form = MessageTemplateForm(request.POST or None, initial=initial, channel=channel)
    preview = None
    if request.method == "POST" and form.is_valid():
        subject, body = form.cleaned_data.get("subject", ""), form.cleaned_data["body"]
        if "preview" in request.POST:
            preview = render_sources(
                subject=subject, body=body, channel=channel, context=sample_context(info, organisation)
            )
        else:
            try:
                services.save_message_template(
                    organisation=organisation,
                    event=event,
                    channel=channel,
                    subject=subject,
                    body=body,
                    actor=request.user,
                    request=request,
                )
            except services.TemplateInvalid as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, f"Le modèle « {info.label} » ({Channel(channel).label}) est enregistré.")
                return redirect("notifications:templates")
    elif request.method == "GET":
        preview = render_sources(
            subject=initial["subject"],
            body=initial["body"],
            channel=channel,
            context=sample_context(info, organisation),
        )
    return render(
        request,
        "notifications/backoffice/template_edit.html",
        {
            "info": info,
            "channel": channel,
            "channel_label": Channel(channel).label,
            "form": form,
            "own": own,
            "preview": preview,
            "default_subject": default_subject,
            "default_body": default_body,
        },
    )


@require_POST
@agent_required(Role.ADMIN)
def template_reset(request: HttpRequest, event: str, channel: str) -> HttpResponse:
    """As an administrator, I go back to Parvis's default wording."""
    info = get_event_for_admin(event, channel)
    if services.reset_message_template(
        organisation=request.organisation,  # type: ignore[attr-defined]
        event=event,
        channel=channel,
        actor=request.user,
        request=request,
    ):
        messages.success(request, f"Le modèle « {info.label} » reprend le texte par défaut.")
    else:
        messages.success(request, f"Le modèle « {info.label} » utilisait déjà le texte par défaut.")
    return redirect("notifications:templates")


@require_POST
@agent_required(Role.ADMIN)
def send_test(request: HttpRequest) -> HttpResponse:
    """As an administrator, I send myself a test email to check that mail leaves the platform."""
    organisation = request.organisation  # type: ignore[attr-defined]
    message = services.queue_message(
        organisation=organisation,
        event="notifications.test",
        to=request.user.email,  # type: ignore[union-attr]
        context={"recipient_name": request.user.get_full_name(), "portal_url": absolute_url(organisation, "/")},  # type: ignore[union-attr]
        actor=request.user,
    )
    messages.success(request, f"Un message d'essai part vers {message.to} ; suivez son envoi ci-dessous.")
    return redirect("notifications:message_detail", pk=message.pk)
