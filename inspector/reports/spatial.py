"""Spatial expressions of report intake: distances in metres, index-friendly."""

import math

from geoalchemy2 import Geography
from sqlalchemy import and_, cast, func

from inspector.geo import WGS84_SRID

METRES_PER_DEGREE = 111_320.0


def _point(lon: float, lat: float):
    return func.ST_SetSRID(func.ST_MakePoint(lon, lat), WGS84_SRID)


def distance_m(column, lon: float, lat: float):
    return func.ST_Distance(cast(column, Geography), cast(_point(lon, lat), Geography))


def within_m(column, lon: float, lat: float, metres: float):
    """Exact metres on the geography type, after a degree box the GiST index can answer."""
    degrees = metres / METRES_PER_DEGREE / max(math.cos(math.radians(lat)), 0.01) * 1.1
    return and_(
        func.ST_DWithin(column, _point(lon, lat), degrees),
        func.ST_DWithin(cast(column, Geography), cast(_point(lon, lat), Geography), metres),
    )
