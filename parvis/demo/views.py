# Provisional, replaced by the outbox work in progress.
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


def outbox(request: HttpRequest) -> HttpResponse:
    if not settings.DEMO:
        raise Http404
    return render(request, "base_citizen.html")
