"""Deadline arithmetic on the working calendar: weekends, holidays, make-up days, lunch."""

from datetime import date, datetime, time, timedelta

import pytest

from inspector.cases.clock import (
    DEFAULT_CALENDAR_FILE as FILE_2026,
)
from inspector.cases.clock import (
    LOCAL_TZ as TZ,
)
from inspector.cases.clock import (
    CalendarError,
    WorkingCalendar,
    parse_working_hours,
    read_calendar_file,
)


@pytest.fixture
def calendar():
    entries = read_calendar_file(FILE_2026)
    return WorkingCalendar(
        periods=parse_working_hours("08:30-12:00,14:00-18:00"),
        holidays=frozenset(day for day, kind, _ in entries if kind == "holiday"),
        workdays=frozenset(day for day, kind, _ in entries if kind == "workday"),
    )


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def test_a_working_day_has_seven_and_a_half_hours(calendar):
    assert calendar.minutes_per_day == 450


def test_two_working_hours_skip_the_lunch_break(calendar):
    # Thu 2026-11-26 11:00 + 2 wh: 1 h until 12:00, then 14:00-15:00.
    assert calendar.add_working_minutes(at(2026, 11, 26, 11), 120) == at(2026, 11, 26, 15)


def test_time_reported_during_lunch_starts_counting_at_14_00(calendar):
    assert calendar.add_working_minutes(at(2026, 11, 26, 12, 30), 60) == at(2026, 11, 26, 15)


def test_a_deadline_crosses_the_weekend(calendar):
    # Fri 2026-11-27 17:00 + 4 wh: 1 h on Friday, 3 h on Monday 30 Nov (08:30-11:30).
    assert calendar.add_working_minutes(at(2026, 11, 27, 17), 240) == at(2026, 11, 30, 11, 30)


def test_a_deadline_skips_the_national_day_holiday(calendar):
    # Wed 2026-09-30 17:00 + 2 wh: 1 h on 30 Sep; 1-7 Oct are holidays; Thu 8 Oct resumes.
    assert calendar.add_working_minutes(at(2026, 9, 30, 17), 120) == at(2026, 10, 8, 9, 30)


def test_a_make_up_saturday_is_a_working_day(calendar):
    # Sat 2026-10-10 is a make-up workday (国庆调休): Fri 9 Oct 17:30 + 1 wh ends Sat 09:00.
    assert calendar.is_workday(date(2026, 10, 10))
    assert calendar.add_working_minutes(at(2026, 10, 9, 17, 30), 60) == at(2026, 10, 10, 9)


def test_spring_festival_is_nine_days_off_with_make_up_days_around_it(calendar):
    assert calendar.is_workday(date(2026, 2, 14))  # Saturday worked
    assert not any(calendar.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert calendar.is_workday(date(2026, 2, 28))


def test_working_minutes_between_counts_only_working_periods(calendar):
    # Fri 16:00 -> Mon 10:00: 2 h Friday + 1.5 h Monday.
    assert calendar.working_minutes_between(at(2026, 11, 27, 16), at(2026, 11, 30, 10)) == 210


def test_add_then_measure_round_trips(calendar):
    start = at(2026, 12, 31, 15, 17)
    end = calendar.add_working_minutes(start, 3 * 450)
    assert calendar.working_minutes_between(start, end) == pytest.approx(3 * 450)


@pytest.mark.parametrize("text", ["8:30", "08:30-07:00", "08:00-12:00,11:00-13:00", "x-y"])
def test_bad_working_hours_are_refused(text):
    with pytest.raises(CalendarError):
        parse_working_hours(text)


def test_bad_calendar_files_are_refused(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('holidays = [{ from = "2027-02-10", to = "2027-02-01" }]\n')
    with pytest.raises(CalendarError, match="ends before"):
        read_calendar_file(bad)
    clash = tmp_path / "clash.toml"
    clash.write_text(
        'holidays = [{ from = "2027-01-01", to = "2027-01-01" }]\n'
        'workdays = [{ day = "2027-01-01" }]\n'
    )
    with pytest.raises(CalendarError, match="both"):
        read_calendar_file(clash)


def test_the_period_list_is_time_objects():
    assert parse_working_hours("08:30-12:00")[0] == (time(8, 30), time(12, 0))


def test_long_spans_are_counted_like_day_by_day(calendar):
    """The arithmetic shortcut for whole days agrees with walking the calendar period by period."""
    start = at(2025, 12, 30, 10, 15)
    for days in (1, 3, 9, 40, 400):
        end = start + timedelta(days=days, hours=5)
        walked = 0.0
        for begin, stop in calendar._periods_from(start):
            if begin >= end:
                break
            walked += (min(stop, end) - begin).total_seconds() / 60
        assert calendar.working_minutes_between(start, end) == pytest.approx(walked)


def test_running_clocks_counted_in_sql_agree_with_python(calendar, db_session):
    """The ranking's SQL (minutes from each day's start to now, passed as an array, and the
    start day's own periods) agrees with working_minutes_between, and natural clocks with plain
    time, for clocks started from the period's first day on."""
    import random

    from sqlalchemy import DateTime, String, literal, select

    from inspector.cases.clock import clock_days, sql_minutes_since, start_day

    now = at(2026, 10, 9, 15, 40)  # the day after the National Day holiday, mid-afternoon
    first_day = date(2026, 8, 20)
    rng = random.Random(7)
    starts = [now - timedelta(minutes=rng.randrange(0, 60 * 24 * 50)) for _ in range(120)]
    starts += [at(2026, 10, 9, 7), at(2026, 10, 9, 12, 30), at(2026, 8, 20, 9), now]
    days = clock_days(calendar, now, first_day)
    for kind in ("working", "natural"):
        for start in starts:
            moment = literal(start, DateTime(timezone=True))
            got = db_session.scalar(
                select(sql_minutes_since(calendar, now, days, literal(kind, String), moment))
                .select_from(days)
                .where(days.c.day == start_day(calendar, moment))
            )
            expected = (
                calendar.working_minutes_between(start, now)
                if kind == "working"
                else (now - start).total_seconds() / 60
            )
            assert got == pytest.approx(expected, abs=1e-6), (kind, start)
