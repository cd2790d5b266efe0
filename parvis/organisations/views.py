from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required, is_agent, memberships_in, organisation_required, roles_in
from parvis.accounts.enums import Role
from parvis.accounts.models import User
from parvis.audit.services import log_personal_data_view
from parvis.lib.colours import contrast_ratio
from parvis.organisations import services
from parvis.organisations.access import get_agent_for_admin, get_department_for_admin, get_membership_for_admin
from parvis.organisations.forms import AddAgentForm, DepartmentForm, GrantRoleForm, OrganisationSettingsForm
from parvis.organisations.models import Organisation
from parvis.organisations.queries import (
    admin_counts,
    agents_of,
    communes_summary,
    departments_of,
    epci_administrators_of,
    memberships_of_agent,
    public_organisations,
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The citizen portal's home; on an unknown host, the list of the platform's collectivités."""
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        return render(request, "organisations/citizen/chooser.html", {"organisations": public_organisations()})
    return render(
        request,
        "organisations/citizen/home.html",
        {
            "is_agent_here": is_agent(request),
            "communes": list(organisation.communes.all()) if organisation.is_epci else [],
        },
    )


@require_GET
@organisation_required
def legal_notices(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/citizen/legal_notices.html")


@require_GET
@organisation_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/citizen/accessibility.html")


@require_GET
@organisation_required
def personal_data(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/citizen/personal_data.html")


@require_GET
@organisation_required
@cache_control(max_age=300)
def theme_css(request: HttpRequest) -> HttpResponse:
    """The organisation's colours as CSS variables (a stylesheet, so the CSP needs no inline style)."""
    org = request.organisation  # type: ignore[attr-defined]
    contrast = "#ffffff" if contrast_ratio(org.primary_colour, "#ffffff") >= 4.5 else "#000000"
    css = (
        f":root {{ --primary: {org.primary_colour}; --primary-contrast: {contrast}; --accent: {org.accent_colour}; }}\n"
    )
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def _actor(request: HttpRequest) -> User:
    """The logged-in agent (the view's decorator has checked it)."""
    return cast(User, request.user)


def _organisation(request: HttpRequest) -> Organisation:
    return request.organisation  # type: ignore[attr-defined,no-any-return]


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's validation errors on the form's fields (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


@require_GET
@agent_required()
def backoffice(request: HttpRequest) -> HttpResponse:
    """As an agent, I see my roles here; as an administrator, the figures and shortcuts of my organisation."""
    organisation = _organisation(request)
    is_admin = Role.ADMIN in roles_in(request)
    return render(
        request,
        "organisations/backoffice/home.html",
        {
            "memberships": memberships_in(request),
            "is_admin": is_admin,
            "counts": admin_counts(organisation) if is_admin else None,
        },
    )


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def organisation_settings(request: HttpRequest) -> HttpResponse:
    """As an administrator, I change my organisation's identity, branding, legal notices and accessibility."""
    organisation = _organisation(request)
    # The form works on its own copy: the request's organisation stays as it was if the input is refused.
    instance = Organisation.objects.get(pk=organisation.pk)
    form = OrganisationSettingsForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(
                organisation=organisation, data=form.changed_data_dict(), actor=_actor(request)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Les informations de la collectivité ont été enregistrées.")
            return redirect("organisations:settings")
    hostnames = sorted(organisation.hostnames.all(), key=lambda h: (not h.is_primary, h.hostname))
    return render(
        request,
        "organisations/backoffice/settings.html",
        {"form": form, "hostnames": hostnames, "current_logo": organisation.logo},
    )


@require_GET
@agent_required(Role.ADMIN)
def department_list(request: HttpRequest) -> HttpResponse:
    """As an administrator, I see my organisation's departments, active or not."""
    return render(
        request,
        "organisations/backoffice/department_list.html",
        {"departments": list(departments_of(_organisation(request)))},
    )


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def department_create(request: HttpRequest) -> HttpResponse:
    """As an administrator, I create a department with the contact details acknowledgments need."""
    organisation = _organisation(request)
    form = DepartmentForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.create_department(
                organisation=organisation, data=form.service_data(), actor=_actor(request)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Le service « {department.name} » a été créé.")
            return redirect("organisations:department_list")
    return render(request, "organisations/backoffice/department_form.html", {"form": form, "department": None})


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I correct a department's name or contact details."""
    department = get_department_for_admin(request, pk)
    form = DepartmentForm(request.POST or None, instance=department, organisation=_organisation(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_department(department=department, data=form.service_data(), actor=_actor(request))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Le service a été enregistré.")
            return redirect("organisations:department_list")
    department.refresh_from_db()  # the form may have changed the instance; show the stored name
    return render(request, "organisations/backoffice/department_form.html", {"form": form, "department": department})


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def department_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I deactivate a department no longer in use (its history stays), or reactivate it."""
    department = get_department_for_admin(request, pk)
    active = request.POST.get("active") == "1"
    department = services.set_department_active(department=department, active=active, actor=_actor(request))
    if active:
        messages.success(request, f"Le service « {department.name} » est de nouveau actif.")
    else:
        messages.success(request, f"Le service « {department.name} » est désactivé : il n'est plus proposé.")
    return redirect("organisations:department_list")


@require_GET
@agent_required(Role.ADMIN)
def agent_list(request: HttpRequest) -> HttpResponse:
    """As an administrator, I see who holds which role in my organisation."""
    organisation = _organisation(request)
    return render(
        request,
        "organisations/backoffice/agent_list.html",
        {"agents": agents_of(organisation), "epci_admins": epci_administrators_of(organisation)},
    )


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def agent_add(request: HttpRequest) -> HttpResponse:
    """As an administrator, I give a role to a person by their email; a new person is invited by email."""
    organisation = _organisation(request)
    form = AddAgentForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            membership, invited = services.add_agent(
                organisation=organisation,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                department=data["department"],
                actor=_actor(request),
            )
        except services.AdministrationError as error:
            form.add_error(None, str(error))
        else:
            if invited:
                messages.success(request, f"Une invitation a été envoyée à {membership.user.email}.")
            else:
                messages.success(request, f"{membership.user} a reçu le rôle « {membership.get_role_display()} ».")
            return redirect("organisations:agent_detail", pk=membership.user_id)
    return render(request, "organisations/backoffice/agent_add.html", {"form": form})


def _agent_page(request: HttpRequest, pk: int, grant_form: GrantRoleForm | None = None) -> HttpResponse:
    organisation = _organisation(request)
    agent = get_agent_for_admin(request, pk)
    log_personal_data_view(actor=request.user, organisation=organisation, obj=agent, request=request)
    return render(
        request,
        "organisations/backoffice/agent_detail.html",
        {
            "agent": agent,
            "memberships": memberships_of_agent(organisation, agent),
            "grant_form": grant_form or GrantRoleForm(organisation=organisation),
        },
        status=400 if grant_form is not None else 200,
    )


@require_GET
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def agent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I see an agent's contact details and roles here, and change them."""
    return _agent_page(request, pk)


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def agent_grant(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I give one more role to an agent of my organisation."""
    organisation = _organisation(request)
    agent = get_agent_for_admin(request, pk)
    form = GrantRoleForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            membership = services.grant_membership(
                organisation=organisation,
                user=agent,
                role=form.cleaned_data["role"],
                department=form.cleaned_data["department"],
                actor=_actor(request),
            )
        except services.AdministrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Rôle « {membership.get_role_display()} » ajouté.")
            return redirect("organisations:agent_detail", pk=agent.pk)
    return _agent_page(request, pk, grant_form=form)


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def membership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I take a role away from an agent (never my own last administrator role)."""
    membership = get_membership_for_admin(request, pk)
    agent = membership.user
    try:
        services.revoke_membership(membership=membership, actor=_actor(request))
    except services.AdministrationError as error:
        messages.error(request, str(error))
        return redirect("organisations:agent_detail", pk=agent.pk)
    messages.success(request, f"Le rôle « {membership.get_role_display()} » de {agent} a été retiré.")
    if memberships_of_agent(_organisation(request), agent):
        return redirect("organisations:agent_detail", pk=agent.pk)
    return redirect("organisations:agent_list")


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def membership_title(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I set the « qualité » an agent signs in under one of their roles."""
    membership = get_membership_for_admin(request, pk)
    try:
        services.set_membership_title(membership=membership, title=request.POST.get("title", ""), actor=_actor(request))
    except services.AdministrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "La qualité de l'agent est enregistrée.")
    return redirect("organisations:agent_detail", pk=membership.user_id)


@require_GET
@agent_required(Role.ADMIN)
def communes(request: HttpRequest) -> HttpResponse:
    """As an administrator of an EPCI, I see its member communes and open their back offices.

    On a commune's hostname, the page only says which EPCI the commune belongs to and who,
    there, administers it too: never its sibling communes.
    """
    organisation = _organisation(request)
    if organisation.is_epci:
        context: dict[str, Any] = {"communes": communes_summary(organisation)}
    else:
        context = {"epci_admins": epci_administrators_of(organisation)}
    return render(request, "organisations/backoffice/communes.html", context)
