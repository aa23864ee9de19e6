"""Reading boundary files: GeoJSON (and zipped Shapefiles) into validated WGS-84 polygons.

Every problem is reported with the feature it concerns, and nothing is imported from a file that
has one: a half-imported layer would route some of a city and silently drop the rest.
"""

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.validation import make_valid

from inspector import geo

CODE_FIELDS = ("code", "adcode", "id", "adm_cd", "sch", "gb")
NAME_FIELDS = ("name", "name_zh", "adm_nm", "NAME")


class ImportError_(ValueError):
    """A boundary file we refuse; the message names the feature and says what to fix."""


@dataclass
class ZoneFeature:
    code: str
    name: str
    geom: MultiPolygon  # WGS-84
    properties: dict = field(default_factory=dict)
    repaired: bool = False


def read_boundary_file(
    path: Path, crs: str, code_field: str | None = None, name_field: str | None = None
) -> list[ZoneFeature]:
    return parse_boundaries(Path(path).read_bytes(), Path(path).name, crs, code_field, name_field)


def parse_boundaries(
    data: bytes,
    filename: str,
    crs: str,
    code_field: str | None = None,
    name_field: str | None = None,
) -> list[ZoneFeature]:
    """Validated features from GeoJSON or a zipped Shapefile, converted to WGS-84."""
    crs = geo.parse_crs(crs)
    raw = _read_zipped_shapefile(data) if data[:2] == b"PK" else _read_geojson(data, filename)
    if not raw:
        raise ImportError_(f"{filename}: contains no features")
    features = [
        _to_zone_feature(index, geometry, props, crs, code_field, name_field)
        for index, (geometry, props) in enumerate(raw)
    ]
    _refuse_duplicate_codes(features)
    return features


def _read_geojson(data: bytes, filename: str) -> list[tuple[dict | None, dict]]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportError_(
            f"{filename}: not GeoJSON (invalid JSON: {exc.msg if hasattr(exc, 'msg') else exc})"
        ) from None
    if not isinstance(document, dict) or document.get("type") not in (
        "FeatureCollection",
        "Feature",
    ):
        raise ImportError_(f"{filename}: not GeoJSON (expected a FeatureCollection)")
    features = (
        document.get("features", []) if document["type"] == "FeatureCollection" else [document]
    )
    if not isinstance(features, list):
        raise ImportError_(f"{filename}: not GeoJSON ('features' must be a list)")
    return [
        (feature.get("geometry"), feature.get("properties") or {})
        for feature in features
        if isinstance(feature, dict)
    ]


def _read_zipped_shapefile(data: bytes) -> list[tuple[dict | None, dict]]:
    import shapefile  # pyshp: small, pure Python, maintained

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = {Path(name).suffix.lower(): name for name in archive.namelist()}
        if ".shp" not in names or ".dbf" not in names:
            raise ImportError_("the zip holds no Shapefile (.shp and .dbf are needed)")
        reader = shapefile.Reader(
            shp=io.BytesIO(archive.read(names[".shp"])),
            dbf=io.BytesIO(archive.read(names[".dbf"])),
            shx=io.BytesIO(archive.read(names[".shx"])) if ".shx" in names else None,
            encoding="utf-8",
            encodingErrors="replace",
        )
        return [
            (record.shape.__geo_interface__, record.record.as_dict())
            for record in reader.iterShapeRecords()
        ]
    except (zipfile.BadZipFile, shapefile.ShapefileException) as exc:
        raise ImportError_(f"not a readable zipped Shapefile ({exc})") from None


def _label(index: int, props: dict) -> str:
    name = next((props[key] for key in NAME_FIELDS if props.get(key)), None)
    return f"feature {index + 1}" + (f" ({name})" if name else "")


def _to_zone_feature(index, geometry, props, crs, code_field, name_field) -> ZoneFeature:
    label = _label(index, props)
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else "no geometry"
        raise ImportError_(f"{label}: has {kind}; only Polygon and MultiPolygon can be zones")
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
        raise ImportError_(f"{label}: unreadable coordinates ({exc})") from None
    if geom.is_empty:
        raise ImportError_(f"{label}: empty geometry")
    try:
        geo.check_lonlat_plausible(geom, crs)
        geom = geo.transform_geometry_to_wgs84(shapely.force_2d(geom), crs)
    except geo.CRSError as exc:
        raise ImportError_(f"{label}: {exc}") from None
    polygon, repaired = _repair(geom, label)
    return ZoneFeature(
        code=_field(props, code_field, CODE_FIELDS, label, "code"),
        name=_field(props, name_field, NAME_FIELDS, label, "name", required=False) or "",
        geom=polygon,
        properties=_jsonable(props),
        repaired=repaired,
    )


def _repair(geom, label: str) -> tuple[MultiPolygon, bool]:
    """Make the geometry valid, keeping only its polygonal parts; refuse what is left empty."""
    if geom.is_valid:
        return _as_multipolygon(geom), False
    fixed = make_valid(geom)
    polygons = _polygonal_parts(fixed)
    if not polygons or sum(p.area for p in polygons) == 0:
        raise ImportError_(
            f"{label}: invalid polygon that cannot be repaired ({shapely.is_valid_reason(geom)})"
        )
    return MultiPolygon(polygons), True


def _polygonal_parts(geom) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [part for sub in getattr(geom, "geoms", []) for part in _polygonal_parts(sub)]


def _as_multipolygon(geom) -> MultiPolygon:
    return geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])


def _field(props, chosen, candidates, label, what, required=True) -> str | None:
    keys = [chosen] if chosen else candidates
    for key in keys:
        value = props.get(key)
        if value not in (None, ""):
            return str(value).strip()
    if required:
        hint = (
            f"--{what}-field {chosen}"
            if chosen
            else f"--{what}-field (tried {', '.join(candidates)})"
        )
        raise ImportError_(f"{label}: no {what}; name the property with {hint}")
    return None


def _refuse_duplicate_codes(features: list[ZoneFeature]) -> None:
    seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        if feature.code in seen:
            raise ImportError_(
                f"feature {index + 1}: code {feature.code} already used by feature "
                f"{seen[feature.code] + 1}; choose a unique --code-field"
            )
        seen[feature.code] = index


def _jsonable(props: dict) -> dict:
    return json.loads(json.dumps(props, ensure_ascii=False, default=str))
