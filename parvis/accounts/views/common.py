from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

# Set at login, removed at logout: if it comes back with an anonymous request, the session expired.
SESSION_MARKER_COOKIE = "parvis_had_session"
SESSION_MARKER_AGE = 30 * 24 * 60 * 60


def safe_next(request: HttpRequest) -> str:
    """The ``next`` parameter if it points to this site, else an empty string."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def after_login_url(request: HttpRequest) -> str:
    return safe_next(request) or reverse("accounts:landing")


def set_session_marker(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    response.set_cookie(
        SESSION_MARKER_COOKIE,
        "1",
        max_age=SESSION_MARKER_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
