"""POST /requests: a machine files a street report, through the reports app.

``submit_request`` checks what the client sent against GeoReport v2 (service_code, exactly one way of
locating, attributes, contact, description ≤ 4000 characters without HTML, media_url) and calls
``parvis.reports.services.create_report`` with the API channel: the report, its case, its timeline,
the journal and the acknowledgment are the reports app's. The service request id is the case's
reference (we answer synchronously: no ``token`` is ever returned, so there is no /tokens endpoint).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import HttpRequest, QueryDict

from parvis.api.auth import ApiCaller
from parvis.api.enums import Scope
from parvis.cases.enums import Channel
from parvis.open311 import queries
from parvis.organisations.models import Organisation

MAX_DESCRIPTION = 4000
HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


class Open311Error(Exception):
    """A refusal with its HTTP status (400, 403, 404) and the description sent to the client."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass(frozen=True)
class Posted:
    service_request_id: str
    service_notice: str
    account_id: str


def _coordinate(raw: str, name: str, bound: int) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation as exc:
        raise Open311Error(400, f"{name} : un nombre décimal (WGS84) est attendu, pas « {raw} ».") from exc
    if not value.is_finite() or abs(value) > bound:
        raise Open311Error(400, f"{name} : doit être compris entre -{bound} et {bound}.")
    return value.quantize(Decimal("0.000001"))


def _attributes(data: QueryDict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in data:
        match = ATTRIBUTE_RE.match(key)
        if match:
            found.setdefault(match.group(1), []).extend(v for v in data.getlist(key) if v != "")
    return found


def _checked_attributes(category: Any, sent: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(question, answer) lines for the description; 400 on an unknown code, a missing answer or a bad value."""
    definitions = {a["code"]: a for a in queries.attributes_for(category)}
    unknown = sorted(set(sent) - set(definitions))
    if unknown:
        raise Open311Error(400, f"attribute : code inconnu pour ce service : {', '.join(unknown)}.")
    lines = []
    for code, attribute in definitions.items():
        values = sent.get(code, [])
        if attribute["required"] and not values:
            raise Open311Error(400, f"attribute[{code}] : obligatoire ({attribute['description']}).")
        if not values:
            continue
        keys = {str(v["key"]): v["name"] for v in attribute["values"]}
        if keys:
            bad = [v for v in values if v not in keys]
            if bad:
                raise Open311Error(400, f"attribute[{code}] : valeur inconnue {', '.join(bad)}.")
            values = [keys[v] for v in values]
        if attribute["datatype"] != "multivaluelist" and len(values) > 1:
            raise Open311Error(400, f"attribute[{code}] : une seule valeur attendue.")
        lines.append((attribute["description"], ", ".join(values)))
    return lines


def submit_request(
    *, organisation: Organisation, caller: ApiCaller, data: QueryDict, request: HttpRequest | None = None
) -> Posted:
    """File the report a GeoReport client POSTed. Raises Open311Error (400/403) with a French description."""
    from parvis.reports import services as reports

    caller.require(Scope.CASES_SUBMIT)
    code = (data.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code : obligatoire.")
    category = queries.category_by_code(organisation, code)
    if category is None:
        raise Open311Error(400, f"service_code : aucun service « {code} » ici (voir services.json).")

    lat, long = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    address = (data.get("address_string") or "").strip()[:300]
    address_id = (data.get("address_id") or "").strip()[:100]
    if bool(lat) != bool(long):
        raise Open311Error(400, "lat et long : les deux coordonnées sont nécessaires ensemble.")
    if not (lat or address or address_id):
        raise Open311Error(400, "Lieu : indiquez lat et long, ou address_string, ou address_id.")
    latitude = _coordinate(lat, "lat", 90) if lat else None
    longitude = _coordinate(long, "long", 180) if long else None
    if not address and address_id:
        address = f"Adresse n° {address_id}"

    description = (data.get("description") or "").replace("\r\n", "\n").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description : {MAX_DESCRIPTION} caractères au plus ({len(description)} reçus).")
    if HTML_RE.search(description):
        raise Open311Error(400, "description : texte brut attendu, sans balise HTML.")
    extra = _checked_attributes(category, _attributes(data))
    media_url = (data.get("media_url") or "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            raise Open311Error(400, "media_url : une adresse http(s) valide est attendue.") from exc
    email = (data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise Open311Error(400, "email : adresse électronique invalide.") from exc
    phone = (data.get("phone") or "").strip()[:30]
    name = " ".join(p for p in ((data.get("first_name") or "").strip(), (data.get("last_name") or "").strip()) if p)

    parts = [description or category.label]
    parts += [f"{question} : {answer}" for question, answer in extra]
    if media_url:
        parts.append(f"Photo transmise par lien : {media_url}")
    resident = caller.user if not caller.is_agent else None
    try:
        report = reports.create_report(
            organisation=organisation,
            category=category,
            description="\n".join(parts),
            latitude=latitude,
            longitude=longitude,
            address=address,
            reporter_name=name[:300],
            email=email or (resident.email if resident is not None else ""),
            phone=phone,
            user=resident,
            channel=Channel.API,
            actor=caller.user,
            request=request,
        )
    except ValidationError as exc:
        raise Open311Error(400, " ".join(exc.messages)) from exc
    except Exception as exc:
        error_class = getattr(reports, "ReportError", None)
        if error_class is not None and isinstance(exc, error_class):
            raise Open311Error(400, str(exc)) from exc
        raise
    return Posted(
        service_request_id=report.case.reference,
        service_notice=queries.service_notice(category),
        account_id=str(resident.pk) if resident is not None else "",
    )
