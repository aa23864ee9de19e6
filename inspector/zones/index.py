"""The in-process routing index: zones, rules and units of one routing generation.

Point-in-zone and boundary-distance lookups run in memory on Shapely STRtrees (measured much
faster than a database round trip per point: see benchmarks/routing.py). Correctness across
processes comes from the routing generation: every lookup first reads the current generation
(one primary-key read), and an index built for an older generation is rebuilt from the database.
A token request reads the generation with its token (`note_routing_generation`), so the route
API makes one round trip in all.
"""

import threading
from dataclasses import dataclass, field

import numpy as np
import pyproj
import shapely
from flask import g
from shapely import STRtree

from inspector.extensions import db
from inspector.units.models import Unit
from inspector.zones import spatial
from inspector.zones.models import RoutingRule

# Boundaries are cut into short pieces in a narrow tree: measured fastest for nearest-boundary
# queries (8 vertices, 4 per node: 3.7x faster than 32 and 10 on the Zhengzhou districts).
BOUNDARY_CHUNK_VERTICES = 8
BOUNDARY_TREE_NODE_CAPACITY = 4
# Long straight edges are densified before projection, or the projected chord strays from the
# true edge (a 100 km edge at 35° N would be off by tens of metres).
DENSIFY_DEGREES = 0.002


@dataclass(frozen=True)
class ZoneInfo:
    index: int
    id: int
    code: str
    name: str
    version: int
    layer: str
    precedence: int
    layer_owner_role: str | None
    owner_unit_id: int | None
    district_code: str | None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "layer": self.layer,
            "version": self.version,
        }


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name_zh: str
    kind: str
    parent_id: int | None
    district_code: str | None

    def to_dict(self) -> dict:
        return {"id": self.id, "code": self.code, "name": self.name_zh, "kind": self.kind}


@dataclass(frozen=True)
class RuleInfo:
    id: int
    category_pattern: str
    layer_code: str | None
    zone_code: str | None
    location_context: str | None
    target_unit_id: int | None
    target_role: str | None
    priority: int
    description: str | None

    @property
    def specificity(self) -> tuple:
        pattern = self.category_pattern
        return (
            self.zone_code is not None,
            self.layer_code is not None,
            self.location_context is not None,
            0 if pattern == "*" else 1 if pattern.endswith("*") else 2,
        )

    def matches_category(self, category: str | None) -> bool:
        pattern = self.category_pattern
        if pattern == "*":
            return True
        if category is None:
            return False
        return category.startswith(pattern[:-1]) if pattern.endswith("*") else category == pattern

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "category": self.category_pattern,
            "layer": self.layer_code,
            "zone": self.zone_code,
            "context": self.location_context,
            "role": self.target_role,
            "priority": self.priority,
            "description": self.description,
        }


@dataclass
class RoutingIndex:
    generation: int
    zones: list[ZoneInfo]
    rules: list[RuleInfo]  # best first
    units: dict[int, UnitInfo]
    parts_tree: STRtree
    part_zone: np.ndarray
    boundary_tree: STRtree | None
    boundary_zone: np.ndarray
    projector: pyproj.Transformer
    children: dict[int, list[int]] = field(default_factory=dict)
    decisions: dict = field(default_factory=dict)  # memo of rule decisions per zone set

    # -- lookups --------------------------------------------------------------------------

    def zones_at(self, lon: float, lat: float) -> tuple[int, ...]:
        """Indices of zones covering the point (a point on a boundary belongs to both sides)."""
        parts = self.parts_tree.query(shapely.Point(lon, lat), predicate="intersects")
        return tuple(sorted(set(self.part_zone[parts].tolist())))

    def zones_at_many(self, lons: np.ndarray, lats: np.ndarray) -> list[tuple[int, ...]]:
        points = shapely.points(lons, lats)
        point_idx, part_idx = self.parts_tree.query(points, predicate="intersects")
        found: list[set[int]] = [set() for _ in range(len(lons))]
        for point, zone in zip(point_idx.tolist(), self.part_zone[part_idx].tolist(), strict=True):
            found[point].add(zone)
        return [tuple(sorted(zones)) for zones in found]

    def project(self, lons, lats):
        return self.projector.transform(lons, lats)

    def nearest_boundary_m(self, x: float, y: float) -> float | None:
        if self.boundary_tree is None:
            return None
        _, distance = self.boundary_tree.query_nearest(shapely.Point(x, y), return_distance=True)
        return float(distance[0]) if len(distance) else None

    def nearest_boundaries_m(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        if self.boundary_tree is None:
            return np.full(len(xs), np.nan)
        points = shapely.points(xs, ys)
        (point_idx, _), distance = self.boundary_tree.query_nearest(
            points, return_distance=True, all_matches=False
        )
        result = np.full(len(xs), np.nan)
        result[point_idx] = distance
        return result

    def zones_with_boundary_within(self, x: float, y: float, radius_m: float) -> list[int]:
        if self.boundary_tree is None:
            return []
        chunks = self.boundary_tree.query(
            shapely.Point(x, y), predicate="dwithin", distance=radius_m
        )
        return sorted(set(self.boundary_zone[chunks].tolist()))


_lock = threading.Lock()
_indexes: dict[str, RoutingIndex] = {}

# The current generation, for a query that reads it alongside something else.
CURRENT_GENERATION_SQL = spatial.CURRENT_GENERATION.text


def note_routing_generation(generation: int) -> None:
    """The generation just read in this request: the request's next lookup uses it unread."""
    g.routing_generation = generation


def forget_routing_generation() -> None:
    """After a change in this transaction the noted generation is stale: read it again."""
    g.pop("routing_generation", None)


def get_index() -> RoutingIndex:
    """The index for the current routing generation of this database, rebuilt when stale."""
    generation = g.pop("routing_generation", None)  # noted once, for one lookup only
    if generation is None:
        generation = db.session.execute(spatial.CURRENT_GENERATION).scalar_one()
    key = db.session.get_bind().engine.url.render_as_string(hide_password=True)
    index = _indexes.get(key)
    if index is None or index.generation != generation:
        with _lock:
            index = _indexes.get(key)
            if index is None or index.generation != generation:
                index = build_index(generation)
                _indexes[key] = index
    return index


def build_index(generation: int) -> RoutingIndex:
    zone_rows = db.session.execute(spatial.CURRENT_ZONES).all()
    zones = [_zone_info(i, row) for i, row in enumerate(zone_rows)]
    position = {zone.id: zone.index for zone in zones}
    part_rows = db.session.execute(spatial.CURRENT_PARTS).all()
    parts = shapely.from_wkb([bytes(row.wkb) for row in part_rows])
    part_zone = np.array([position[row.zone_id] for row in part_rows], dtype=np.int64)
    geoms = shapely.from_wkb([bytes(row.wkb) for row in zone_rows])
    projector = _local_projection(geoms)
    boundary_tree, boundary_zone = _boundary_tree(geoms, projector)
    units = {
        unit.id: _unit_info(unit) for unit in db.session.scalars(db.select(Unit)) if unit.active
    }
    children: dict[int, list[int]] = {}
    for unit in units.values():
        if unit.parent_id is not None:
            children.setdefault(unit.parent_id, []).append(unit.id)
    rules = sorted(
        (_rule_info(rule) for rule in db.session.scalars(db.select(RoutingRule))),
        key=lambda rule: (rule.priority, rule.specificity, -rule.id),
        reverse=True,
    )
    return RoutingIndex(
        generation=generation,
        zones=zones,
        rules=rules,
        units=units,
        parts_tree=STRtree(parts),
        part_zone=part_zone,
        boundary_tree=boundary_tree,
        boundary_zone=boundary_zone,
        projector=projector,
        children=children,
    )


def _local_projection(geoms) -> pyproj.Transformer:
    """Azimuthal equidistant around the data: metre distances with tiny distortion city-wide."""
    if len(geoms):
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        lon0, lat0 = (minx + maxx) / 2, (miny + maxy) / 2
    else:
        lon0, lat0 = 0.0, 0.0
    aeqd = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m")
    return pyproj.Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)


def _boundary_tree(geoms, projector) -> tuple[STRtree | None, np.ndarray]:
    chunks, owners = [], []
    for index, geom in enumerate(geoms):
        dense = shapely.segmentize(geom, DENSIFY_DEGREES)
        projected = shapely.transform(
            dense, lambda xy: np.column_stack(projector.transform(xy[:, 0], xy[:, 1]))
        )
        for ring in shapely.get_parts(shapely.boundary(projected)):
            coords = shapely.get_coordinates(ring)
            step = BOUNDARY_CHUNK_VERTICES - 1
            for start in range(0, max(len(coords) - 1, 1), step):
                piece = coords[start : start + BOUNDARY_CHUNK_VERTICES]
                if len(piece) >= 2:
                    chunks.append(shapely.linestrings(piece))
                    owners.append(index)
    if not chunks:
        return None, np.array([], dtype=np.int64)
    return STRtree(chunks, node_capacity=BOUNDARY_TREE_NODE_CAPACITY), np.array(
        owners, dtype=np.int64
    )


def _zone_info(index: int, row) -> ZoneInfo:
    return ZoneInfo(
        index=index,
        id=row.id,
        code=row.code,
        name=row.name,
        version=row.version,
        layer=row.layer_code,
        precedence=row.precedence,
        layer_owner_role=row.owner_role,
        owner_unit_id=row.owner_unit_id,
        district_code=row.district_code,
    )


def _unit_info(unit: Unit) -> UnitInfo:
    return UnitInfo(
        id=unit.id,
        code=unit.code,
        name_zh=unit.name_zh,
        kind=unit.kind,
        parent_id=unit.parent_id,
        district_code=unit.district_code,
    )


def _rule_info(rule: RoutingRule) -> RuleInfo:
    return RuleInfo(
        id=rule.id,
        category_pattern=rule.category_pattern,
        layer_code=rule.layer_code,
        zone_code=rule.zone_code,
        location_context=rule.location_context,
        target_unit_id=rule.target_unit_id,
        target_role=rule.target_role,
        priority=rule.priority,
        description=rule.description,
    )
