"""Placeholder until the directory views land (issue 5): every route answers 404."""

from django.http import Http404, HttpRequest, HttpResponse


def search(request: HttpRequest) -> HttpResponse:
    raise Http404


def new(request: HttpRequest) -> HttpResponse:
    raise Http404


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def merge(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
