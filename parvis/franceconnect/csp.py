"""Content Security Policy: let forms navigate to FranceConnect where the protocol needs it.

``form-action 'self'`` also applies to the redirects that follow a form's submission, so:
- pages seen by a user logged in with FranceConnect allow the provider's origin: their "Se déconnecter"
  form ends at the provider's session/end (mandatory logout);
- the local provider's identity page allows the origin of the client's (registered) redirect_uri.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponseBase

ORIGIN_SESSION_FIELD = "origin"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def allow_form_action(response: HttpResponseBase, origin: str) -> None:
    update = dict(getattr(response, "_csp_update", None) or {})
    current = update.get("form-action") or []
    update["form-action"] = [*(current if isinstance(current, list | tuple) else [current]), origin]
    response._csp_update = update  # type: ignore[attr-defined]


class FranceConnectCSPMiddleware:
    """Listed after ``csp.middleware.CSPMiddleware`` so that its update is read when the policy is built."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from parvis.franceconnect.views import SESSION_KEY

        response = self.get_response(request)
        session = getattr(request, "session", None)
        data = session.get(SESSION_KEY) if session is not None else None
        if isinstance(data, dict) and data.get(ORIGIN_SESSION_FIELD):
            allow_form_action(response, str(data[ORIGIN_SESSION_FIELD]))
        return response
