"""Cases, their photos, and the append-only event log that is their archive."""

import uuid
from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspector.auth.models import User
from inspector.categories.models import Category
from inspector.extensions import db
from inspector.geo import WGS84_SRID
from inspector.units.models import Unit

STATES = (
    "submitted",  # 已上报
    "unrouted",  # 待确权
    "dispatched",  # 已派遣/待签收
    "in_progress",  # 处置中
    "disputed",  # 申请回退
    "extension_requested",  # 申请延期
    "rectified",  # 已整改/待核查
    "closed",  # 已结案
    "invalid",  # 作废
)
OPEN_STATES = (
    "unrouted",
    "dispatched",
    "in_progress",
    "disputed",
    "extension_requested",
    "rectified",
)
LOCATION_SOURCES = ("device", "exif", "manual")
PHOTO_KINDS = ("report", "added", "rectification", "verification")


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("state", STATES), name="state_known"),
        CheckConstraint(_in("location_source", LOCATION_SOURCES), name="location_source_known"),
        CheckConstraint("severity IN ('normal', 'serious', 'severe')", name="severity_known"),
        Index("ix_cases_location", "location", postgresql_using="gist"),
        Index("ix_cases_unit_state_deadline", "unit_id", "state", "deadline_at"),
        Index("ix_cases_state_deadline", "state", "deadline_at"),
        # Open cases by deadline: inboxes and the overdue views read these in deadline order.
        Index("ix_cases_open_deadline", "deadline_at", postgresql_where=text("closed_at IS NULL")),
        Index(
            "ix_cases_open_category_deadline",
            "category_code",
            "deadline_at",
            postgresql_include=["paused_at"],
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    source: Mapped[str] = mapped_column(String(20), default="pwa")
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    severity: Mapped[str] = mapped_column(String(10), default="normal")
    location_context: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)

    location = mapped_column(
        Geometry("POINT", srid=WGS84_SRID, spatial_index=False), nullable=False
    )
    raw_x: Mapped[float] = mapped_column(Float)  # the location as the client sent it
    raw_y: Mapped[float] = mapped_column(Float)
    raw_crs: Mapped[str] = mapped_column(String(20))
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    location_source: Mapped[str] = mapped_column(String(10))
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reported_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )

    state: Mapped[str] = mapped_column(String(24), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    district_code: Mapped[str | None] = mapped_column(String(12), index=True)

    # How routing decided (kept as it was decided: zones are versioned, never rewritten).
    routing_status: Mapped[str] = mapped_column(String(10))
    routing_reason: Mapped[str] = mapped_column(Text)
    routing_rule_id: Mapped[int | None] = mapped_column(Integer)
    routing_zone_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), server_default="{}")
    boundary_distance_m: Mapped[float | None] = mapped_column(Float)
    routing_generation: Mapped[int | None] = mapped_column(BigInteger)

    recurrence_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))

    # The handling clock (inspector/cases/clock.py): a budget of working or natural minutes,
    # spent while the clock runs; it stops while a dispute is open.
    clock_kind: Mapped[str | None] = mapped_column(String(8))  # "working" | "natural"
    budget_minutes: Mapped[float | None] = mapped_column(Float)
    used_minutes: Mapped[float] = mapped_column(Float, default=0, server_default="0")
    clock_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rectified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    on_time: Mapped[bool | None]
    overdue_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rework_count: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    reporter: Mapped[User | None] = relationship()
    category: Mapped[Category] = relationship()
    unit: Mapped[Unit | None] = relationship()
    photos: Mapped[list["CasePhoto"]] = relationship(back_populates="case", order_by="CasePhoto.id")


class CalendarDay(db.Model):
    """A date that breaks the weekly pattern: a public holiday, or a weekend day worked (调休)."""

    __tablename__ = "calendar_days"
    __table_args__ = (CheckConstraint("kind IN ('holiday', 'workday')", name="kind_known"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(String(60))


class CasePhoto(db.Model):
    __tablename__ = "case_photos"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(20))
    original_key: Mapped[str] = mapped_column(String(120))
    display_key: Mapped[str] = mapped_column(String(120))
    thumb_key: Mapped[str] = mapped_column(String(120))
    width: Mapped[int]
    height: Mapped[int]
    exif_captured_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    exif_lon: Mapped[float | None] = mapped_column(Float)
    exif_lat: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    case: Mapped[Case] = relationship(back_populates="photos")


class CaseEvent(db.Model):
    """One thing that happened to a case. The database refuses UPDATE and DELETE on this table."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    action: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    note: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSONB, default=dict, server_default="{}")

    case: Mapped[Case] = relationship()
    actor: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
