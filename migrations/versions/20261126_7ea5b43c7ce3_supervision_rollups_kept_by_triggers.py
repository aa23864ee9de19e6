"""Supervision rollups (map cells, daily case and event stats) kept exact by triggers.

Revision ID: 7ea5b43c7ce3
Revises: 491542b7e72b
Create Date: 2026-11-26 08:18:47.089513

"""

import sqlalchemy as sa
from alembic import op

# A case's contribution (sign +1 or -1) to the rollups; days are local (Asia/Shanghai) days.
CASE_ROLLUP_FUNCTIONS = """
CREATE FUNCTION case_rollup_apply(c cases, sign integer) RETURNS void AS $$
DECLARE
    district varchar := coalesce(c.district_code, '');
    unit integer := coalesce(c.unit_id, 0);
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
    PERFORM case_daily_add((c.reported_at AT TIME ZONE 'Asia/Shanghai')::date, district, unit,
                           c.category_code, sign, sign * (c.state = 'closed')::int, 0, 0, 0, 0);
    IF c.deadline_at IS NOT NULL AND NOT (c.state = 'disputed' AND c.paused_at IS NOT NULL) THEN
        PERFORM case_daily_add((c.deadline_at AT TIME ZONE 'Asia/Shanghai')::date, district, unit,
                               c.category_code, 0, 0, sign,
                               sign * (c.state = 'closed' AND coalesce(c.on_time, false))::int,
                               0, 0);
    END IF;
    IF c.state = 'closed' AND c.closed_at IS NOT NULL THEN
        PERFORM case_daily_add((c.closed_at AT TIME ZONE 'Asia/Shanghai')::date, district, unit,
                               c.category_code, 0, 0, 0, 0, sign, sign * c.used_minutes);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION case_daily_add(d date, district varchar, unit integer, category varchar,
                               found integer, closed integer, due integer, on_time integer,
                               closed_in_period integer, minutes double precision)
RETURNS void AS $$
    INSERT INTO case_daily_stats AS s (day, district_code, unit_id, category_code, found, closed,
                                       due, closed_on_time, closed_in_period, handling_minutes)
    VALUES (d, district, unit, category, found, closed, due, on_time, closed_in_period, minutes)
    ON CONFLICT (day, district_code, unit_id, category_code) DO UPDATE SET
        found = s.found + EXCLUDED.found, closed = s.closed + EXCLUDED.closed,
        due = s.due + EXCLUDED.due, closed_on_time = s.closed_on_time + EXCLUDED.closed_on_time,
        closed_in_period = s.closed_in_period + EXCLUDED.closed_in_period,
        handling_minutes = s.handling_minutes + EXCLUDED.handling_minutes;
$$ LANGUAGE sql;

CREATE FUNCTION case_rollup() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND
       (OLD.location, OLD.state, OLD.district_code, OLD.category_code, OLD.unit_id,
        OLD.reported_at, OLD.deadline_at, OLD.paused_at IS NULL, OLD.on_time, OLD.closed_at,
        OLD.used_minutes)
       IS NOT DISTINCT FROM
       (NEW.location, NEW.state, NEW.district_code, NEW.category_code, NEW.unit_id,
        NEW.reported_at, NEW.deadline_at, NEW.paused_at IS NULL, NEW.on_time, NEW.closed_at,
        NEW.used_minutes) THEN
        RETURN NULL;  -- nothing a rollup counts has changed
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM case_rollup_apply(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM case_rollup_apply(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# Verifications and dispute decisions, for the unit they count against: an upheld dispute's
# event names the new unit, the disputing one is payload.from_unit.
EVENT_ROLLUP_FUNCTION = """
CREATE FUNCTION case_event_rollup_apply(e case_events) RETURNS void AS $$
    INSERT INTO event_daily_stats AS s (day, district_code, unit_id, category_code, action, n)
    SELECT (e.at AT TIME ZONE 'Asia/Shanghai')::date, coalesce(c.district_code, ''),
           coalesce(CASE WHEN e.action = 'dispute_upheld'
                         THEN (e.payload ->> 'from_unit')::integer ELSE e.unit_id END, 0),
           c.category_code, e.action, 1
    FROM cases c
    WHERE c.id = e.case_id
      AND e.action IN ('verify_pass', 'verify_fail', 'dispute_upheld', 'dispute_rejected')
    ON CONFLICT (day, district_code, unit_id, category_code, action)
    DO UPDATE SET n = s.n + 1;
$$ LANGUAGE sql;

CREATE FUNCTION case_event_rollup() RETURNS trigger AS $$
BEGIN
    PERFORM case_event_rollup_apply(NEW);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# revision identifiers, used by Alembic.
revision = "7ea5b43c7ce3"
down_revision = "491542b7e72b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_daily_stats",
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
        sa.PrimaryKeyConstraint(
            "day", "district_code", "unit_id", "category_code", name=op.f("pk_case_daily_stats")
        ),
    )
    op.create_table(
        "case_map_cells",
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("cx", sa.Integer(), nullable=False),
        sa.Column("cy", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("category_group", sa.String(length=4), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "level",
            "cx",
            "cy",
            "district_code",
            "category_group",
            "state",
            name=op.f("pk_case_map_cells"),
        ),
    )
    op.create_table(
        "event_daily_stats",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=8), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day",
            "district_code",
            "unit_id",
            "category_code",
            "action",
            name=op.f("pk_event_daily_stats"),
        ),
    )
    op.execute(CASE_ROLLUP_FUNCTIONS)
    op.execute(
        "CREATE TRIGGER cases_rollup AFTER INSERT OR UPDATE OR DELETE ON cases "
        "FOR EACH ROW EXECUTE FUNCTION case_rollup()"
    )
    op.execute(EVENT_ROLLUP_FUNCTION)
    op.execute(
        "CREATE TRIGGER case_events_rollup AFTER INSERT ON case_events "
        "FOR EACH ROW EXECUTE FUNCTION case_event_rollup()"
    )
    # Cases and events that exist already.
    op.execute("SELECT case_rollup_apply(c, 1) FROM cases c")
    op.execute("SELECT case_event_rollup_apply(e) FROM case_events e")


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS case_events_rollup ON case_events")
    op.execute("DROP TRIGGER IF EXISTS cases_rollup ON cases")
    op.execute("DROP FUNCTION IF EXISTS case_event_rollup()")
    op.execute("DROP FUNCTION IF EXISTS case_event_rollup_apply(case_events)")
    op.execute("DROP FUNCTION IF EXISTS case_rollup()")
    op.execute("DROP FUNCTION IF EXISTS case_rollup_apply(cases, integer)")
    op.execute(
        "DROP FUNCTION IF EXISTS case_daily_add(date, varchar, integer, varchar, integer, "
        "integer, integer, integer, integer, double precision)"
    )
    op.drop_table("event_daily_stats")
    op.drop_table("case_map_cells")
    op.drop_table("case_daily_stats")
