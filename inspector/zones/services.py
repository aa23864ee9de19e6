"""Zone layers and versioned zone imports."""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from geoalchemy2.shape import from_shape
from sqlalchemy import select

from inspector.errors import ApiError
from inspector.extensions import db
from inspector.geo import WGS84_SRID
from inspector.units.models import UNIT_KINDS, Unit
from inspector.zones import spatial
from inspector.zones.importer import ZoneFeature
from inspector.zones.index import forget_routing_generation
from inspector.zones.models import Zone, ZoneLayer

# Precedence of well-known layer codes: special zones and development zones take the ground of
# the district below them; street offices refine a district without taking its ground.
DEFAULT_PRECEDENCE = {
    "district": 0,
    "street": 5,
    "devzone": 20,
    "special": 30,
    "railway": 30,
    "market": 30,
}
TERRITORIAL_ROLES = ("district_government", "development_zone")


@dataclass
class ImportResult:
    layer: str
    version: int
    zones: int
    repaired: list[str]
    without_owner: list[str]

    def summary(self) -> str:
        text = f"layer {self.layer}: version {self.version}, {self.zones} zones"
        if self.repaired:
            text += f"; repaired {len(self.repaired)} ({', '.join(self.repaired[:5])})"
        if self.without_owner:
            text += f"; {len(self.without_owner)} without an owner unit"
        return text


def bump_routing_generation() -> int:
    """Tell every process that boundaries, rules or units changed (same transaction)."""
    forget_routing_generation()
    return db.session.execute(spatial.BUMP_GENERATION).scalar_one()


def current_generation() -> int:
    return db.session.execute(spatial.CURRENT_GENERATION).scalar_one()


def get_layer(code: str) -> ZoneLayer | None:
    return db.session.scalar(select(ZoneLayer).where(ZoneLayer.code == code))


def ensure_layer(
    code: str,
    precedence: int | None = None,
    owner_role: str | None = None,
    name_zh: str | None = None,
    name_en: str | None = None,
) -> ZoneLayer:
    if owner_role is not None and owner_role not in UNIT_KINDS:
        raise ApiError(
            400,
            "validation_error",
            _("Some fields are invalid; see fields."),
            {"owner_role": _("unknown unit role")},
        )
    layer = get_layer(code)
    if layer is None:
        layer = ZoneLayer(
            code=code,
            name_zh=name_zh or code,
            name_en=name_en or code,
            precedence=DEFAULT_PRECEDENCE.get(code, 10) if precedence is None else precedence,
            owner_role=owner_role,
            current_version=0,
        )
        db.session.add(layer)
    else:
        if precedence is not None:
            layer.precedence = precedence
        if owner_role is not None:
            layer.owner_role = owner_role
    db.session.flush()
    return layer


def list_layers() -> list[ZoneLayer]:
    return list(db.session.scalars(select(ZoneLayer).order_by(ZoneLayer.precedence)))


def current_zones(layer: ZoneLayer) -> list[Zone]:
    query = select(Zone).where(Zone.layer_id == layer.id, Zone.retired_at.is_(None))
    return list(db.session.scalars(query.order_by(Zone.code)))


def import_zones(layer: ZoneLayer, features: list[ZoneFeature], source_crs: str) -> ImportResult:
    """Make `features` the layer's new version; old versions stay for the cases routed with them."""
    version = layer.current_version + 1
    now = datetime.now(UTC).replace(tzinfo=None)
    for old in current_zones(layer):
        old.retired_at = now
    zones = [_new_zone(layer, feature, version, source_crs) for feature in features]
    db.session.add_all(zones)
    layer.current_version = version
    db.session.flush()
    db.session.execute(spatial.DELETE_PARTS_OF_RETIRED_ZONES)
    db.session.execute(spatial.INSERT_PARTS_FOR_ZONES, {"zone_ids": [zone.id for zone in zones]})
    bump_routing_generation()
    return ImportResult(
        layer=layer.code,
        version=version,
        zones=len(zones),
        repaired=[feature.code for feature in features if feature.repaired],
        without_owner=[zone.code for zone in zones if zone.owner_unit_id is None],
    )


def _new_zone(layer: ZoneLayer, feature: ZoneFeature, version: int, source_crs: str) -> Zone:
    territorial = layer.owner_role == "district_government"
    return Zone(
        layer=layer,
        code=feature.code,
        name=feature.name or feature.code,
        version=version,
        geom=from_shape(feature.geom, srid=WGS84_SRID),
        owner_unit=find_owner(feature.code, layer.owner_role),
        district_code=feature.code if territorial else None,
        source_crs=source_crs,
        properties=feature.properties,
    )


def find_owner(zone_code: str, owner_role: str | None) -> Unit | None:
    """The unit whose code is the zone's code, else the unit of the layer's role for that area."""
    unit = db.session.scalar(select(Unit).where(Unit.code == zone_code))
    if unit is not None or owner_role is None:
        return unit
    return db.session.scalar(
        select(Unit)
        .where(Unit.kind == owner_role, Unit.district_code == zone_code)
        .order_by(Unit.parent_id.is_not(None), Unit.id)
        .limit(1)
    )
