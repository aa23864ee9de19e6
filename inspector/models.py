"""Every model, imported in one place so Alembic's autogenerate sees the whole schema."""

from geoalchemy2 import alembic_helpers

from inspector.auth.models import ApiToken, LoginAttempt, User
from inspector.cases.models import CalendarDay, Case, CaseEvent, CasePhoto
from inspector.categories.models import Category, CategoryGroup
from inspector.open311.models import Open311ApiKey, Open311Request
from inspector.supervision.models import (
    STATS_PARTITIONS,
    CaseMapCell,
    CaseStats,
    CaseTrendWeek,
    EventStats,
)
from inspector.units.models import Unit
from inspector.zones.models import RoutingRule, RoutingState, Zone, ZoneLayer, ZonePart

__all__ = [
    "ApiToken",
    "CalendarDay",
    "Case",
    "CaseEvent",
    "CaseMapCell",
    "CasePhoto",
    "CaseStats",
    "CaseTrendWeek",
    "Category",
    "CategoryGroup",
    "EventStats",
    "LoginAttempt",
    "Open311ApiKey",
    "Open311Request",
    "RoutingRule",
    "RoutingState",
    "Unit",
    "User",
    "Zone",
    "ZoneLayer",
    "ZonePart",
]


# Tables that PostGIS owns; migrations and autogenerate must never touch them.
POSTGIS_TABLES = {"spatial_ref_sys", "topology", "layer"}


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's `include_object`: our tables only, spatial indexes the GeoAlchemy2 way."""
    if type_ == "table" and (name in POSTGIS_TABLES or name in STATS_PARTITIONS):
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)
