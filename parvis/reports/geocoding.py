"""Finding a place from a typed address: the territory's own street list first, then the configured
geocoder (``parvis.procedures.geocoding``: none by default, the Base Adresse Nationale when
``PARVIS_GEOCODER = "ban"``). The typed address is always enough to file a report; coordinates
only add precision (routing between communes, duplicates, the map).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from parvis.lib.text import fold
from parvis.organisations.models import Organisation
from parvis.procedures.geocoding import GeocodedAddress, get_geocoder
from parvis.reports.models import Street

# Words in most street names: not used to pick candidates (they would match every street).
COMMON = {"rue", "avenue", "boulevard", "chemin", "place", "impasse", "allee", "route", "quai", "des", "les", "aux"}
NUMBER = re.compile(r"^\s*(\d{1,4})\s*(bis|ter|quater|[a-d])?\b[\s,]*", re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float
    district: str = ""
    city: str = ""
    source: str = "local"

    def as_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "lat": round(self.latitude, 6),
            "lon": round(self.longitude, 6),
            "district": self.district,
            "city": self.city,
        }


def _split(query: str) -> tuple[int | None, str]:
    match = NUMBER.match(query)
    if match:
        return int(match.group(1)), query[match.end() :]
    return None, query


def _position(street: Street, number: int | None) -> tuple[float, float]:
    lat, lon = float(street.latitude), float(street.longitude)
    if number is None or street.end_latitude is None or street.end_longitude is None or not street.last_number:
        return lat, lon
    share = min(max(number, 1), street.last_number) / street.last_number
    end_lat, end_lon = float(street.end_latitude), float(street.end_longitude)
    return lat + (end_lat - lat) * share, lon + (end_lon - lon) * share


def _territory(organisation: Organisation) -> list[int]:
    """The organisation and the other members of its EPCI: a report can be made across the border."""
    epci_id = organisation.parent_id or organisation.pk
    ids = [organisation.pk, epci_id]
    ids += list(Organisation.objects.filter(parent_id=epci_id).exclude(pk=organisation.pk).values_list("pk", flat=True))
    return ids


def search_streets(organisation: Organisation, query: str, *, limit: int = 8) -> list[Place]:
    """Places matching a typed address ("12 rue de la Rép", "republique admiville"), own commune first."""
    number, rest = _split(query or "")
    words = [w for w in re.split(r"[\s,'’-]+", fold(rest)) if len(w) >= 2]
    if not words:
        return []
    significant = [w for w in words[:6] if len(w) >= 3 and w not in COMMON] or words[:6]
    any_word = Q()
    for word in significant:
        any_word |= Q(folded__contains=word)
    candidates = Street.objects.filter(any_word, organisation_id__in=_territory(organisation)).order_by("name")[:300]
    found = [s for s in candidates if all(w in f"{s.folded} {fold(s.city)} {s.postcode}" for w in words[:6])]
    found.sort(key=lambda s: (s.organisation_id != organisation.pk, not s.folded.startswith(words[0]), s.name))
    places = []
    for street in found[:limit]:
        lat, lon = _position(street, number)
        prefix = f"{number} " if number is not None else ""
        places.append(
            Place(
                label=f"{prefix}{street.name}, {street.postcode} {street.city}",
                latitude=lat,
                longitude=lon,
                district=street.district,
                city=street.city,
            )
        )
    return places


def _from_geocoder(found: GeocodedAddress) -> Place:
    return Place(label=found.label, latitude=found.lat, longitude=found.lon, city=found.city, source="geocoder")


def suggest(organisation: Organisation, query: str, *, limit: int = 8) -> list[Place]:
    """Autocompletion: the local street list, else the configured geocoder."""
    query = (query or "").strip()[:200]
    if len(query) < 3:
        return []
    places = search_streets(organisation, query, limit=limit)
    if places:
        return places
    return [_from_geocoder(found) for found in get_geocoder().search(query, limit=limit)]


def locate(organisation: Organisation, address: str) -> Place | None:
    """The best place for a typed address (None when unknown: the address alone is kept)."""
    places = suggest(organisation, address, limit=1)
    return places[0] if places else None


def district_at(organisation: Organisation, latitude: Decimal | float, longitude: Decimal | float) -> str:
    """The district of the nearest known street start (within about 300 m), for filtering; else empty."""
    from parvis.reports.geo import bounding_box, haversine_m

    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, 300)
    nearby = Street.objects.filter(
        organisation_id__in=_territory(organisation),
        latitude__gte=min_lat,
        latitude__lte=max_lat,
        longitude__gte=min_lon,
        longitude__lte=max_lon,
    ).exclude(district="")
    best = min(nearby, key=lambda s: haversine_m(latitude, longitude, s.latitude, s.longitude), default=None)
    return best.district if best else ""
