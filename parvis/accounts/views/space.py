"""Mon espace: the resident's home, identity, company/association profiles, password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts import queries, services
from parvis.accounts.access import is_agent
from parvis.accounts.forms import HouseholdMemberForm, IdentityForm, MandateForm, PasswordChangeForm, ProfileForm
from parvis.accounts.middleware import needs_second_factor


@require_GET
@login_required
def space(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/space/home.html",
        {
            "profiles": list(queries.profiles_of(user)),  # type: ignore[arg-type]
            "is_agent_here": is_agent(request),
            "totp_device": queries.totp_device_of(user) if needs_second_factor(user) else None,  # type: ignore[arg-type]
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def identity_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {
        "first_name": user.first_name,  # type: ignore[union-attr]
        "last_name": user.last_name,  # type: ignore[union-attr]
        "phone": user.phone,  # type: ignore[union-attr]
        "birth_date": user.birth_date,  # type: ignore[union-attr]
        "postal_address": user.postal_address,  # type: ignore[union-attr]
    }
    form = IdentityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=user, actor=user, request=request, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Vos informations ont été enregistrées.")
            return redirect("accounts:space")
    return render(request, "accounts/space/identity.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def profiles(request: HttpRequest) -> HttpResponse:
    """The companies and associations the user acts for, and the form to add one."""
    form = ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.add_profile(
                user=request.user,  # type: ignore[arg-type]
                actor=request.user,  # type: ignore[arg-type]
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                siret=form.cleaned_data["siret"],
                rna=form.cleaned_data["rna"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Le profil « {profile.name} » a été ajouté.")
            return redirect("accounts:profiles")
    return render(
        request,
        "accounts/space/profiles.html",
        {
            "form": form,
            "profiles": [p for p in queries.profiles_of(request.user) if p.kind != "mandate"],  # type: ignore[arg-type]
        },
    )


@require_POST
@login_required
def profile_remove(request: HttpRequest, pk: int) -> HttpResponse:
    profile = queries.get_profile_for_owner(request, pk)
    services.remove_profile(profile=profile, actor=request.user, request=request)  # type: ignore[arg-type]
    messages.success(request, f"Le profil « {profile.name} » a été retiré de votre compte.")
    return redirect("accounts:profiles")


@never_cache
@sensitive_post_parameters("old_password", "password1", "password2")
@require_http_methods(["GET", "POST"])
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            user = services.change_password(
                user=request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["password1"],
                request=request,
            )
        except services.AccountError as error:
            form.add_error("old_password", str(error))
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            update_session_auth_hash(request, user)  # stay logged in here, log out other sessions
            messages.success(request, "Votre mot de passe a été modifié.")
            return redirect("accounts:space")
    return render(request, "accounts/space/password_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def household(request: HttpRequest) -> HttpResponse:
    """The people of my household, offered in forms that ask for a person (a child to enrol...)."""
    form = HouseholdMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_household_member(
                user=request.user,  # type: ignore[arg-type]
                actor=request.user,  # type: ignore[arg-type]
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, f"{member} fait partie de votre foyer.")
            return redirect("accounts:household")
    return render(
        request,
        "accounts/space/household.html",
        {"form": form, "members": queries.household_of(request.user)},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@login_required
def household_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = queries.get_household_member_for_owner(request, pk)
    name = str(member)
    services.remove_household_member(member=member, actor=request.user, request=request)  # type: ignore[arg-type]
    messages.success(request, f"{name} ne fait plus partie de votre foyer.")
    return redirect("accounts:household")


@require_http_methods(["GET", "POST"])
@login_required
def mandates(request: HttpRequest) -> HttpResponse:
    """The people I file procedures for (an "aidant"): added with their agreement, revocable."""
    form = MandateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mandate = services.add_mandate(
                user=request.user,  # type: ignore[arg-type]
                actor=request.user,  # type: ignore[arg-type]
                principal_name=data["principal_name"],
                basis=data["basis"],
                consent=data["consent"],
                principal_birth_date=data["principal_birth_date"],
                valid_until=data["valid_until"],
                request=request,
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(
                request,
                f"Mandat enregistré : vous pouvez faire des démarches {str(mandate)[0].lower()}{str(mandate)[1:]}.",
            )
            return redirect("accounts:mandates")
    return render(
        request,
        "accounts/space/mandates.html",
        {"form": form, "mandates": queries.mandates_of(request.user)},  # type: ignore[arg-type]
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@login_required
def mandate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    profile = queries.get_profile_for_owner(request, pk)
    try:
        services.revoke_mandate(profile=profile, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Le mandat pour {profile.name} est révoqué.")
    return redirect("accounts:mandates")
