"""Small plane geometry for reports: distance on the sphere, point in polygon, search boxes.

Coordinates are WGS84 decimal degrees; polygons are lists of ``[longitude, latitude]`` points
(GeoJSON order), closed or not. Communes are small: a flat ray-casting test on degrees is exact
enough at this scale (boundaries are approximate anyway).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

EARTH_RADIUS_M = 6_371_000.0
Number = float | Decimal | int


def haversine_m(lat1: Number, lon1: Number, lat2: Number, lon2: Number) -> float:
    """The great-circle distance in metres between two points."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: Number, lon: Number, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a square containing the circle: an indexable pre-filter."""
    lat_f, lon_f = float(lat), float(lon)
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat_f)), 1e-6)
    return lat_f - dlat, lat_f + dlat, lon_f - dlon, lon_f + dlon


def point_in_polygon(lat: Number, lon: Number, polygon: Sequence[Sequence[Number]]) -> bool:
    """Whether the point lies inside the polygon (ray casting; [lon, lat] vertices).

    A horizontal ray from the point crosses the edges an odd number of times when inside.
    Points exactly on an edge may fall either side (boundaries are approximate).
    """
    if len(polygon) < 3:
        return False
    x, y = float(lon), float(lat)
    inside = False
    n = len(polygon)
    j = n - 1
    for i in range(n):
        xi, yi = float(polygon[i][0]), float(polygon[i][1])
        xj, yj = float(polygon[j][0]), float(polygon[j][1])
        if (yi > y) != (yj > y):
            x_cross = (xj - xi) * (y - yi) / (yj - yi) + xi
            if x < x_cross:
                inside = not inside
        j = i
    return inside


def valid_coordinates(lat: Number | None, lon: Number | None) -> bool:
    if lat is None or lon is None:
        return False
    return -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180
