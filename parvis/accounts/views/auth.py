"""Registration, address confirmation, login, logout, landing and password reset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts import services, tokens
from parvis.accounts.access import is_agent, organisation_required
from parvis.accounts.forms import EmailForm, LoginForm, RegistrationForm, SetPasswordForm
from parvis.accounts.views.common import SESSION_MARKER_COOKIE, after_login_url, safe_next, set_session_marker

LOGIN_REFUSED = (
    "Adresse électronique ou mot de passe incorrect. Après plusieurs essais infructueux, le compte est "
    "verrouillé pendant {minutes} minutes : patientez, ou réinitialisez votre mot de passe."
)
RATE_LIMITED = "Trop de tentatives de connexion depuis votre connexion internet. Réessayez dans {minutes} minutes."
EMAIL_RATE_LIMITED = "Trop de demandes depuis votre connexion internet. Réessayez dans une heure."


def _minutes(seconds: int) -> int:
    return max(1, seconds // 60)


def login_refused_message() -> str:
    return LOGIN_REFUSED.format(minutes=_minutes(services.lock_seconds()))


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return render(request, "accounts/already_logged_in.html")
    form = LoginForm(request.POST or None)
    session_expired = request.method == "GET" and request.COOKIES.get(SESSION_MARKER_COOKIE) == "1"
    unconfirmed_email = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        result = services.attempt_login(
            email=form.cleaned_data["email"], password=form.cleaned_data["password"], request=request
        )
        if result.status is services.LoginStatus.OK and result.user is not None:
            auth_login(request, result.user)
            return set_session_marker(request, redirect(after_login_url(request)))
        if result.status is services.LoginStatus.UNCONFIRMED:
            unconfirmed_email = form.cleaned_data["email"]
            form.add_error(
                None,
                "Votre adresse électronique n'est pas encore confirmée. Ouvrez le lien reçu par courriel, "
                "ou demandez un nouveau lien ci-dessous.",
            )
        elif result.status is services.LoginStatus.RATE_LIMITED:
            status = 429
            form.add_error(None, RATE_LIMITED.format(minutes=_minutes(services.login_ip_limit().window)))
        else:
            form.add_error(None, login_refused_message())
    response = render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": safe_next(request),
            "session_expired": session_expired,
            "unconfirmed_email": unconfirmed_email,
        },
        status=status,
    )
    if session_expired:
        response.delete_cookie(SESSION_MARKER_COOKIE, samesite="Lax")
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    from parvis.franceconnect.views import SESSION_KEY, franceconnect_logout

    if SESSION_KEY in request.session:  # logged in with FranceConnect: logging out through it is mandatory
        return franceconnect_logout(request)
    if request.user.is_authenticated:
        services.record_logout(user=request.user, request=request)  # type: ignore[arg-type]
    auth_logout(request)
    messages.success(request, "Vous êtes déconnecté(e). À bientôt !")
    response = redirect("organisations:home")
    response.delete_cookie(SESSION_MARKER_COOKIE, samesite="Lax")
    return response


@require_GET
@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where a login leads: the back office for this organisation's agents, Mon espace otherwise."""
    if is_agent(request):
        return redirect("organisations:backoffice")
    return redirect("accounts:space")


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
@organisation_required
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return render(request, "accounts/already_logged_in.html")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.is_rate_limited(limit=services.email_ip_limit(), request=request):
            form.add_error(None, EMAIL_RATE_LIMITED)
            return render(request, "accounts/register.html", {"form": form}, status=429)
        services.count_attempt(limit=services.email_ip_limit(), request=request)
        services.register_user(
            organisation=request.organisation,  # type: ignore[attr-defined]
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            password=form.cleaned_data["password1"],
            request=request,
        )
        # Same answer whether the address was new or not: the page never reveals an account.
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


@require_GET
@organisation_required
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation email: a button confirms (a POST, so mail scanners opening
    links confirm nothing), logs in and lands."""
    user = tokens.user_from_email_confirmation_token(token)
    if user is None:
        return render(request, "accounts/confirm_email.html", {"invalid": True, "form": EmailForm()}, status=400)
    if user.email_verified_at is not None:
        messages.info(request, "Votre adresse électronique est déjà confirmée : vous pouvez vous connecter.")
        return redirect("accounts:login")
    if request.method == "POST":
        user = services.confirm_email(user=user, request=request)
        auth_login(request, user)
        messages.success(request, "Votre adresse électronique est confirmée. Bienvenue !")
        return set_session_marker(request, redirect("accounts:landing"))
    return render(request, "accounts/confirm_email.html", {"invalid": False, "confirm_user": user})


@require_http_methods(["GET", "POST"])
@organisation_required
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.is_rate_limited(limit=services.email_ip_limit(), request=request):
            form.add_error(None, EMAIL_RATE_LIMITED)
            return render(request, "accounts/resend_confirmation.html", {"form": form}, status=429)
        services.count_attempt(limit=services.email_ip_limit(), request=request)
        services.send_confirmation_email(
            organisation=request.organisation,  # type: ignore[attr-defined]
            email=form.cleaned_data["email"],
            request=request,
        )
        return redirect("accounts:register_done")
    return render(request, "accounts/resend_confirmation.html", {"form": form})


@require_http_methods(["GET", "POST"])
@organisation_required
def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.is_rate_limited(limit=services.email_ip_limit(), request=request):
            form.add_error(None, EMAIL_RATE_LIMITED)
            return render(request, "accounts/password_reset.html", {"form": form}, status=429)
        services.count_attempt(limit=services.email_ip_limit(), request=request)
        services.request_password_reset(
            organisation=request.organisation,  # type: ignore[attr-defined]
            email=form.cleaned_data["email"],
            request=request,
        )
        return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form})


@require_GET
@organisation_required
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
@organisation_required
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = tokens.user_from_password_reset(uidb64, token)
    if user is None:
        return render(request, "accounts/password_reset_confirm.html", {"invalid": True}, status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(user=user, password=form.cleaned_data["password1"], request=request)
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            if request.user.is_authenticated:
                auth_logout(request)
            messages.success(request, "Votre mot de passe a été modifié. Vous pouvez vous connecter.")
            return redirect(reverse("accounts:login"))
    return render(request, "accounts/password_reset_confirm.html", {"invalid": False, "form": form})
