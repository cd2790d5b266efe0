"""Open311 GeoReport v2 endpoints (/open311/v2/…), JSON and XML.

The commune is the one served by the hostname (the jurisdiction); ``jurisdiction_id``, when a client
sends it, must name that commune. Reading is public and never shows personal data (see queries.py);
posting needs an API token of this commune as ``api_key`` (``uv run parvis api-token EMAIL``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from parvis.api.auth import authenticate_token
from parvis.api.errors import ApiError
from parvis.open311 import queries
from parvis.open311.formats import error, render
from parvis.open311.services import Open311Error, submit_request

MAX_SPAN = dt.timedelta(days=90)
MAX_IDS = 100


def _gate(request: HttpRequest, fmt: str) -> tuple[Any, HttpResponse | None]:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        return None, error(fmt, 404, "Aucune collectivité n'est servie à cette adresse.")
    jurisdiction = request.POST.get("jurisdiction_id") if request.method == "POST" else None
    jurisdiction = jurisdiction or request.GET.get("jurisdiction_id", "")
    if not queries.jurisdiction_matches(organisation, jurisdiction):
        return None, error(
            fmt, 400, f"jurisdiction_id : ce point d'accès sert {organisation.name} ({organisation.slug})."
        )
    return organisation, None


@require_GET
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    organisation, refused = _gate(request, fmt)
    if refused:
        return refused
    rows = [queries.service_row(category) for category in queries.categories(organisation)]
    return render(fmt, root="services", item="service", payload=rows)


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    organisation, refused = _gate(request, fmt)
    if refused:
        return refused
    category = queries.category_by_code(organisation, code)
    if category is None:
        return error(fmt, 404, f"Aucun service « {code} » ici.")
    payload = {"service_code": category.code, "attributes": queries.attributes_for(category)}
    return render(fmt, root="service_definition", item=None, payload=payload)


def _moment(raw: str, name: str, *, end: bool) -> dt.datetime:
    raw = raw.strip().replace(" ", "+") if "T" in raw else raw.strip()  # a '+' left unencoded in a query
    invalid = Open311Error(400, f"{name} : date ISO 8601 attendue (ex. 2026-11-01T00:00:00Z), pas « {raw} ».")
    try:
        day = parse_date(raw) if len(raw) == 10 else None  # a date alone: the whole day
        moment = parse_datetime(raw) if day is None else None
    except ValueError as exc:  # well formed but impossible (month 13)
        raise invalid from exc
    if moment is None:
        if day is None:
            raise invalid
        moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _window(request: HttpRequest) -> tuple[dt.datetime, dt.datetime]:
    """The requested_datetime window: at most 90 days, the last 90 days by default."""
    start_raw, end_raw = request.GET.get("start_date", ""), request.GET.get("end_date", "")
    start = _moment(start_raw, "start_date", end=False) if start_raw.strip() else None
    end = _moment(end_raw, "end_date", end=True) if end_raw.strip() else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, "end_date doit suivre start_date.")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date et end_date : l'intervalle ne peut dépasser 90 jours.")
    return start, end


def _list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _search(request: HttpRequest, organisation: Any, fmt: str) -> HttpResponse:
    ids = _list(request.GET.get("service_request_id", ""))
    if len(ids) > MAX_IDS:
        raise Open311Error(400, f"service_request_id : {MAX_IDS} identifiants au plus.")
    if ids:
        found = queries.find_requests(organisation, ids=ids)
    else:
        statuses = [s.lower() for s in _list(request.GET.get("status", ""))]
        if any(s not in {"open", "closed"} for s in statuses):
            raise Open311Error(400, "status : open ou closed (plusieurs séparés par des virgules).")
        start, end = _window(request)
        found = queries.find_requests(
            organisation,
            service_codes=_list(request.GET.get("service_code", "")),
            start=start,
            end=end,
            statuses=statuses,
        )
    rows = [queries.request_row(report, request=request) for report in found]
    return render(fmt, root="service_requests", item="request", payload=rows)


def _post(request: HttpRequest, organisation: Any, fmt: str) -> HttpResponse:
    api_key = (request.POST.get("api_key") or "").strip()
    if not api_key:
        return error(fmt, 403, "api_key : obligatoire pour déposer une demande (jeton d'API de la collectivité).")
    try:
        caller = authenticate_token(api_key, host_organisation=organisation)
    except ApiError as exc:
        return error(
            fmt, 403, f"api_key : {exc.detail}" if exc.status == 403 else "api_key : invalide, expiré ou révoqué."
        )
    try:
        posted = submit_request(organisation=organisation, caller=caller, data=request.POST, request=request)
    except ApiError as exc:  # a token without the cases:submit right
        return error(fmt, 403, f"api_key : {exc.detail}")
    row = {
        "service_request_id": posted.service_request_id,
        "service_notice": posted.service_notice,
        "account_id": posted.account_id,
    }
    return render(fmt, root="service_requests", item="request", payload=[row], status=201)


@csrf_exempt  # a machine's form-urlencoded POST authenticated by its api_key, never a browser session
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    organisation, refused = _gate(request, fmt)
    if refused:
        return refused
    try:
        if request.method == "POST":
            return _post(request, organisation, fmt)
        return _search(request, organisation, fmt)
    except Open311Error as exc:
        return error(fmt, exc.status, exc.description)


@require_GET
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    organisation, refused = _gate(request, fmt)
    if refused:
        return refused
    report = queries.find_request(organisation, request_id)
    if report is None:
        return error(fmt, 404, f"Aucune demande « {request_id} » ici.")
    return render(fmt, root="service_requests", item="request", payload=[queries.request_row(report, request=request)])
