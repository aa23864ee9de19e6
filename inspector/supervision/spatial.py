"""Spatial expressions of supervision: grid cells for the map, recurrence clusters."""

import math

from sqlalchemy import func, text

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


# Recurrences (cases marked as coming back after a closed one), clustered by place per category.
RECURRENCE_CLUSTERS = text("""
SELECT category_code, cluster, count(*) AS cases,
       ST_X(ST_Centroid(ST_Collect(location))) AS lon,
       ST_Y(ST_Centroid(ST_Collect(location))) AS lat,
       array_agg(number ORDER BY reported_at) AS numbers
FROM (
    SELECT category_code, location, number, reported_at,
           ST_ClusterDBSCAN(ST_Transform(location, 3857), eps => :eps, minpoints => 1)
               OVER (PARTITION BY category_code) AS cluster
    FROM cases
    WHERE recurrence_of_id IS NOT NULL AND reported_at >= :start AND reported_at < :end
) AS r
GROUP BY category_code, cluster
HAVING count(*) >= :min_cases
ORDER BY count(*) DESC
LIMIT 100
""")


# Set-based equivalents of the rollup triggers (migrations "supervision rollups" and "weekly
# rollups"): used after bulk loads and by `inspector supervision rebuild-rollups`; a test checks
# both give the same rows. Each contribution lands at every grain (local day, week, month).
REBUILD_ROLLUPS = [
    text("TRUNCATE case_map_cells, case_stats, event_stats"),
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
