"""Rollups by day, week and month, with open cases counted by deadline day.

Long KPI periods (all time, a year) summed hundreds of thousands of daily rows, and "overdue
now" counted every open overdue case. Each stats row now exists at three grains, 'd' (a local
day), 'w' (the week from that Monday) and 'm' (the month from its first day), so a period reads
whole months, then whole weeks, then days at its edges; and `open_due` counts the open, running
cases per deadline day, so "overdue now" is a sum over past days plus the few cases due today.

The tables are renamed from case_daily_stats / event_daily_stats, which they no longer are.

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
    op.rename_table("case_daily_stats", "case_stats")
    op.rename_table("event_daily_stats", "event_stats")
    for table in ("case_stats", "event_stats"):
        op.add_column(table, sa.Column("grain", sa.String(length=1), server_default="d"))
        op.alter_column(table, "grain", nullable=False, server_default=None)
    op.add_column("case_stats", sa.Column("open_due", sa.Integer(), server_default="0"))
    op.alter_column("case_stats", "open_due", nullable=False, server_default=None)
    op.drop_constraint("pk_case_daily_stats", "case_stats", type_="primary")
    op.create_primary_key(
        op.f("pk_case_stats"),
        "case_stats",
        ["grain", "day", "district_code", "unit_id", "category_code"],
    )
    op.drop_constraint("pk_event_daily_stats", "event_stats", type_="primary")
    op.create_primary_key(
        op.f("pk_event_stats"),
        "event_stats",
        ["grain", "day", "district_code", "unit_id", "category_code", "action"],
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
    op.execute("TRUNCATE case_map_cells, case_stats, event_stats")
    op.execute("SELECT case_rollup_apply(c, 1) FROM cases c")
    op.execute("SELECT case_event_rollup_apply(e) FROM case_events e")


def downgrade():
    previous = _previous_revision()
    op.execute("DROP TRIGGER case_events_rollup ON case_events")
    op.execute(
        "CREATE TRIGGER case_events_rollup AFTER INSERT ON case_events "
        "FOR EACH ROW EXECUTE FUNCTION case_event_rollup()"
    )
    op.execute("TRUNCATE case_map_cells, case_stats, event_stats")
    op.drop_constraint("pk_event_stats", "event_stats", type_="primary")
    op.drop_constraint("pk_case_stats", "case_stats", type_="primary")
    op.drop_column("case_stats", "open_due")
    for table in ("case_stats", "event_stats"):
        op.drop_column(table, "grain")
    op.rename_table("case_stats", "case_daily_stats")
    op.rename_table("event_stats", "event_daily_stats")
    op.create_primary_key(
        "pk_case_daily_stats",
        "case_daily_stats",
        ["day", "district_code", "unit_id", "category_code"],
    )
    op.create_primary_key(
        "pk_event_daily_stats",
        "event_daily_stats",
        ["day", "district_code", "unit_id", "category_code", "action"],
    )
    op.execute("DROP FUNCTION case_rollup_apply(cases, integer)")
    op.execute("DROP FUNCTION case_event_rollup_apply(case_events)")
    op.execute(
        "DROP FUNCTION case_stats_add(date, varchar, integer, varchar, integer, integer, "
        "integer, integer, integer, double precision, integer)"
    )
    op.execute(previous.CASE_ROLLUP_FUNCTIONS.split("CREATE FUNCTION case_rollup()")[0])
    op.execute(previous.EVENT_ROLLUP_FUNCTION.split("CREATE FUNCTION case_event_rollup()")[0])
    op.execute("SELECT case_rollup_apply(c, 1) FROM cases c")
    op.execute("SELECT case_event_rollup_apply(e) FROM case_events e")


def _previous_revision():
    """The function bodies of revision 7ea5b43c7ce3, to restore them as they were."""
    path = next(Path(__file__).parent.glob("*_7ea5b43c7ce3_*.py"))
    spec = importlib.util.spec_from_file_location("rollups_7ea5b43c7ce3", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
