"""Zone layers and zones: the ground each unit owns."""

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspector.extensions import db
from inspector.geo import WGS84_SRID
from inspector.units.models import Unit


class ZoneLayer(db.Model):
    """A set of polygons of one kind: districts, development zones, street offices, specials."""

    __tablename__ = "zone_layers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    # Higher wins: a development zone (or special zone) takes the ground of the district below.
    precedence: Mapped[int] = mapped_column(default=0)
    # Unit kind that owns zones of this layer when a zone names no owner (e.g. district_government).
    owner_role: Mapped[str | None] = mapped_column(String(40))
    current_version: Mapped[int] = mapped_column(default=0)


class Zone(db.Model):
    """One polygon of a layer at one import version; re-imports add versions, never overwrite."""

    __tablename__ = "zones"
    __table_args__ = (
        UniqueConstraint("layer_id", "code", "version", name="uq_zones_layer_code_version"),
        Index("ix_zones_geom", "geom", postgresql_using="gist"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("zone_layers.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)
    geom = mapped_column(
        Geometry("MULTIPOLYGON", srid=WGS84_SRID, spatial_index=False), nullable=False
    )
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # The district (adcode) the zone lies in: resolves unit roles to concrete units.
    district_code: Mapped[str | None] = mapped_column(String(12))
    source_crs: Mapped[str] = mapped_column(String(20), default="wgs84")
    properties: Mapped[dict] = mapped_column(JSONB, default=dict, server_default="{}")
    imported_at: Mapped[datetime] = mapped_column(server_default=func.now())
    retired_at: Mapped[datetime | None]

    layer: Mapped[ZoneLayer] = relationship()
    owner_unit: Mapped[Unit | None] = relationship()


class ZonePart(db.Model):
    """Pieces of current zones cut by ST_Subdivide: small boxes make point lookups fast."""

    __tablename__ = "zone_parts"
    __table_args__ = (Index("ix_zone_parts_geom", "geom", postgresql_using="gist"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"), index=True)
    geom = mapped_column(Geometry("POLYGON", srid=WGS84_SRID, spatial_index=False), nullable=False)


class RoutingRule(db.Model):
    """(category pattern, layer or zone, location context) -> unit or unit role, with priority."""

    __tablename__ = "routing_rules"
    __table_args__ = (
        CheckConstraint("(target_unit_id IS NULL) <> (target_role IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_pattern: Mapped[str] = mapped_column(String(16))  # "03-03", "02-*" or "*"
    layer_code: Mapped[str | None] = mapped_column(String(40))
    zone_code: Mapped[str | None] = mapped_column(String(64))
    location_context: Mapped[str | None] = mapped_column(String(40))
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    target_role: Mapped[str | None] = mapped_column(String(40))
    priority: Mapped[int] = mapped_column(default=0)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    target_unit: Mapped[Unit | None] = relationship()

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "category": self.category_pattern,
            "layer": self.layer_code,
            "zone": self.zone_code,
            "context": self.location_context,
            "unit": self.target_unit.code if self.target_unit else None,
            "role": self.target_role,
            "priority": self.priority,
            "description": self.description,
        }


class RoutingState(db.Model):
    """One row whose generation changes with every boundary, rule or unit change.

    Each process keeps its routing index in memory and rebuilds it when the generation it was
    built from is no longer current, so every worker and node routes with the same data.
    """

    __tablename__ = "routing_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    generation: Mapped[int] = mapped_column(BigInteger, default=1)
