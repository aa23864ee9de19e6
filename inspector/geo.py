"""Coordinate reference systems: parse a CRS name, convert to WGS-84, and sanity-check input.

WGS-84 (EPSG:4326, longitude/latitude) is the single stored truth (PRODUCT.md section 4); a point
converted wrongly lands in the wrong district, so every import and API edge goes through here.
Supported inputs:

- ``wgs84``: phones, browsers and GPS receivers.
- ``cgcs2000``: Tianditu and official Chinese surveys (EPSG:4490). CGCS2000 and WGS-84 agree to a
  few centimetres, far below phone GPS accuracy, so CGCS2000 is treated as WGS-84 unchanged.
- ``gcj02``: the Chinese "Mars" offset used by Amap, Tencent and DataV boundary files; a
  deliberate non-linear shift of several hundred metres (300-700 m around Zhengzhou). Map
  providers only apply it inside China, so outside China GCJ-02 equals WGS-84. Like every public
  implementation we test "inside China" with a rough bounding box; it also covers neighbouring
  areas (e.g. Korea), which does not matter for Chinese city data.
- ``bd09``: Baidu's additional shift applied on top of GCJ-02.
- ``epsg:NNNN``: any other 2D geographic or projected CRS known to pyproj (UTM, Gauss-Kruger, ...).

All functions take and return ``(x, y)`` order, i.e. ``(lon, lat)`` for geographic systems, the
same order as GeoJSON, shapely and PostGIS.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pyproj
import shapely
from pyproj.enums import TransformDirection
from shapely.geometry.base import BaseGeometry

WGS84_SRID = 4326
WEB_MERCATOR_SRID = 3857
CGCS2000_SRID = 4490

WGS84 = "wgs84"
CGCS2000 = "cgcs2000"
GCJ02 = "gcj02"
BD09 = "bd09"
NAMED_CRS = (WGS84, CGCS2000, GCJ02, BD09)
ACCEPTED_CRS_HELP = "wgs84, cgcs2000, gcj02, bd09 or epsg:NNNN (e.g. epsg:32650 for UTM zone 50N)"

# EPSG codes that mean one of the named systems; mapping them keeps a single code path per CRS.
_EPSG_ALIASES = {WGS84_SRID: WGS84, CGCS2000_SRID: CGCS2000}
_EPSG_PATTERN = re.compile(r"epsg:(\d{1,9})")

# The rough bounding box every public GCJ-02 implementation uses ("out of China" test). The
# real offset is only applied inside it; outside, GCJ-02 coordinates are plain WGS-84.
CHINA_LON_MIN, CHINA_LON_MAX = 72.004, 137.8347
CHINA_LAT_MIN, CHINA_LAT_MAX = 0.8293, 55.8271

# GCJ-02 computes its shift on the Krasovsky 1940 ellipsoid, not on WGS-84's.
_KRASOVSKY_SEMI_MAJOR_AXIS_M = 6378245.0
_KRASOVSKY_ECCENTRICITY_SQUARED = 0.00669342162296594323

# Constants of Baidu's published GCJ-02 <-> BD-09 formulas.
_BD09_X_PI = math.pi * 3000.0 / 180.0
_BD09_LON_SHIFT_DEG = 0.0065
_BD09_LAT_SHIFT_DEG = 0.006

# Neither GCJ-02 nor BD-09 has an exact closed-form inverse, so inverses iterate on the forward
# formula. 1e-9 degrees is about 0.1 mm; each step gains about three digits, so a handful of
# steps suffice and the cap only guards against pathological input.
_INVERSE_TOLERANCE_DEG = 1e-9
_INVERSE_MAX_ITERATIONS = 30

FloatArray = npt.NDArray[np.float64]
ArrayConverter = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]


class CRSError(ValueError):
    """An unsupported CRS, or coordinates that cannot be in the CRS they claim to be in."""


# --- CRS names ---------------------------------------------------------------------------------


def parse_crs(text: str) -> str:
    """Normalise a user-supplied CRS name to wgs84, cgcs2000, gcj02, bd09 or epsg:NNNN."""
    if not isinstance(text, str):
        raise CRSError(f"CRS must be a string, got {text!r}; accepted: {ACCEPTED_CRS_HELP}")
    normalised = text.strip().lower()
    if normalised in NAMED_CRS:
        return normalised
    match = _EPSG_PATTERN.fullmatch(normalised)
    if match is None:
        raise CRSError(f"unknown CRS {text!r}; accepted: {ACCEPTED_CRS_HELP}")
    code = int(match.group(1))
    if code in _EPSG_ALIASES:
        return _EPSG_ALIASES[code]
    _pyproj_crs(code)  # refuses codes pyproj does not know or cannot use for x/y coordinates
    return f"epsg:{code}"


def is_geographic_crs(crs: str) -> bool:
    """True when coordinates in `crs` are longitude/latitude degrees rather than projected units."""
    name = parse_crs(crs)
    code = _epsg_code(name)
    return code is None or _pyproj_crs(code).is_geographic


def _epsg_code(parsed_crs: str) -> int | None:
    """The EPSG code of an already parsed CRS name, or None for the named Chinese systems."""
    if parsed_crs.startswith("epsg:"):
        return int(parsed_crs.removeprefix("epsg:"))
    return None


@lru_cache(maxsize=256)
def _pyproj_crs(code: int) -> pyproj.CRS:
    """Look up an EPSG code once; pyproj reads its database on every lookup otherwise."""
    try:
        crs = pyproj.CRS.from_epsg(code)
    except pyproj.exceptions.CRSError:
        raise CRSError(
            f"unknown EPSG code {code}: not in the PROJ database; accepted: {ACCEPTED_CRS_HELP}"
        ) from None
    # Vertical, geocentric or engineering systems have no meaningful 2D lon/lat conversion.
    if not (crs.is_geographic or crs.is_projected):
        raise CRSError(
            f"epsg:{code} ({crs.name}) is a {crs.type_name}; "
            "only geographic (lon/lat) or projected (x/y) systems are accepted"
        )
    return crs


@lru_cache(maxsize=64)
def _epsg_transformer(code: int) -> pyproj.Transformer:
    """EPSG -> WGS-84 transformer; building one takes milliseconds, so each is built once.

    pyproj transformers are thread-safe since pyproj 3.1, so sharing them between requests is fine.
    always_xy keeps (lon, lat) order even for systems whose official axis order is (lat, lon).
    """
    return pyproj.Transformer.from_crs(_pyproj_crs(code), WGS84_SRID, always_xy=True)


# --- GCJ-02 ------------------------------------------------------------------------------------


def _inside_china(lon: FloatArray, lat: FloatArray) -> npt.NDArray[np.bool_]:
    """The bounding box in which map providers apply the GCJ-02 offset."""
    return (
        (lon >= CHINA_LON_MIN)
        & (lon <= CHINA_LON_MAX)
        & (lat >= CHINA_LAT_MIN)
        & (lat <= CHINA_LAT_MAX)
    )


def _gcj02_latitude_distortion_m(x: FloatArray, y: FloatArray) -> FloatArray:
    """The published GCJ-02 northward distortion, in metres, around the origin (105 E, 35 N)."""
    distortion = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    distortion += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    distortion += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    distortion += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y / 30.0 * np.pi)) * 2.0 / 3.0
    return distortion


def _gcj02_longitude_distortion_m(x: FloatArray, y: FloatArray) -> FloatArray:
    """The published GCJ-02 eastward distortion, in metres, around the origin (105 E, 35 N)."""
    distortion = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    distortion += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    distortion += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    distortion += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return distortion


def _gcj02_offset_deg(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The (dlon, dlat) in degrees that GCJ-02 adds to a WGS-84 position, ignoring the China box."""
    north_m = _gcj02_latitude_distortion_m(lon - 105.0, lat - 35.0)
    east_m = _gcj02_longitude_distortion_m(lon - 105.0, lat - 35.0)
    # Metres -> degrees with the Krasovsky meridian and prime-vertical radii of curvature.
    lat_rad = np.radians(lat)
    sin_lat = np.sin(lat_rad)
    w = 1.0 - _KRASOVSKY_ECCENTRICITY_SQUARED * sin_lat * sin_lat
    meridian_radius_m = (
        _KRASOVSKY_SEMI_MAJOR_AXIS_M * (1.0 - _KRASOVSKY_ECCENTRICITY_SQUARED) / (w * np.sqrt(w))
    )
    parallel_radius_m = _KRASOVSKY_SEMI_MAJOR_AXIS_M / np.sqrt(w) * np.cos(lat_rad)
    return np.degrees(east_m / parallel_radius_m), np.degrees(north_m / meridian_radius_m)


def wgs84_to_gcj02_arrays(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised WGS-84 -> GCJ-02; positions outside China are returned unchanged."""
    wgs_lon = np.asarray(lon, dtype=np.float64)
    wgs_lat = np.asarray(lat, dtype=np.float64)
    dlon, dlat = _gcj02_offset_deg(wgs_lon, wgs_lat)
    inside = _inside_china(wgs_lon, wgs_lat)
    return np.where(inside, wgs_lon + dlon, wgs_lon), np.where(inside, wgs_lat + dlat, wgs_lat)


def gcj02_to_wgs84_arrays(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised GCJ-02 -> WGS-84, exact to well below a millimetre.

    The common one-step inverse (subtract the offset computed at the GCJ-02 position) is off by
    up to a few metres, enough to move a point across a district boundary; iterating until the
    forward transform reproduces the input removes that error.
    """
    gcj_lon = np.asarray(lon, dtype=np.float64)
    gcj_lat = np.asarray(lat, dtype=np.float64)
    # The offset changes slowly with position, so the input itself is a good first guess.
    return _invert_by_iteration(wgs84_to_gcj02_arrays, gcj_lon, gcj_lat, gcj_lon, gcj_lat)


def _invert_by_iteration(
    forward: ArrayConverter,
    target_lon: FloatArray,
    target_lat: FloatArray,
    guess_lon: FloatArray,
    guess_lat: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Solve forward(p) == target with the fixed-point step p <- p - (forward(p) - target).

    This converges because both offsets are nearly constant over their own size (their
    derivative is about 1e-3), i.e. forward is the identity plus a contraction.
    """
    lon, lat = guess_lon, guess_lat
    for _ in range(_INVERSE_MAX_ITERATIONS):
        forward_lon, forward_lat = forward(lon, lat)
        error_lon, error_lat = forward_lon - target_lon, forward_lat - target_lat
        if _all_converged(error_lon, error_lat):
            break
        lon, lat = lon - error_lon, lat - error_lat
    return lon, lat


def _all_converged(error_lon: FloatArray, error_lat: FloatArray) -> bool:
    """Whether every finite position is within tolerance; NaN input must not force 30 rounds."""
    settled = (np.abs(error_lon) < _INVERSE_TOLERANCE_DEG) & (
        np.abs(error_lat) < _INVERSE_TOLERANCE_DEG
    )
    hopeless = ~(np.isfinite(error_lon) & np.isfinite(error_lat))
    return bool(np.all(settled | hopeless))


# --- BD-09 -------------------------------------------------------------------------------------
# Baidu applies its formulas everywhere (there is no China test in them); BD-09 input outside
# China is refused by check_lonlat_plausible instead.


def gcj02_to_bd09_arrays(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised GCJ-02 -> BD-09 with Baidu's published formula."""
    gcj_lon = np.asarray(lon, dtype=np.float64)
    gcj_lat = np.asarray(lat, dtype=np.float64)
    radius = np.hypot(gcj_lon, gcj_lat) + 0.00002 * np.sin(gcj_lat * _BD09_X_PI)
    angle = np.arctan2(gcj_lat, gcj_lon) + 0.000003 * np.cos(gcj_lon * _BD09_X_PI)
    return (
        radius * np.cos(angle) + _BD09_LON_SHIFT_DEG,
        radius * np.sin(angle) + _BD09_LAT_SHIFT_DEG,
    )


def bd09_to_gcj02_arrays(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised BD-09 -> GCJ-02: Baidu's published inverse, refined to an exact inverse.

    The published inverse is only approximate (up to about 0.2 m off in China); refining it
    against the forward formula makes BD-09 -> GCJ-02 -> BD-09 round trips exact.
    """
    bd_lon = np.asarray(lon, dtype=np.float64)
    bd_lat = np.asarray(lat, dtype=np.float64)
    guess_lon, guess_lat = _bd09_to_gcj02_published(bd_lon, bd_lat)
    return _invert_by_iteration(gcj02_to_bd09_arrays, bd_lon, bd_lat, guess_lon, guess_lat)


def _bd09_to_gcj02_published(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Baidu's published BD-09 -> GCJ-02 formula (approximate)."""
    x = lon - _BD09_LON_SHIFT_DEG
    y = lat - _BD09_LAT_SHIFT_DEG
    radius = np.hypot(x, y) - 0.00002 * np.sin(y * _BD09_X_PI)
    angle = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD09_X_PI)
    return radius * np.cos(angle), radius * np.sin(angle)


def wgs84_to_bd09_arrays(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised WGS-84 -> BD-09 (via GCJ-02, as Baidu defines it)."""
    return gcj02_to_bd09_arrays(*wgs84_to_gcj02_arrays(lon, lat))


def bd09_to_wgs84_arrays(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised BD-09 -> WGS-84 (via GCJ-02)."""
    return gcj02_to_wgs84_arrays(*bd09_to_gcj02_arrays(lon, lat))


# --- Scalar wrappers: one formula each, shared with the vectorised path ------------------------


def _convert_one(convert: ArrayConverter, lon: float, lat: float) -> tuple[float, float]:
    x, y = convert(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return float(x), float(y)


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 -> GCJ-02 for one position; unchanged outside China."""
    return _convert_one(wgs84_to_gcj02_arrays, lon, lat)


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 -> WGS-84 for one position, accurate to well below a centimetre."""
    return _convert_one(gcj02_to_wgs84_arrays, lon, lat)


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 -> BD-09 for one position."""
    return _convert_one(gcj02_to_bd09_arrays, lon, lat)


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 -> GCJ-02 for one position."""
    return _convert_one(bd09_to_gcj02_arrays, lon, lat)


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 -> BD-09 for one position."""
    return _convert_one(wgs84_to_bd09_arrays, lon, lat)


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 -> WGS-84 for one position."""
    return _convert_one(bd09_to_wgs84_arrays, lon, lat)


# --- Any supported CRS <-> WGS-84 --------------------------------------------------------------


def _unchanged(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    return x.copy(), y.copy()  # copies, so callers never alias (and mutate) each other's arrays


_TO_WGS84: dict[str, ArrayConverter] = {
    WGS84: _unchanged,
    CGCS2000: _unchanged,  # centimetre-level difference, see the module docstring
    GCJ02: gcj02_to_wgs84_arrays,
    BD09: bd09_to_wgs84_arrays,
}
_FROM_WGS84: dict[str, ArrayConverter] = {
    WGS84: _unchanged,
    CGCS2000: _unchanged,
    GCJ02: wgs84_to_gcj02_arrays,
    BD09: wgs84_to_bd09_arrays,
}


def _transform_epsg(
    code: int, x: FloatArray, y: FloatArray, direction: TransformDirection
) -> tuple[FloatArray, FloatArray]:
    """Run the cached pyproj transformer; refuse positions it cannot convert.

    pyproj signals failure with infinite values rather than an exception; storing those would
    silently put a case nowhere, so they become a CRSError here.
    """
    out_x, out_y = _epsg_transformer(code).transform(x, y, direction=direction)
    out_x = np.asarray(out_x, dtype=np.float64)
    out_y = np.asarray(out_y, dtype=np.float64)
    failed = np.isfinite(x) & np.isfinite(y) & ~(np.isfinite(out_x) & np.isfinite(out_y))
    if np.any(failed):
        index = np.flatnonzero(failed)[0]
        raise CRSError(
            f"coordinates (e.g. x={_fmt(x.flat[index])}, y={_fmt(y.flat[index])}) "
            f"cannot be converted with epsg:{code}; check --crs"
        )
    return out_x, out_y


def to_wgs84_arrays(x: npt.ArrayLike, y: npt.ArrayLike, crs: str) -> tuple[FloatArray, FloatArray]:
    """Vectorised conversion of (x, y) in `crs` to WGS-84 (lon, lat)."""
    return _to_wgs84_parsed(
        np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), parse_crs(crs)
    )


def from_wgs84_arrays(
    lon: npt.ArrayLike, lat: npt.ArrayLike, crs: str
) -> tuple[FloatArray, FloatArray]:
    """Vectorised conversion of WGS-84 (lon, lat) to (x, y) in `crs`, e.g. for map display."""
    name = parse_crs(crs)
    wgs_lon = np.asarray(lon, dtype=np.float64)
    wgs_lat = np.asarray(lat, dtype=np.float64)
    code = _epsg_code(name)
    if code is None:
        return _FROM_WGS84[name](wgs_lon, wgs_lat)
    return _transform_epsg(code, wgs_lon, wgs_lat, TransformDirection.INVERSE)


def _to_wgs84_parsed(x: FloatArray, y: FloatArray, name: str) -> tuple[FloatArray, FloatArray]:
    code = _epsg_code(name)
    if code is None:
        return _TO_WGS84[name](x, y)
    return _transform_epsg(code, x, y, TransformDirection.FORWARD)


def to_wgs84(lon_or_x: float, lat_or_y: float, crs: str) -> tuple[float, float]:
    """Convert one position in `crs` to WGS-84 (lon, lat)."""
    lon, lat = to_wgs84_arrays(lon_or_x, lat_or_y, crs)
    return float(lon), float(lat)


def from_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """Convert one WGS-84 position to (x, y) in `crs`."""
    x, y = from_wgs84_arrays(lon, lat, crs)
    return float(x), float(y)


def transform_geometry_to_wgs84(geom: BaseGeometry, crs: str) -> BaseGeometry:
    """Convert every vertex of a shapely geometry to WGS-84 in one vectorised pass.

    Z values, if any, are kept as they are (heights are not part of the horizontal offset).
    """
    name = parse_crs(crs)
    if name in (WGS84, CGCS2000):
        return geom  # shapely geometries are immutable, so sharing the object is safe

    def convert_coordinates(coords: FloatArray) -> FloatArray:
        converted = coords.copy()
        converted[:, 0], converted[:, 1] = _to_wgs84_parsed(coords[:, 0], coords[:, 1], name)
        return converted

    return shapely.transform(geom, convert_coordinates, include_z=geom.has_z)


# --- Plausibility checks -----------------------------------------------------------------------


def check_lonlat_plausible(geom_or_bounds: BaseGeometry | Sequence[float], crs: str) -> None:
    """Refuse coordinates that cannot be in `crs`, the usual sign of a wrong or missing --crs.

    Accepts a geometry or its bounds (minx, miny, maxx, maxy). Geographic systems must hold
    longitude/latitude; gcj02 and bd09 must also lie in China, because outside China no provider
    applies those offsets. Projected systems must convert to valid longitude/latitude.
    """
    name = parse_crs(crs)
    xy = _coordinates_to_check(geom_or_bounds)
    if len(xy) == 0:
        return  # an empty geometry has nothing to be wrong about
    if is_geographic_crs(name):
        _require_lonlat_range(xy[:, 0], xy[:, 1])
        if name in (GCJ02, BD09):
            _require_inside_china(xy[:, 0], xy[:, 1], name)
    else:
        _require_not_degrees(xy[:, 0], xy[:, 1], name)
    if _epsg_code(name) is not None:
        lon, lat = _to_wgs84_parsed(xy[:, 0].copy(), xy[:, 1].copy(), name)
        _require_lonlat_range(lon, lat, converted_from=name)


def _coordinates_to_check(geom_or_bounds: BaseGeometry | Sequence[float]) -> FloatArray:
    """An (N, 2) array of the vertices, or of the two bounds corners."""
    if isinstance(geom_or_bounds, BaseGeometry):
        return shapely.get_coordinates(geom_or_bounds)
    bounds = np.asarray(geom_or_bounds, dtype=np.float64)
    if bounds.shape != (4,):
        raise ValueError(f"bounds must be (minx, miny, maxx, maxy), got {geom_or_bounds!r}")
    return bounds.reshape(2, 2)


def _first_where(mask: npt.NDArray[np.bool_], x: FloatArray, y: FloatArray) -> str:
    """Name one offending position, so the error message shows the user what was wrong."""
    index = np.flatnonzero(mask)[0]
    return f"x={_fmt(x[index])}, y={_fmt(y[index])}"


def _fmt(value: float) -> str:
    return f"{float(value):.10g}"


def _outside_lonlat_range(lon: FloatArray, lat: FloatArray) -> npt.NDArray[np.bool_]:
    # Written as "not inside" so that NaN counts as outside.
    return ~((np.abs(lon) <= 180.0) & (np.abs(lat) <= 90.0))


def _require_lonlat_range(
    lon: FloatArray, lat: FloatArray, converted_from: str | None = None
) -> None:
    outside = _outside_lonlat_range(lon, lat)
    if not np.any(outside):
        return
    example = _first_where(outside, lon, lat)
    if converted_from is not None:
        raise CRSError(
            f"coordinates converted from {converted_from} are not valid longitude/latitude "
            f"(e.g. {example}); check --crs"
        )
    if not np.any(_outside_lonlat_range(lat, lon)):
        # Swapping the axes would make every position valid: a (lat, lon) source, as in some
        # Baidu APIs and spreadsheets.
        raise CRSError(
            f"coordinates look like (latitude, longitude) (e.g. {example}); "
            "give them as (longitude, latitude)"
        )
    raise CRSError(
        f"coordinates look projected (e.g. {example}), not longitude/latitude; give --crs epsg:NNNN"
    )


def _require_inside_china(lon: FloatArray, lat: FloatArray, name: str) -> None:
    outside = ~_inside_china(lon, lat)
    if np.any(outside):
        raise CRSError(
            f"{name} coordinates must lie in China (lon {CHINA_LON_MIN}..{CHINA_LON_MAX}, "
            f"lat {CHINA_LAT_MIN}..{CHINA_LAT_MAX}), got {_first_where(outside, lon, lat)}; "
            f"outside China there is no {name} offset: give --crs wgs84"
        )


def _require_not_degrees(x: FloatArray, y: FloatArray, name: str) -> None:
    """Projected data whose every value fits in degree ranges is lon/lat given the wrong --crs.

    Without this check, (113.68, 34.78) read as UTM metres silently converts to a point near the
    projection's origin, which is still a valid longitude/latitude.
    """
    if not np.any(_outside_lonlat_range(x, y)):
        raise CRSError(
            f"coordinates look like longitude/latitude (e.g. x={_fmt(x[0])}, y={_fmt(y[0])}), "
            f"not projected {name} units; give a geographic --crs such as wgs84 or gcj02"
        )
