"""The two GeoReport v2 formats: JSON (lists of objects) and XML (the spec's element names).

Both are built from the same plain Python structures, so a field can never exist in one format
and not the other: ``render(fmt, root, item, rows)`` writes ``rows`` (a list of dicts) as a JSON
array, or as ``<root><item>…</item></root>``. Nested lists (a definition's attributes and their
values) follow the spec's XML layout through ``XML_ITEM_NAMES``.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}

# In XML, a list's items are each wrapped in the singular element the spec names.
XML_ITEM_NAMES = {"attributes": "attribute", "values": "value", "errors": "error", "keywords": "keyword"}


def iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 with the offset (the spec's w3c format, ``2026-11-24T09:30:00+01:00``)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | float):
        return f"{float(value):.6f}".rstrip("0").rstrip(".")
    if isinstance(value, dt.datetime):
        return iso(value) or ""
    return str(value)


def _append(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, child in value.items():
            _append(element, key, child)
    elif isinstance(value, list | tuple):
        item_name = XML_ITEM_NAMES.get(name, "item")
        for child in value:
            _append(element, item_name, child)
    else:
        element.text = _text(value)


def to_xml(root: str, item: str | None, payload: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> bytes:
    """``<root><item>…</item>…</root>`` for a list, ``<root>…fields…</root>`` for one mapping."""
    element = ET.Element(root)
    if isinstance(payload, Mapping):
        for key, value in payload.items():
            _append(element, key, value)
    else:
        for row in payload:
            _append(element, item or "item", row)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def render(
    fmt: str,
    *,
    root: str,
    item: str | None,
    payload: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    status: int = 200,
) -> HttpResponse:
    if fmt == XML:
        body = to_xml(root, item, payload)
    else:
        body = json.dumps(_plain(payload), ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The spec's error document: ``[{"code", "description"}]`` or ``<errors><error>…</error></errors>``."""
    return render(
        fmt,
        root="errors",
        item="error",
        payload=[{"code": status, "description": description}],
        status=status,
    )
