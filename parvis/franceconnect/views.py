"""FranceConnect login, account linking and logout; its settings page; magic-link login.

The authorization request's ``state`` and ``nonce`` (random, 43 characters) live in the session and
are used once: the callback pops them before anything else, so a replayed callback finds nothing.
Every refusal ends on the login page with a French message, nobody logged in.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from parvis.accounts import services as account_services
from parvis.accounts.access import agent_required, organisation_required
from parvis.accounts.enums import Role
from parvis.accounts.models import User
from parvis.accounts.views.common import SESSION_MARKER_COOKIE, safe_next, set_session_marker
from parvis.franceconnect import client, services
from parvis.franceconnect.csp import ORIGIN_SESSION_FIELD, origin_of
from parvis.franceconnect.forms import ConfigForm, MagicLinkForm, PasswordLinkForm
from parvis.franceconnect.models import FranceConnectConfig
from parvis.organisations.models import Organisation

FLOW_SESSION_KEY = "franceconnect_flow"  # state, nonce, configuration, next: one login attempt
SESSION_KEY = "franceconnect"  # id_token and configuration of a user logged in with FranceConnect
PENDING_LINK_SESSION_KEY = "franceconnect_pending_link"
LOGOUT_STATE_SESSION_KEY = "franceconnect_logout_state"
FLOW_MAX_AGE = 10 * 60
BACKEND = "parvis.accounts.backends.EmailBackend"

NOT_AVAILABLE = (
    "La connexion avec FranceConnect n'est pas proposée sur ce site. Connectez-vous avec votre adresse électronique."
)
STATE_REFUSED = (
    "La connexion avec FranceConnect a échoué : cette réponse ne correspond à aucune demande de connexion en cours "
    "(lien déjà utilisé ou expiré). Recommencez depuis le bouton FranceConnect."
)
CANCELLED = (
    "La connexion avec FranceConnect a été annulée ou refusée. Vous pouvez réessayer ou vous connecter autrement."
)


def _organisation(request: HttpRequest) -> Organisation | None:
    return getattr(request, "organisation", None)


def _refuse(request: HttpRequest, message: str, reason: str) -> HttpResponse:
    services.record_refusal(reason=reason, request=request)
    messages.error(request, message)
    return redirect("accounts:login")


def _callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("franceconnect:callback"))


@never_cache
@require_GET
@organisation_required
def login(request: HttpRequest) -> HttpResponse:
    """Start: remember a fresh state and nonce, send the browser to FranceConnect's authorize."""
    if request.user.is_authenticated:
        return redirect("accounts:landing")
    config = services.config_for(_organisation(request))
    if config is None:
        messages.error(request, NOT_AVAILABLE)
        return redirect("accounts:login")
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    request.session[FLOW_SESSION_KEY] = {
        "state": state,
        "nonce": nonce,
        "config_id": config.pk,
        "next": safe_next(request),
        "started_at": time.time(),
    }
    provider = client.provider_for(config)
    return redirect(client.authorization_url(provider, redirect_uri=_callback_uri(request), state=state, nonce=nonce))


def _log_in(request: HttpRequest, user: User, *, id_token: str, config_id: int, next_url: str) -> HttpResponse:
    auth_login(request, user, backend=BACKEND)
    config = FranceConnectConfig.objects.get(pk=config_id)
    origin = origin_of(client.provider_for(config).endpoints.end_session)
    request.session[SESSION_KEY] = {"id_token": id_token, "config_id": config_id, ORIGIN_SESSION_FIELD: origin}
    return set_session_marker(request, redirect(next_url or reverse("accounts:landing")))


@never_cache
@require_GET
@organisation_required
def callback(request: HttpRequest) -> HttpResponse:
    """FranceConnect's answer: check state (once) and iss, exchange the code, verify, reconcile."""
    flow: dict[str, Any] | None = request.session.pop(FLOW_SESSION_KEY, None)
    state = request.GET.get("state", "")
    if (
        not flow
        or not state
        or not hmac.compare_digest(str(flow.get("state", "")).encode(), state.encode())
        or time.time() - float(flow.get("started_at", 0)) > FLOW_MAX_AGE
    ):
        return _refuse(request, STATE_REFUSED, "bad_state")
    config = FranceConnectConfig.objects.filter(pk=flow["config_id"], enabled=True).first()
    if config is None or config != services.config_for(_organisation(request)):
        return _refuse(request, NOT_AVAILABLE, "config_gone")
    if request.GET.get("error"):
        return _refuse(request, CANCELLED, f"provider_error: {request.GET.get('error')}")
    provider = client.provider_for(config)
    iss = request.GET.get("iss")
    if iss is not None and iss != provider.endpoints.issuer:
        return _refuse(request, client.REFUSED.format(detail="émetteur inattendu"), "bad_iss_parameter")
    code = request.GET.get("code", "")
    if not code:
        return _refuse(request, client.REFUSED.format(detail="code d'autorisation absent"), "missing_code")
    try:
        tokens = client.exchange_code(provider, code=code, redirect_uri=_callback_uri(request))
        id_claims = client.verify_id_token(provider, tokens.id_token, nonce=str(flow["nonce"]))
        userinfo = client.fetch_userinfo(provider, access_token=tokens.access_token, sub=id_claims["sub"])
    except client.FranceConnectError as error:
        return _refuse(request, error.message, error.reason)
    claims = services.FranceConnectIdentityClaims.from_claims(
        issuer=provider.endpoints.issuer, client_id=provider.client_id, userinfo=userinfo
    )
    try:
        result = services.reconcile(claims=claims, request=request)
    except services.FranceConnectRuleError as error:
        return _refuse(request, str(error), "reconciliation")
    if result.outcome is services.Outcome.NEEDS_PASSWORD:
        request.session[PENDING_LINK_SESSION_KEY] = {
            "claims": claims.as_session(),
            "id_token": tokens.id_token,
            "config_id": config.pk,
            "next": flow.get("next", ""),
            "started_at": time.time(),
        }
        return redirect("franceconnect:link_account")
    assert result.user is not None
    if result.outcome is services.Outcome.CREATED:
        messages.success(request, "Votre compte a été créé avec votre identité FranceConnect. Bienvenue !")
    return _log_in(request, result.user, id_token=tokens.id_token, config_id=config.pk, next_url=flow.get("next", ""))


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@organisation_required
def link_account(request: HttpRequest) -> HttpResponse:
    """An account already uses the email FranceConnect gave: its password, typed once, links the two."""
    pending: dict[str, Any] | None = request.session.get(PENDING_LINK_SESSION_KEY)
    if not pending or time.time() - float(pending.get("started_at", 0)) > FLOW_MAX_AGE:
        request.session.pop(PENDING_LINK_SESSION_KEY, None)
        messages.error(request, "Aucune connexion FranceConnect n'est en attente : recommencez depuis le bouton.")
        return redirect("accounts:login")
    claims = services.FranceConnectIdentityClaims.from_session(pending["claims"])
    if request.method == "POST" and "cancel" in request.POST:
        request.session.pop(PENDING_LINK_SESSION_KEY, None)
        messages.info(request, "Votre identité FranceConnect n'a pas été reliée à votre compte.")
        return redirect("accounts:login")
    form = PasswordLinkForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.link_with_password(claims=claims, password=form.cleaned_data["password"], request=request)
        except services.FranceConnectRuleError as error:
            request.session.pop(PENDING_LINK_SESSION_KEY, None)
            messages.error(request, str(error))
            return redirect("accounts:login")
        if result.status is account_services.LoginStatus.OK and result.user is not None:
            request.session.pop(PENDING_LINK_SESSION_KEY, None)
            messages.success(request, "Votre identité FranceConnect est maintenant reliée à votre compte.")
            return _log_in(
                request,
                result.user,
                id_token=pending["id_token"],
                config_id=pending["config_id"],
                next_url=pending["next"],
            )
        if result.status is account_services.LoginStatus.RATE_LIMITED:
            status = 429
            minutes = max(1, account_services.login_ip_limit().window // 60)
            form.add_error(
                None,
                f"Trop de tentatives de connexion depuis votre connexion internet. Réessayez dans {minutes} minutes.",
            )
        elif result.status is account_services.LoginStatus.UNCONFIRMED:
            form.add_error(
                None, "L'adresse de ce compte n'est pas encore confirmée : ouvrez d'abord le lien reçu par courriel."
            )
        else:
            minutes = max(1, account_services.lock_seconds() // 60)
            form.add_error(
                "password",
                "Mot de passe incorrect. Après plusieurs essais infructueux, le compte est verrouillé pendant "
                f"{minutes} minutes.",
            )
    return render(
        request,
        "franceconnect/link_account.html",
        {"form": form, "email": claims.email, "pivot": claims.pivot},
        status=status,
    )


def franceconnect_logout(request: HttpRequest) -> HttpResponse:
    """Log out here, then through FranceConnect (mandatory), which comes back with our state."""
    data: dict[str, Any] = request.session.get(SESSION_KEY) or {}
    config_id = data.get("config_id")
    config = FranceConnectConfig.objects.filter(pk=config_id).first() if isinstance(config_id, int) else None
    if request.user.is_authenticated:
        account_services.record_logout(user=request.user, request=request)  # type: ignore[arg-type]
    auth_logout(request)
    if config is None or not data.get("id_token"):
        messages.success(request, "Vous êtes déconnecté(e). À bientôt !")
        response = redirect("organisations:home")
    else:
        state = secrets.token_urlsafe(32)
        request.session[LOGOUT_STATE_SESSION_KEY] = state
        response = redirect(
            client.end_session_url(
                client.provider_for(config),
                id_token=data["id_token"],
                state=state,
                post_logout_redirect_uri=request.build_absolute_uri(reverse("franceconnect:logout_return")),
            )
        )
    response.delete_cookie(SESSION_MARKER_COOKIE, samesite="Lax")
    return response


@never_cache
@require_GET
def logout_return(request: HttpRequest) -> HttpResponse:
    """FranceConnect's logout comes back here: the state must be the one we sent."""
    expected = request.session.pop(LOGOUT_STATE_SESSION_KEY, None)
    state = request.GET.get("state", "")
    if expected and state and hmac.compare_digest(str(expected).encode(), state.encode()):
        messages.success(request, "Vous êtes déconnecté(e) de ce site et de FranceConnect. À bientôt !")
    else:
        messages.warning(
            request,
            "Vous êtes déconnecté(e) de ce site, mais la déconnexion de FranceConnect n'a pas pu être confirmée. "
            "Sur un ordinateur partagé, fermez le navigateur.",
        )
    return redirect("organisations:home")


# --- Settings (organisation administrators) ------------------------------------------------------


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def settings_page(request: HttpRequest) -> HttpResponse:
    """As an administrator, I set my organisation's FranceConnect keys and environment."""
    organisation: Organisation = request.organisation  # type: ignore[attr-defined]
    config = FranceConnectConfig.objects.filter(organisation=organisation).first()
    initial = (
        {
            "enabled": config.enabled,
            "environment": config.environment,
            "client_id": config.client_id,
            "shared_with_communes": config.shared_with_communes,
        }
        if config
        else {}
    )
    form = ConfigForm(request.POST or None, initial=initial, is_epci=organisation.is_epci)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_config(
                organisation=organisation,
                enabled=form.cleaned_data["enabled"],
                environment=form.cleaned_data["environment"],
                client_id=form.cleaned_data["client_id"],
                client_secret=form.cleaned_data["client_secret"],
                shared_with_communes=bool(form.cleaned_data.get("shared_with_communes")),
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except services.FranceConnectRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La configuration FranceConnect a été enregistrée.")
            return redirect("franceconnect:settings")
    effective = services.config_for(organisation)
    hostnames = sorted(organisation.hostnames.values_list("hostname", flat=True))
    if config is not None and config.shared_with_communes:
        hostnames += sorted(
            h.hostname
            for commune in organisation.communes.prefetch_related("hostnames")
            for h in commune.hostnames.all()
        )
    return render(
        request,
        "franceconnect/settings.html",
        {
            "form": form,
            "config": config,
            "effective": effective,
            "inherited": effective is not None and effective.organisation_id != organisation.pk,
            "has_secret": bool(config and config.has_secret),
            "callbacks": [
                (
                    f"{request.scheme}://{host}{_port(request)}{reverse('franceconnect:callback')}",
                    f"{request.scheme}://{host}{_port(request)}{reverse('franceconnect:logout_return')}",
                )
                for host in hostnames
            ],
        },
    )


def _port(request: HttpRequest) -> str:
    port = request.get_port()
    return "" if port in {"80", "443"} else f":{port}"


# --- Magic links ---------------------------------------------------------------------------------

EMAIL_RATE_LIMITED = "Trop de demandes depuis votre connexion internet. Réessayez dans une heure."


@require_http_methods(["GET", "POST"])
@organisation_required
def magic_link_request(request: HttpRequest) -> HttpResponse:
    """As a resident, I receive a one-time login link by email instead of typing a password."""
    form = MagicLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if account_services.is_rate_limited(limit=account_services.email_ip_limit(), request=request):
            form.add_error(None, EMAIL_RATE_LIMITED)
            return render(request, "franceconnect/magic_link_request.html", {"form": form}, status=429)
        account_services.count_attempt(limit=account_services.email_ip_limit(), request=request)
        services.request_magic_link(
            organisation=_organisation(request), email=form.cleaned_data["email"], request=request
        )
        # Same answer whether the address has an account or not.
        return redirect("franceconnect:magic_link_sent")
    return render(request, "franceconnect/magic_link_request.html", {"form": form})


@require_GET
@organisation_required
def magic_link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "franceconnect/magic_link_sent.html", {"minutes": services.MAGIC_LINK_SECONDS // 60})


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def magic_link_use(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: a button logs in (a POST, so mail scanners opening links consume nothing)."""
    if account_services.is_rate_limited(limit=account_services.login_ip_limit(), request=request):
        minutes = max(1, account_services.login_ip_limit().window // 60)
        messages.error(
            request,
            f"Trop de tentatives de connexion depuis votre connexion internet. Réessayez dans {minutes} minutes.",
        )
        return render(
            request, "franceconnect/magic_link_use.html", {"invalid": True, "form": MagicLinkForm()}, status=429
        )
    if request.method == "POST":
        user = services.use_magic_link(token=token, request=request)
        if user is not None:
            if request.user.is_authenticated and request.user.pk != user.pk:
                auth_logout(request)
            auth_login(request, user, backend=BACKEND)
            messages.success(request, "Vous êtes connecté(e). Bienvenue !")
            return set_session_marker(request, redirect("accounts:landing"))
        return render(
            request, "franceconnect/magic_link_use.html", {"invalid": True, "form": MagicLinkForm()}, status=400
        )
    link = services.valid_magic_link(token)
    if link is None:
        return render(
            request, "franceconnect/magic_link_use.html", {"invalid": True, "form": MagicLinkForm()}, status=400
        )
    return render(request, "franceconnect/magic_link_use.html", {"invalid": False, "email": link.user.email})
