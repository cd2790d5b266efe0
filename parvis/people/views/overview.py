"""Placeholder until the 360° view lands (issue 5): answers 404."""

from django.http import Http404, HttpRequest, HttpResponse


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
