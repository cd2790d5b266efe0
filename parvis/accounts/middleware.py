from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from parvis.accounts.access import has_any_membership

OTP_SESSION_KEY = "parvis_otp_verified"
# /theme.css: the second-factor page itself needs the organisation's colours.
_EXEMPT_PREFIXES = (
    "/static/",
    "/media/",
    "/theme.css",
    "/healthz",
    "/compte/deconnexion/",
    "/compte/double-authentification/",
    "/api/",  # token-authenticated: a browser session is never an API credential
)


def needs_second_factor(user: Any) -> bool:
    """Agents (any membership) and technical staff must pass TOTP; residents need not."""
    return bool(user.is_authenticated and (user.is_staff or has_any_membership(user)))


class AgentSecondFactorMiddleware:
    """An agent's session is useless until the second factor (TOTP) has been checked.

    Agents (users holding any membership) are sent to the TOTP enrolment or check page
    from every page until ``OTP_SESSION_KEY`` is set in their session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(OTP_SESSION_KEY)
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and needs_second_factor(user)
        ):
            target = reverse("accounts:otp_verify")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
