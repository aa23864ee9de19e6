"""The routing engine: which unit owns this point for this kind of problem, and why.

A decision looks at the zones covering the point (all layers), picks the best matching rule
(priority, then specificity), and resolves the rule's unit role against the ground: the
development zone or district that owns it. When the location's uncertainty circle reaches a
boundary whose other side would be decided differently, the case is left for a supervisor.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from inspector import geo
from inspector.zones.index import RoutingIndex, RuleInfo, UnitInfo, ZoneInfo, get_index

MIN_UNCERTAINTY_M = 15.0  # phone GPS is rarely better than this, whatever it claims
TERRITORIAL_ROLES = ("district_government", "development_zone")


class RoutingInputError(ValueError):
    """Coordinates that cannot be routed (not finite, out of range, bad CRS)."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class Decision:
    unit: UnitInfo | None
    rule: RuleInfo | None
    reason: str


@dataclass
class RouteOutcome:
    status: str  # "routed" | "unrouted"
    lon: float
    lat: float
    unit: UnitInfo | None
    zones: list[ZoneInfo]
    rule: RuleInfo | None
    reason: str
    boundary_distance_m: float | None
    generation: int
    candidates: list[UnitInfo] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "unit": self.unit.to_dict() if self.unit else None,
            "zones": [zone.to_dict() for zone in self.zones],
            "rule": self.rule.to_dict() if self.rule else None,
            "reason": self.reason,
            "boundary_distance_m": (
                None if self.boundary_distance_m is None else round(self.boundary_distance_m, 2)
            ),
            "candidates": [unit.to_dict() for unit in self.candidates],
            "location": {"lon": round(self.lon, 7), "lat": round(self.lat, 7), "crs": "wgs84"},
        }


# -- entry points -----------------------------------------------------------------------------


def to_wgs84_point(x: float, y: float, crs: str = "wgs84") -> tuple[float, float]:
    """Validate and convert an input location; errors name the field to fix."""
    try:
        x, y = float(x), float(y)
    except (TypeError, ValueError):
        raise RoutingInputError("lon", "lon and lat must be numbers") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise RoutingInputError("lon", "lon and lat must be finite numbers")
    try:
        crs = geo.parse_crs(crs)
        if geo.is_geographic_crs(crs) and not (-180 <= x <= 180 and -90 <= y <= 90):
            raise RoutingInputError(
                "lat" if -180 <= x <= 180 else "lon",
                "lon must be within -180..180 and lat within -90..90",
            )
        lon, lat = geo.to_wgs84(x, y, crs)
    except geo.CRSError as exc:
        raise RoutingInputError("crs", str(exc)) from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise RoutingInputError("lon", "the location is outside the valid range for this CRS")
    return lon, lat


def route_point(
    x: float,
    y: float,
    crs: str = "wgs84",
    category: str | None = None,
    accuracy_m: float | None = None,
    context: str | None = None,
) -> RouteOutcome:
    """Route one location (given in `crs`) for a category; never guesses near boundaries."""
    lon, lat = to_wgs84_point(x, y, crs)
    index = get_index()
    px, py = index.project(lon, lat)
    return _outcome(
        index,
        lon,
        lat,
        index.zones_at(lon, lat),
        index.nearest_boundary_m(px, py),
        (px, py),
        category,
        accuracy_m,
        context,
    )


def route_many(
    lons, lats, categories: list[str | None], accuracies=None, contexts=None
) -> list[RouteOutcome]:
    """Route many WGS-84 points at once (re-routing, imports): vectorised lookups."""
    index = get_index()
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    xs, ys = index.project(lons, lats)
    zone_sets = index.zones_at_many(lons, lats)
    distances = index.nearest_boundaries_m(np.asarray(xs), np.asarray(ys))
    accuracies = accuracies if accuracies is not None else [None] * len(lons)
    contexts = contexts if contexts is not None else [None] * len(lons)
    return [
        _outcome(
            index,
            float(lons[i]),
            float(lats[i]),
            zone_sets[i],
            None if np.isnan(distances[i]) else float(distances[i]),
            (xs[i], ys[i]),
            categories[i],
            accuracies[i],
            contexts[i],
        )
        for i in range(len(lons))
    ]


# -- the decision ---------------------------------------------------------------------------


def _outcome(index, lon, lat, zone_ids, distance, projected, category, accuracy_m, context):
    zones = [index.zones[i] for i in zone_ids]
    decision = decide(index, zone_ids, category, context)
    status = "routed" if decision.unit else "unrouted"
    outcome = RouteOutcome(
        status,
        lon,
        lat,
        decision.unit,
        zones,
        decision.rule,
        decision.reason,
        distance,
        index.generation,
    )
    if decision.unit is None:
        return outcome
    radius = max(float(accuracy_m or 0), MIN_UNCERTAINTY_M)
    if distance is not None and distance <= radius:
        _check_uncertainty(index, outcome, zone_ids, projected, radius, category, context)
    return outcome


def _check_uncertainty(index, outcome, zone_ids, projected, radius, category, context) -> None:
    """Unrouted when the other side of a boundary inside the uncertainty circle differs.

    Every side reachable within the circle is tried (crossing each boundary alone, and all at
    once); the units found there become the candidates a supervisor chooses from.
    """
    near = index.zones_with_boundary_within(projected[0], projected[1], radius)
    inside = set(zone_ids)
    alternatives = [tuple(sorted(inside ^ {zone})) for zone in near]
    alternatives.append(tuple(sorted(inside ^ set(near))))
    others = [decide(index, alternative, category, context).unit for alternative in alternatives]
    differing = [unit for unit in others if unit is None or unit.id != outcome.unit.id]
    if not differing:
        return
    units = {unit.id: unit for unit in differing if unit is not None}
    theirs = ", ".join(unit.name_zh for unit in units.values()) or "no unit"
    crossed = ", ".join(index.zones[z].name for z in near)
    outcome.candidates = [outcome.unit, *units.values()]
    outcome.reason = (
        f"uncertainty circle of {radius:g} m crosses the boundary of {crossed} "
        f"({outcome.boundary_distance_m:.1f} m away): {outcome.unit.name_zh} on one side, "
        f"{theirs} on the other"
    )
    outcome.status = "unrouted"
    outcome.unit = None


def decide(index: RoutingIndex, zone_ids: tuple[int, ...], category, context) -> Decision:
    key = (zone_ids, category, context)
    decision = index.decisions.get(key)
    if decision is None:
        decision = _decide(index, [index.zones[i] for i in zone_ids], category, context)
        index.decisions[key] = decision
    return decision


def _decide(index: RoutingIndex, zones: list[ZoneInfo], category, context) -> Decision:
    if not zones:
        return Decision(None, None, "outside every zone")
    zones = sorted(zones, key=lambda zone: zone.precedence, reverse=True)
    layers = {zone.layer for zone in zones}
    codes = {zone.code for zone in zones}
    for rule in index.rules:
        if (
            rule.matches_category(category)
            and (rule.layer_code is None or rule.layer_code in layers)
            and (rule.zone_code is None or rule.zone_code in codes)
            and (rule.location_context is None or rule.location_context == context)
        ):
            return _apply(index, rule, zones)
    return Decision(None, None, f"no routing rule matches category {category or '-'} here")


def _apply(index: RoutingIndex, rule: RuleInfo, zones: list[ZoneInfo]) -> Decision:
    where = ", ".join(zone.name for zone in zones)
    label = f"rule {rule.id}" + (f" ({rule.description})" if rule.description else "")
    if rule.target_unit_id is not None:
        unit = index.units.get(rule.target_unit_id)
        if unit is None:
            return Decision(None, rule, f"{label} names an inactive or deleted unit")
        return Decision(unit, rule, f"{label} in {where}: unit {unit.name_zh}")
    unit = resolve_role(index, rule.target_role, zones)
    if unit is None:
        return Decision(
            None, rule, f"{label} in {where}: no {rule.target_role} unit for this ground"
        )
    return Decision(unit, rule, f"{label} in {where}: {rule.target_role} -> {unit.name_zh}")


def resolve_role(index: RoutingIndex, role: str, zones: list[ZoneInfo]) -> UnitInfo | None:
    """The concrete unit of `role` for the ground of these zones (highest precedence first)."""
    authority = _ground_authority(index, zones)
    if role in TERRITORIAL_ROLES:
        return authority
    for zone in zones:  # a zone owned by a unit of this role (street office, railway, market)
        owner = index.units.get(zone.owner_unit_id) if zone.owner_unit_id else None
        if owner and owner.kind == role:
            return owner
    if authority is not None:
        below = _descendant_of_kind(index, authority.id, role)
        if below is not None:
            return below
    district = next(
        (
            z.district_code
            for z in zones
            if z.layer_owner_role == "district_government" and z.district_code
        ),
        None,
    )
    in_district = [
        u
        for u in index.units.values()
        if u.kind == role and district and u.district_code == district
    ]
    if in_district:
        return min(in_district, key=lambda unit: (unit.parent_id is not None, unit.id))
    citywide = [u for u in index.units.values() if u.kind == role and u.district_code is None]
    return min(citywide, key=lambda unit: unit.id) if citywide else None


def _ground_authority(index: RoutingIndex, zones: list[ZoneInfo]) -> UnitInfo | None:
    for zone in zones:
        if zone.layer_owner_role in TERRITORIAL_ROLES and zone.owner_unit_id in index.units:
            return index.units[zone.owner_unit_id]
    return None


def _descendant_of_kind(index: RoutingIndex, unit_id: int, kind: str) -> UnitInfo | None:
    queue = list(index.children.get(unit_id, []))
    while queue:
        unit = index.units[queue.pop(0)]
        if unit.kind == kind:
            return unit
        queue.extend(index.children.get(unit.id, []))
    return None
