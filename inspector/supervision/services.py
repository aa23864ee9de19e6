"""Supervision queries that are not KPIs or scores: the map, hotspots, the weekly brief."""

import math
from datetime import datetime, timedelta

from sqlalchemy import Integer, and_, cast, func, select

from inspector.cases.models import Case
from inspector.extensions import db
from inspector.supervision import spatial
from inspector.supervision.models import MAP_LEVELS, CaseMapCell

POINT_ZOOM = 15  # from this zoom on, the map shows single cases
MAX_POINTS = 5000


ROLLUP_FILTERS = {"state", "category", "district"}  # what the map rollup can answer


def map_features(
    filtered_query,
    bbox: tuple[float, float, float, float],
    zoom: int,
    now: datetime,
    args=None,
) -> dict:
    """GeoJSON for one map view: grid counts below POINT_ZOOM, single cases from it on.

    City and district views (zoom <= 12) read the trigger-kept rollup when the filters are ones
    it holds (state, category group, district); anything else aggregates the cases in view.
    """
    args = args or {}
    level = rollup_level(zoom)
    used = {name for name, value in args.items() if value and name not in ("bbox", "zoom")}
    category = args.get("category", "")
    if level and used <= ROLLUP_FILTERS and len(category.rstrip("-*")) in (0, 2):
        return _rollup_cells(level, bbox, zoom, args)
    within = spatial.in_box(Case.location, *bbox)
    if zoom >= POINT_ZOOM:
        return _points(filtered_query.where(within), now)
    size = spatial.cell_size_for_zoom(zoom)
    cell = spatial.grid_cell(Case.location, size)
    overdue = and_(Case.closed_at.is_(None), Case.paused_at.is_(None), Case.deadline_at < now)
    query = (
        filtered_query.where(within)
        .with_only_columns(
            func.ST_X(cell),
            func.ST_Y(cell),
            func.count(),
            func.sum(cast(Case.closed_at.is_(None), Integer)),
            func.sum(cast(overdue, Integer)),
        )
        .order_by(None)
        .group_by(cell)
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "cluster": True,
                "count": total,
                "open": open_ or 0,
                "overdue": late or 0,
            },
        }
        for lon, lat, total, open_, late in db.session.execute(query)
    ]
    return {"type": "FeatureCollection", "features": features, "cell_degrees": size}


def rollup_level(zoom: int) -> int | None:
    if zoom <= 10:
        return 1
    return 2 if zoom <= 12 else None


def _rollup_cells(level: int, bbox, zoom: int, args) -> dict:
    base = MAP_LEVELS[level]
    size = max(spatial.cell_size_for_zoom(zoom), base)
    minx, miny, maxx, maxy = bbox
    display_x = func.floor(CaseMapCell.cx * base / size)
    display_y = func.floor(CaseMapCell.cy * base / size)
    query = (
        select(
            display_x,
            display_y,
            func.sum(CaseMapCell.n),
            func.sum(CaseMapCell.n).filter(CaseMapCell.state.notin_(("closed", "invalid"))),
        )
        .where(
            CaseMapCell.level == level,
            CaseMapCell.cx >= math.floor(minx / base),
            CaseMapCell.cx <= math.floor(maxx / base),
            CaseMapCell.cy >= math.floor(miny / base),
            CaseMapCell.cy <= math.floor(maxy / base),
        )
        .group_by(display_x, display_y)
        .having(func.sum(CaseMapCell.n) > 0)
    )
    if args.get("state"):
        query = query.where(CaseMapCell.state.in_(args["state"].split(",")))
    if args.get("category"):
        query = query.where(CaseMapCell.category_group == args["category"].rstrip("-*")[:2])
    if args.get("district"):
        query = query.where(CaseMapCell.district_code == args["district"])
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [(x + 0.5) * size, (y + 0.5) * size]},
            "properties": {"cluster": True, "count": total, "open": open_ or 0},
        }
        for x, y, total, open_ in db.session.execute(query)
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "cell_degrees": size,
        "source": "rollup",
    }


def _points(query, now: datetime) -> dict:
    rows = db.session.execute(
        query.with_only_columns(
            Case.id,
            Case.number,
            Case.state,
            Case.category_code,
            func.ST_X(Case.location),
            func.ST_Y(Case.location),
            Case.deadline_at,
            Case.closed_at,
            Case.paused_at,
            Case.recurrence_of_id,
        )
        .order_by(None)
        .limit(MAX_POINTS)
    )
    features = []
    for case_id, number, state, category, lon, lat, deadline, closed, paused, recurrence in rows:
        overdue = closed is None and paused is None and deadline is not None and deadline < now
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": case_id,
                    "number": number,
                    "state": state,
                    "category": category,
                    "overdue": overdue,
                    "recurrence": recurrence is not None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def hotspots(
    filtered_query, start: datetime, end: datetime, radius_m: float = 50, min_cases: int = 2
) -> list[dict]:
    """Places where recurrences of one category cluster, among the cases of `filtered_query`
    (the map's filters) reported in [start, end)."""
    recurrences = (
        filtered_query.where(
            Case.recurrence_of_id.is_not(None), Case.reported_at >= start, Case.reported_at < end
        )
        .with_only_columns(Case.category_code, Case.location, Case.number, Case.reported_at)
        .order_by(None)
        .subquery()
    )
    eps = spatial.mercator_metres(radius_m, 35.0)
    rows = db.session.execute(spatial.recurrence_clusters(recurrences, eps, min_cases))
    return [
        {"category": category, "cases": count, "lon": lon, "lat": lat, "numbers": list(numbers)}
        for category, count, lon, lat, numbers in rows
    ]


def week_bounds(day: datetime) -> tuple[datetime, datetime]:
    start = (day - timedelta(days=day.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=7)


def rebuild_rollups() -> None:
    """Recompute every rollup from the cases and events (after bulk loads or repairs)."""
    for statement in spatial.REBUILD_ROLLUPS:
        db.session.execute(statement)
