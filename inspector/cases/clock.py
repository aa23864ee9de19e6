"""The handling clock: deadlines in natural hours, working hours or working days.

Working time follows a calendar: weekdays are workdays, except public holidays, and some weekend
days are worked instead (调休); within a workday only the working periods count (default
08:30-12:00 and 14:00-18:00, local time). "N working days" means N full workdays of working time.
"""

import itertools
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Date, Float, Time, case, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY

from inspector.cases.models import CalendarDay
from inspector.extensions import db

DEFAULT_CALENDAR_FILE = Path(__file__).with_name("calendar_2026.toml")
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
MAX_DAYS_SCANNED = 3660  # a deadline ten years out is a data error, not a loop forever


class CalendarError(ValueError):
    """A calendar file or working-hours setting we cannot use; the message says why."""


@dataclass(frozen=True)
class WorkingCalendar:
    periods: tuple[tuple[time, time], ...]
    holidays: frozenset[date]
    workdays: frozenset[date]  # weekend days that are worked
    tz: ZoneInfo = LOCAL_TZ

    @property
    def minutes_per_day(self) -> float:
        return sum(_minutes(start, end) for start, end in self.periods)

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def working_minutes_between(self, start: datetime, end: datetime) -> float:
        """Working minutes in [start, end); 0 when end is not after start.

        Whole days in between are counted arithmetically, so a case open for years costs the
        same as one opened this morning.
        """
        if end <= start:
            return 0.0
        first, last = start.astimezone(self.tz), end.astimezone(self.tz)
        if first.date() == last.date():
            return self._minutes_within_day(first.date(), first, last)
        total = self._minutes_within_day(first.date(), first, None)
        total += self._minutes_within_day(last.date(), None, last)
        between = self.workdays_between(
            first.date() + timedelta(days=1), last.date() - timedelta(days=1)
        )
        return total + between * self.minutes_per_day

    def workdays_between(self, first: date, last: date) -> int:
        """Workdays in [first, last] (inclusive), holidays and make-up days included."""
        if last < first:
            return 0
        days = (last - first).days + 1
        weeks, rest = divmod(days, 7)
        count = weeks * 5 + sum(
            1 for offset in range(rest) if (first + timedelta(days=offset)).weekday() < 5
        )
        count -= sum(1 for day in self.holidays if first <= day <= last and day.weekday() < 5)
        count += sum(1 for day in self.workdays if first <= day <= last and day.weekday() >= 5)
        return count

    def _minutes_within_day(self, day: date, start: datetime | None, end: datetime | None):
        """Working minutes of `day` between start and end (None: the day's start or end)."""
        if not self.is_workday(day):
            return 0.0
        total = 0.0
        for begin, finish in self.periods:
            period_start = datetime.combine(day, begin, self.tz)
            period_end = datetime.combine(day, finish, self.tz)
            low = max(period_start, start) if start else period_start
            high = min(period_end, end) if end else period_end
            if high > low:
                total += (high - low).total_seconds() / 60
        return total

    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """The moment `minutes` of working time after `start`."""
        remaining = timedelta(minutes=minutes)
        if remaining <= timedelta(0):
            return start
        for period_start, period_end in self._periods_from(start):
            available = period_end - period_start
            if remaining <= available:
                return period_start + remaining
            remaining -= available
        raise CalendarError("deadline too far in the future for the working calendar")

    def _periods_from(self, start: datetime):
        """Working periods (aware datetimes) from `start` on, the first one clipped to it."""
        local = start.astimezone(self.tz)
        day = local.date()
        for _ in range(MAX_DAYS_SCANNED):
            if self.is_workday(day):
                for begin, finish in self.periods:
                    period_start = datetime.combine(day, begin, self.tz)
                    period_end = datetime.combine(day, finish, self.tz)
                    if period_end <= local:
                        continue
                    yield max(period_start, local), period_end
            day += timedelta(days=1)


def _seconds(moment: time) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _minutes(start: time, end: time) -> float:
    return (datetime.combine(date.min, end) - datetime.combine(date.min, start)).seconds / 60


def parse_working_hours(text: str) -> tuple[tuple[time, time], ...]:
    """'08:30-12:00,14:00-18:00' -> periods; refuses overlaps and nonsense."""
    periods = []
    try:
        for part in text.split(","):
            begin, finish = (time.fromisoformat(value.strip()) for value in part.split("-"))
            periods.append((begin, finish))
    except ValueError:
        raise CalendarError(
            f"working hours {text!r}: expected e.g. 08:30-12:00,14:00-18:00"
        ) from None
    periods.sort()
    for (_, first_end), (second_start, _) in itertools.pairwise(periods):
        if first_end > second_start:
            raise CalendarError(f"working hours {text!r}: periods overlap")
    if not periods or any(finish <= begin for begin, finish in periods):
        raise CalendarError(f"working hours {text!r}: each period must end after it starts")
    return tuple(periods)


def load_calendar(working_hours: str) -> WorkingCalendar:
    days = db.session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
    return WorkingCalendar(
        periods=parse_working_hours(working_hours),
        holidays=frozenset(day for day, kind in days if kind == "holiday"),
        workdays=frozenset(day for day, kind in days if kind == "workday"),
    )


def current_calendar() -> WorkingCalendar:
    from flask import current_app

    return load_calendar(current_app.config["WORKING_HOURS"])


# -- importing calendars ----------------------------------------------------------------------


def read_calendar_file(path: Path) -> list[tuple[date, str, str | None]]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CalendarError(f"{path}: not a readable TOML calendar ({exc})") from None
    days: dict[date, tuple[str, str | None]] = {}
    try:
        for entry in data.get("holidays", []):
            first, last = date.fromisoformat(entry["from"]), date.fromisoformat(entry["to"])
            if last < first:
                raise CalendarError(f"{path}: holiday {entry.get('name')} ends before it starts")
            for offset in range((last - first).days + 1):
                days[first + timedelta(days=offset)] = ("holiday", entry.get("name"))
        for entry in data.get("workdays", []):
            day = date.fromisoformat(entry["day"])
            if day in days:
                raise CalendarError(f"{path}: {day} is both a holiday and a workday")
            days[day] = ("workday", entry.get("name"))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CalendarError):
            raise
        raise CalendarError(f"{path}: entries need from/to or day as YYYY-MM-DD ({exc})") from None
    if not days:
        raise CalendarError(f"{path}: no holidays or workdays found")
    return [(day, kind, name) for day, (kind, name) in sorted(days.items())]


def import_calendar(path: Path = DEFAULT_CALENDAR_FILE) -> int:
    """Replace the calendar entries of the years the file covers; returns how many days."""
    entries = read_calendar_file(path)
    years = {day.year for day, _, _ in entries}
    db.session.execute(db.delete(CalendarDay).where(db.extract("year", CalendarDay.day).in_(years)))
    db.session.add_all(CalendarDay(day=day, kind=kind, name=name) for day, kind, name in entries)
    db.session.flush()
    return len(entries)


def ensure_default_calendar() -> int:
    if db.session.scalar(select(CalendarDay.day).limit(1)) is not None:
        return 0
    return import_calendar(DEFAULT_CALENDAR_FILE)


# -- the clock of one case --------------------------------------------------------------------


def _between(case, calendar: WorkingCalendar, start: datetime, end: datetime) -> float:
    if case.clock_kind == "natural":
        return max(0.0, (end - start).total_seconds() / 60)
    return calendar.working_minutes_between(start, end)


def _add(case, calendar: WorkingCalendar, start: datetime, minutes: float) -> datetime:
    if case.clock_kind == "natural":
        return start + timedelta(minutes=max(0.0, minutes))
    return calendar.add_working_minutes(start, minutes)


def budget_for(value: float, unit: str, calendar: WorkingCalendar) -> tuple[str, float]:
    """(clock kind, minutes) of a deadline given as (value, unit)."""
    if unit == "h":
        return "natural", value * 60
    if unit == "wh":
        return "working", value * 60
    return "working", value * calendar.minutes_per_day


def start_clock(case, calendar: WorkingCalendar, now: datetime) -> None:
    """Dispatch starts the clock with the category's deadline for the case's severity."""
    value, unit = case.category.deadline_for(case.severity)
    case.clock_kind, case.budget_minutes = budget_for(value, unit, calendar)
    case.used_minutes = 0.0
    case.clock_started_at = now
    case.paused_at = None
    case.deadline_at = _add(case, calendar, now, case.budget_minutes)


def minutes_used(case, calendar: WorkingCalendar, now: datetime) -> float:
    if case.clock_started_at is None:
        return 0.0
    running = case.paused_at is None and case.closed_at is None
    extra = _between(case, calendar, case.clock_started_at, now) if running else 0.0
    return case.used_minutes + extra


def clock_days(calendar: WorkingCalendar, now: datetime, first_day: date):
    """A FROM item (day, to_now, workday) for the local days from `first_day` to today: the
    working minutes from each day's start to `now`. Join it to running clocks on their start
    day (see start_day) and count them with sql_minutes_since.

    Rankings look at thousands of running clocks at once: each day is counted here once, and
    the database adds it up without sending every case to Python. A clock never starts before
    its case was reported, so a period's first day bounds the clocks of its cases.
    """
    today = now.astimezone(calendar.tz).date()
    first_day = min(first_day, today)
    days = [first_day + timedelta(days=offset) for offset in range((today - first_day).days + 1)]
    later = calendar.working_minutes_between(datetime.combine(today, time.min, calendar.tz), now)
    to_now = []
    for day in reversed(days):  # minutes from the start of `day` to now, latest day first
        if day != today:
            later += calendar.minutes_per_day if calendar.is_workday(day) else 0.0
        to_now.append(later)
    to_now.reverse()
    return func.unnest(
        literal(days, ARRAY(Date)),
        literal(to_now, ARRAY(Float)),
        literal([calendar.is_workday(day) for day in days], ARRAY(Boolean)),
    ).table_valued("day", "to_now", "workday").render_derived(name="clock_days")


def start_day(calendar: WorkingCalendar, start):
    return func.cast(func.timezone(calendar.tz.key, start), Date)


def sql_minutes_since(calendar: WorkingCalendar, now: datetime, days, kind, start):
    """SQL for the minutes a running clock of `kind` has counted from `start` to `now`, on rows
    joined to `days` (clock_days) on the start day."""
    seconds = func.extract("epoch", func.cast(func.timezone(calendar.tz.key, start), Time))
    before_start = sum(
        (
            func.least(func.greatest(seconds - _seconds(begin), 0), _seconds(end) - _seconds(begin))
            for begin, end in calendar.periods
        ),
        literal(0.0),
    )
    working = days.c.to_now - case((days.c.workday, before_start / 60), else_=0.0)
    natural = func.extract("epoch", literal(now) - start) / 60
    return func.greatest(case((kind == "natural", natural), else_=working), 0.0)


def pause_clock(case, calendar: WorkingCalendar, now: datetime) -> None:
    """Disputed, or rectified and waiting for verification: time stops counting."""
    if case.clock_started_at is None or case.paused_at is not None:
        return
    case.used_minutes = minutes_used(case, calendar, now)
    case.paused_at = now


def resume_clock(case, calendar: WorkingCalendar, now: datetime) -> None:
    """Restart after a pause (or a rectification sent back): the deadline moves by the pause."""
    if case.clock_started_at is None:
        return
    case.paused_at = None
    case.clock_started_at = now
    case.deadline_at = _add(case, calendar, now, case.budget_minutes - case.used_minutes)


def extend_clock(case, calendar: WorkingCalendar, now: datetime, new_deadline: datetime) -> None:
    """A granted extension: the budget grows so that the clock ends at `new_deadline`."""
    used = minutes_used(case, calendar, now)
    case.used_minutes = used
    case.clock_started_at = now
    case.budget_minutes = used + _between(case, calendar, now, new_deadline)
    case.deadline_at = new_deadline


def traffic_light(
    case, calendar: WorkingCalendar, now: datetime, used: float | None = None
) -> str | None:
    """green < 80 % of the budget used, yellow 80-100 %, red overdue; None without a clock."""
    if not case.budget_minutes:
        return None
    used = minutes_used(case, calendar, now) if used is None else used
    share = used / case.budget_minutes
    if share >= 1:
        return "red"
    return "yellow" if share >= 0.8 else "green"


def is_overdue(case, calendar: WorkingCalendar, now: datetime) -> bool:
    return traffic_light(case, calendar, now) == "red"
