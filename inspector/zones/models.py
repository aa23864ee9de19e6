"""Zone layers and zones: the ground each unit owns."""

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, func
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
