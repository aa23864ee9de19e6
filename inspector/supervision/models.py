"""Rollups kept by database triggers, so city-wide maps and KPIs never scan every case.

The triggers (migrations "supervision rollups" and "weekly rollups") subtract a row's old
contribution and add its new one on every insert, update and delete of a case, and count each
case event as it is appended, so the rollups are exact at every commit, whatever writes the cases.
"""

from datetime import date

from sqlalchemy import Date, Float, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from inspector.extensions import db


def use_custom_plans() -> None:
    """For the rest of this transaction, plan each statement for its actual values.

    psycopg prepares statements run five times, and PostgreSQL may then switch to a generic
    plan that ignores the date range: a 30-day ranking went from 55 to 120 ms after ten runs.
    Only the supervision queries ask for this; short lookups keep their cached plans.
    """
    db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


# The partitions of the stats tables, made by the migration (not models of their own).
STATS_PARTITIONS = {
    f"{table}_{grain}" for table in ("case_stats", "event_stats") for grain in ("d", "w", "m")
}
# Partitioned by grain (case_stats_d, _w, _m): each grain's rows stay together on disk.
BY_GRAIN: dict = {"postgresql_partition_by": "LIST (grain)"}

# Map cell sizes in degrees per rollup level: level 1 for city views, level 2 for district views.
MAP_LEVELS = {1: 0.05, 2: 0.01}


class CaseMapCell(db.Model):
    __tablename__ = "case_map_cells"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    category_group: Mapped[str] = mapped_column(String(4), primary_key=True)
    state: Mapped[str] = mapped_column(String(24), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class CaseStats(db.Model):
    """Per local day (grain 'd'), week (grain 'w', day = its Monday) and month (grain 'm',
    day = its first day):
    found/closed by report day, due/on time by deadline day, handling by closing day (invalid
    cases count nowhere; cases suspended by a dispute are not due); open_due counts open cases
    whose clock runs, by deadline day, for "overdue now"."""

    __tablename__ = "case_stats"
    __table_args__ = BY_GRAIN

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: no unit
    category_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    found: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    due: Mapped[int] = mapped_column(Integer, default=0)
    closed_on_time: Mapped[int] = mapped_column(Integer, default=0)
    closed_in_period: Mapped[int] = mapped_column(Integer, default=0)
    handling_minutes: Mapped[float] = mapped_column(Float, default=0)
    open_due: Mapped[int] = mapped_column(Integer, default=0)


class EventStats(db.Model):
    """Per local day, week and month (as CaseStats): verifications and dispute decisions, for the
    unit they count against."""

    __tablename__ = "event_stats"
    __table_args__ = BY_GRAIN

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    action: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class CaseTrendWeek(db.Model):
    """Per week (from Monday) and district: the trend chart's counts, as in CaseStats, without
    the unit and category dimensions that make CaseStats a hundred times larger."""

    __tablename__ = "case_trend_weeks"

    week: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    found: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    due: Mapped[int] = mapped_column(Integer, default=0)
    closed_on_time: Mapped[int] = mapped_column(Integer, default=0)
