"""Spatial expressions of supervision: grid cells for the map, recurrence clusters."""

import math

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by

from inspector.geo import WGS84_SRID


def grid_cell(column, size_deg: float):
    return func.ST_SnapToGrid(column, size_deg)


def in_box(column, minx: float, miny: float, maxx: float, maxy: float):
    return column.op("&&")(func.ST_MakeEnvelope(minx, miny, maxx, maxy, WGS84_SRID))


def cell_size_for_zoom(zoom: int) -> float:
    """About 48 screen pixels per cell on 256 px web-map tiles."""
    return 360.0 / (2**zoom) / 256 * 48


def mercator_metres(metres: float, lat: float) -> float:
    """Web Mercator units that cover `metres` of ground at this latitude."""
    return metres / math.cos(math.radians(lat))


def recurrence_clusters(recurrences, eps_mercator: float, min_cases: int):
    """Recurrences (cases marked as coming back after a closed one), clustered by place per
    category with DBSCAN; `recurrences` is a subquery of category_code, location, number and
    reported_at (any filtered list of cases)."""
    cluster = func.ST_ClusterDBSCAN(
        func.ST_Transform(recurrences.c.location, 3857), eps_mercator, 1
    )
    clustered = select(
        recurrences.c.category_code,
        recurrences.c.location,
        recurrences.c.number,
        recurrences.c.reported_at,
        cluster.over(partition_by=recurrences.c.category_code).label("cluster"),
    ).subquery()
    centre = func.ST_Centroid(func.ST_Collect(clustered.c.location))
    return (
        select(
            clustered.c.category_code,
            func.count(),
            func.ST_X(centre),
            func.ST_Y(centre),
            func.array_agg(aggregate_order_by(clustered.c.number, clustered.c.reported_at)),
        )
        .group_by(clustered.c.category_code, clustered.c.cluster)
        .having(func.count() >= min_cases)
        .order_by(func.count().desc())
        .limit(100)
    )


# Set-based equivalents of the rollup triggers (migrations "supervision rollups" and "weekly
# rollups"): used after bulk loads and by `inspector supervision rebuild-rollups`; a test checks
# both give the same rows. Each contribution lands at every grain (local day, week, month).
REBUILD_ROLLUPS = [
    text("TRUNCATE case_map_cells, case_stats, event_stats, case_trend_weeks"),
    text("""
    INSERT INTO case_map_cells (level, cx, cy, district_code, category_group, state, n)
    SELECT level, floor(ST_X(location) / size), floor(ST_Y(location) / size),
           coalesce(district_code, ''), left(category_code, 2), state, count(*)
    FROM cases CROSS JOIN (VALUES (1, 0.05), (2, 0.01)) AS levels(level, size)
    GROUP BY 1, 2, 3, 4, 5, 6
    """),
    text("""
    INSERT INTO case_stats (grain, day, district_code, unit_id, category_code, found, closed, due,
                            closed_on_time, closed_in_period, handling_minutes, open_due)
    SELECT grain.code,
           CASE grain.code WHEN 'w' THEN date_trunc('week', day)::date
                           WHEN 'm' THEN date_trunc('month', day)::date ELSE day END,
           district, unit, category_code, sum(found), sum(closed), sum(due), sum(on_time),
           sum(closed_in_period), sum(minutes), sum(open_due)
    FROM (
        SELECT (reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
               coalesce(district_code, '') AS district, coalesce(unit_id, 0) AS unit,
               category_code, 1 AS found, (state = 'closed')::int AS closed, 0 AS due,
               0 AS on_time, 0 AS closed_in_period, 0.0::float AS minutes, 0 AS open_due
        FROM cases WHERE state <> 'invalid'
        UNION ALL
        SELECT (deadline_at AT TIME ZONE 'Asia/Shanghai')::date, coalesce(district_code, ''),
               coalesce(unit_id, 0), category_code, 0, 0, 1,
               (state = 'closed' AND coalesce(on_time, false))::int, 0, 0.0,
               (closed_at IS NULL AND paused_at IS NULL
                AND state IN ('dispatched', 'in_progress', 'extension_requested'))::int
        FROM cases WHERE state <> 'invalid' AND deadline_at IS NOT NULL
                     AND NOT (state = 'disputed' AND paused_at IS NOT NULL)
        UNION ALL
        SELECT (closed_at AT TIME ZONE 'Asia/Shanghai')::date, coalesce(district_code, ''),
               coalesce(unit_id, 0), category_code, 0, 0, 0, 0, 1, used_minutes, 0
        FROM cases WHERE state = 'closed' AND closed_at IS NOT NULL
    ) AS contributions CROSS JOIN (VALUES ('d'), ('w'), ('m')) AS grain(code)
    GROUP BY 1, 2, 3, 4, 5
    """),
    text("""
    INSERT INTO case_trend_weeks (week, district_code, found, closed, due, closed_on_time)
    SELECT day, district_code, sum(found), sum(closed), sum(due), sum(closed_on_time)
    FROM case_stats WHERE grain = 'w'
    GROUP BY 1, 2
    HAVING sum(found) <> 0 OR sum(closed) <> 0 OR sum(due) <> 0 OR sum(closed_on_time) <> 0
    """),
    text("""
    INSERT INTO event_stats (grain, day, district_code, unit_id, category_code, action, n)
    SELECT grain.code,
           CASE grain.code WHEN 'w' THEN date_trunc('week', day)::date
                           WHEN 'm' THEN date_trunc('month', day)::date ELSE day END,
           district, unit, category_code, action, count(*)
    FROM (
        SELECT (e.at AT TIME ZONE 'Asia/Shanghai')::date AS day,
               coalesce(c.district_code, '') AS district,
               coalesce(CASE WHEN e.action = 'dispute_upheld'
                             THEN (e.payload ->> 'from_unit')::integer ELSE e.unit_id END,
                        0) AS unit,
               c.category_code, e.action
        FROM case_events e JOIN cases c ON c.id = e.case_id
        WHERE e.action IN ('verify_pass', 'verify_fail', 'dispute_upheld', 'dispute_rejected')
    ) AS counted CROSS JOIN (VALUES ('d'), ('w'), ('m')) AS grain(code)
    GROUP BY 1, 2, 3, 4, 5, 6
    """),
]
