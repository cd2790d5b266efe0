"""The demo mailbox: every email and SMS the platform stored, readable by any visitor (demo mode only)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from parvis.notifications.queries import demo_mailbox


def demo_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages that exist only when the platform runs in demo mode (``PARVIS_DEMO=1``)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.DEMO:
            raise Http404("Page disponible uniquement en mode démonstration.")
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@demo_only
def outbox(request: HttpRequest) -> HttpResponse:
    """As a demo visitor, I see every email and SMS residents and agents received, newest first."""
    page = Paginator(demo_mailbox(), 50).get_page(request.GET.get("page"))
    return render(request, "demo/outbox.html", {"page": page})


@require_GET
@demo_only
def message(request: HttpRequest, pk: int) -> HttpResponse:
    """As a demo visitor, I read one message exactly as its recipient received it."""
    found = get_object_or_404(demo_mailbox(), pk=pk)
    return render(request, "demo/message.html", {"message": found})
