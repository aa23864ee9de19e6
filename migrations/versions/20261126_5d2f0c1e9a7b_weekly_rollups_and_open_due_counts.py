"""Rollups by day, week and month, with open cases counted by deadline day.

Long KPI periods (all time, a year) summed hundreds of thousands of daily rows, and "overdue
now" counted every open overdue case. Each stats row now exists at three grains, 'd' (a local
day), 'w' (the week from that Monday) and 'm' (the month from its first day), so a period reads
whole months, then whole weeks, then days at its edges; and `open_due` counts the open, running
cases per deadline day, so "overdue now" is a sum over past days plus the few cases due today.
The weekly trend chart reads case_trend_weeks, per week and district only (a few rows a week).

The tables replace case_daily_stats / event_daily_stats, which they no longer are. They are
partitioned by grain so that the rows of one grain stay together on disk: interleaved, a scan
of the 26,000 monthly rows of a million cases read most of the table's pages.

Revision ID: 5d2f0c1e9a7b
Revises: 7ea5b43c7ce3
Create Date: 2026-11-26 09:55:00

"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "5d2f0c1e9a7b"
down_revision = "7ea5b43c7ce3"
branch_labels = None
depends_on = None

# What a case contributes (sign +1 or -1), at every grain; days are local (Asia/Shanghai) days.
# open_due: the case is open and its clock runs, so it is overdue once its deadline day is past.
CASE_ROLLUP_FUNCTIONS = """
CREATE FUNCTION case_stats_add(d date, district varchar, unit integer, category varchar,
                               found integer, closed integer, due integer, on_time integer,
                               closed_in_period integer, minutes double precision,
                               open_due integer)
RETURNS void AS $$
    INSERT INTO case_stats AS s (grain, day, district_code, unit_id, category_code, found, closed,
                                 due, closed_on_time, closed_in_period, handling_minutes,
                                 open_due)
    VALUES ('d', d, district, unit, category, found, closed, due, on_time, closed_in_period,
            minutes, open_due),
           ('w', date_trunc('week', d)::date, district, unit, category, found, closed, due,
            on_time, closed_in_period, minutes, open_due),
           ('m', date_trunc('month', d)::date, district, unit, category, found, closed, due,
            on_time, closed_in_period, minutes, open_due)
    ON CONFLICT (grain, day, district_code, unit_id, category_code) DO UPDATE SET
        found = s.found + EXCLUDED.found, closed = s.closed + EXCLUDED.closed,
        due = s.due + EXCLUDED.due, closed_on_time = s.closed_on_time + EXCLUDED.closed_on_time,
        closed_in_period = s.closed_in_period + EXCLUDED.closed_in_period,
        handling_minutes = s.handling_minutes + EXCLUDED.handling_minutes,
        open_due = s.open_due + EXCLUDED.open_due;
    INSERT INTO case_trend_weeks AS t (week, district_code, found, closed, due, closed_on_time)
    SELECT date_trunc('week', d)::date, district, found, closed, due, on_time
    WHERE found <> 0 OR closed <> 0 OR due <> 0 OR on_time <> 0
    ON CONFLICT (week, district_code) DO UPDATE SET
        found = t.found + EXCLUDED.found, closed = t.closed + EXCLUDED.closed,
        due = t.due + EXCLUDED.due, closed_on_time = t.closed_on_time + EXCLUDED.closed_on_time;
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION case_rollup_apply(c cases, sign integer) RETURNS void AS $$
DECLARE
    district varchar := coalesce(c.district_code, '');
    unit integer := coalesce(c.unit_id, 0);
    running integer := (c.closed_at IS NULL AND c.paused_at IS NULL
                        AND c.state IN ('dispatched', 'in_progress', 'extension_requested'))::int;
BEGIN
    INSERT INTO case_map_cells AS m (level, cx, cy, district_code, category_group, state, n)
    VALUES (1, floor(ST_X(c.location) / 0.05), floor(ST_Y(c.location) / 0.05), district,
            left(c.category_code, 2), c.state, sign),
           (2, floor(ST_X(c.location) / 0.01), floor(ST_Y(c.location) / 0.01), district,
            left(c.category_code, 2), c.state, sign)
    ON CONFLICT (level, cx, cy, district_code, category_group, state)
    DO UPDATE SET n = m.n + EXCLUDED.n;
    IF c.state = 'invalid' THEN
        RETURN;
    END IF;
    PERFORM case_stats_add((c.reported_at AT TIME ZONE 'Asia/Shanghai')::date, district, unit,
                           c.category_code, sign, sign * (c.state = 'closed')::int, 0, 0, 0, 0,
                           0);
    IF c.deadline_at IS NOT NULL AND NOT (c.state = 'disputed' AND c.paused_at IS NOT NULL) THEN
        PERFORM case_stats_add((c.deadline_at AT TIME ZONE 'Asia/Shanghai')::date, district, unit,
                               c.category_code, 0, 0, sign,
                               sign * (c.state = 'closed' AND coalesce(c.on_time, false))::int,
                               0, 0, sign * running);
    END IF;
    IF c.state = 'closed' AND c.closed_at IS NOT NULL THEN
        PERFORM case_stats_add((c.closed_at AT TIME ZONE 'Asia/Shanghai')::date, district, unit,
                               c.category_code, 0, 0, 0, 0, sign, sign * c.used_minutes, 0);
    END IF;
END;
$$ LANGUAGE plpgsql;

DROP FUNCTION case_daily_add(date, varchar, integer, varchar, integer, integer, integer,
                             integer, integer, double precision);
"""

COUNTED_ACTIONS = "('verify_pass', 'verify_fail', 'dispute_upheld', 'dispute_rejected')"
EVENT_ROLLUP_FUNCTION = """
CREATE OR REPLACE FUNCTION case_event_rollup_apply(e case_events) RETURNS void AS $$
    INSERT INTO event_stats AS s (grain, day, district_code, unit_id, category_code, action, n)
    SELECT grain.code,
           CASE grain.code
               WHEN 'w' THEN date_trunc('week', (e.at AT TIME ZONE 'Asia/Shanghai')::date)::date
               WHEN 'm' THEN date_trunc('month', (e.at AT TIME ZONE 'Asia/Shanghai')::date)::date
               ELSE (e.at AT TIME ZONE 'Asia/Shanghai')::date END,
           coalesce(c.district_code, ''),
           coalesce(CASE WHEN e.action = 'dispute_upheld'
                         THEN (e.payload ->> 'from_unit')::integer ELSE e.unit_id END, 0),
           c.category_code, e.action, 1
    FROM cases c CROSS JOIN (VALUES ('d'), ('w'), ('m')) AS grain(code)
    WHERE c.id = e.case_id
      AND e.action IN ('verify_pass', 'verify_fail', 'dispute_upheld', 'dispute_rejected')
    ON CONFLICT (grain, day, district_code, unit_id, category_code, action)
    DO UPDATE SET n = s.n + 1;
$$ LANGUAGE sql;
"""


def upgrade():
    op.drop_table("case_daily_stats")
    op.drop_table("event_daily_stats")
    op.create_table(
        "case_stats",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=8), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("due", sa.Integer(), nullable=False),
        sa.Column("closed_on_time", sa.Integer(), nullable=False),
        sa.Column("closed_in_period", sa.Integer(), nullable=False),
        sa.Column("handling_minutes", sa.Float(), nullable=False),
        sa.Column("open_due", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "grain", "day", "district_code", "unit_id", "category_code", name=op.f("pk_case_stats")
        ),
        postgresql_partition_by="LIST (grain)",
    )
    op.create_table(
        "event_stats",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=8), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "grain",
            "day",
            "district_code",
            "unit_id",
            "category_code",
            "action",
            name=op.f("pk_event_stats"),
        ),
        postgresql_partition_by="LIST (grain)",
    )
    op.create_table(
        "case_trend_weeks",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("due", sa.Integer(), nullable=False),
        sa.Column("closed_on_time", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week", "district_code", name=op.f("pk_case_trend_weeks")),
    )
    for table in ("case_stats", "event_stats"):
        for grain in "dwm":
            op.execute(
                f"CREATE TABLE {table}_{grain} PARTITION OF {table} FOR VALUES IN ('{grain}')"
            )
    op.execute(CASE_ROLLUP_FUNCTIONS)
    op.execute(EVENT_ROLLUP_FUNCTION)
    # Only the events the rollup counts call it: every report appends two that it does not.
    op.execute("DROP TRIGGER case_events_rollup ON case_events")
    op.execute(
        "CREATE TRIGGER case_events_rollup AFTER INSERT ON case_events FOR EACH ROW "
        f"WHEN (NEW.action IN {COUNTED_ACTIONS}) EXECUTE FUNCTION case_event_rollup()"
    )
    # Recount what exists, at every grain and with open_due.
    op.execute("TRUNCATE case_map_cells")
    op.execute("SELECT case_rollup_apply(c, 1) FROM cases c")
    op.execute("SELECT case_event_rollup_apply(e) FROM case_events e")


def downgrade():
    op.execute("DROP TRIGGER case_events_rollup ON case_events")
    op.execute("DROP TRIGGER cases_rollup ON cases")
    op.execute("DROP FUNCTION case_event_rollup()")
    op.execute("DROP FUNCTION case_rollup()")
    op.execute("DROP FUNCTION case_rollup_apply(cases, integer)")
    op.execute("DROP FUNCTION case_event_rollup_apply(case_events)")
    op.execute(
        "DROP FUNCTION case_stats_add(date, varchar, integer, varchar, integer, integer, "
        "integer, integer, integer, double precision, integer)"
    )
    op.drop_table("case_stats")
    op.drop_table("event_stats")
    op.drop_table("case_trend_weeks")
    op.drop_table("case_map_cells")
    # Revision 7ea5b43c7ce3 as it was: tables, functions, triggers, and a recount.
    _previous_revision().upgrade()


def _previous_revision():
    """Revision 7ea5b43c7ce3's module, to rebuild its tables and functions as they were."""
    path = next(Path(__file__).parent.glob("*_7ea5b43c7ce3_*.py"))
    spec = importlib.util.spec_from_file_location("rollups_7ea5b43c7ce3", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
