"""KPIs per district, unit or category for a period (PRODUCT.md section 6).

- found: cases reported in the period (invalid ones excluded);
- 按期结案率 on-time rate: cases closed on time / cases due in the period. "Due" uses the deadline
  after granted extensions and dispute pauses; a case suspended by an open dispute is not due;
- 结案率 closing rate: of the cases found in the period, the share closed;
- 返工率 rework rate: failed verifications / verifications, events in the period;
- disputes upheld and rejected (推诿), events in the period, counted for the unit that disputed;
- average handling time: working hours used by cases closed in the period;
- overdue now: open cases past their deadline and not paused.

Everything is read from the trigger-kept rollups: whole weeks of a period from the weekly rows
and the days at its edges from the daily ones, so a year costs about as much as a month.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, false, func, or_, select

from inspector.cases.clock import LOCAL_TZ
from inspector.cases.models import Case
from inspector.extensions import db
from inspector.supervision.models import CaseStats, CaseTrendWeek, EventStats, use_custom_plans

# Group keys, the same on the rollups and on the cases table.
GROUPS = {"district": "district_code", "unit": "unit_id", "category": "category_code"}
EMPTY = {
    "found": 0,
    "closed": 0,
    "due": 0,
    "closed_on_time": 0,
    "verifications": 0,
    "failed_verifications": 0,
    "disputes_upheld": 0,
    "disputes_rejected": 0,
    "handling_minutes": 0.0,
    "closed_in_period": 0,
    "overdue_now": 0,
}
RUNNING_STATES = ("dispatched", "in_progress", "extension_requested")  # the clock runs
DAILY_SUMS = ("found", "closed", "due", "closed_on_time", "closed_in_period", "handling_minutes")
EVENT_COUNTS = {
    "verify_pass": ("verifications",),
    "verify_fail": ("verifications", "failed_verifications"),
    "dispute_upheld": ("disputes_upheld",),
    "dispute_rejected": ("disputes_rejected",),
}


def kpis(group: str, start: datetime, end: datetime, now: datetime) -> list[dict]:
    """One row per group key for the local days [start, end), with the rates."""
    use_custom_plans()
    rows: dict = defaultdict(lambda: dict(EMPTY))
    first, last = _day(start), _day(end)
    _from_daily_stats(rows, group, first, last)
    _from_event_stats(rows, group, first, last)
    _overdue(rows, group, now)
    return [_with_rates(name, counts) for name, counts in sorted(rows.items(), key=_sort_key)]


def _day(moment: datetime):
    return moment.astimezone(LOCAL_TZ).date()


def _key(value):
    """Rollups store "no district" as '' and "no unit" as 0."""
    return None if value in ("", 0) else value


def _sort_key(item):
    return (item[0] is None, str(item[0]))


def _with_rates(name, counts: dict) -> dict:
    def rate(part, whole):
        return round(part / whole, 4) if whole else None

    return {
        "key": name,
        **counts,
        "on_time_rate": rate(counts["closed_on_time"], counts["due"]),
        "closing_rate": rate(counts["closed"], counts["found"]),
        "rework_rate": rate(counts["failed_verifications"], counts["verifications"]),
        "avg_handling_hours": (
            round(counts["handling_minutes"] / 60 / counts["closed_in_period"], 2)
            if counts["closed_in_period"]
            else None
        ),
    }


def _from_daily_stats(rows, group, first, last) -> None:
    key = getattr(CaseStats, GROUPS[group])
    sums = [func.sum(getattr(CaseStats, name)) for name in DAILY_SUMS]
    query = select(key, *sums).where(in_period(CaseStats, first, last)).group_by(key)
    for value, *totals in db.session.execute(query):
        row = rows[_key(value)]
        for name, total in zip(DAILY_SUMS, totals, strict=True):
            row[name] += total or 0


def _from_event_stats(rows, group, first, last) -> None:
    key = getattr(EventStats, GROUPS[group])
    query = (
        select(key, EventStats.action, func.sum(EventStats.n))
        .where(in_period(EventStats, first, last))
        .group_by(key, EventStats.action)
    )
    for value, action, total in db.session.execute(query):
        for name in EVENT_COUNTS[action]:
            rows[_key(value)][name] += total or 0


def _overdue(rows, group, now) -> None:
    """Open running cases past their deadline: the rollup's open_due for the deadline days
    before today, and the cases due earlier today counted live (today's moves with `now`)."""
    today = _day(now)
    key = getattr(CaseStats, GROUPS[group])
    query = (
        select(key, func.sum(CaseStats.open_due))
        .where(in_period(CaseStats, date.min, today))
        .group_by(key)
    )
    for value, count in db.session.execute(query):
        if count:
            rows[_key(value)]["overdue_now"] += count
    case_key = getattr(Case, GROUPS[group])
    due_today = (
        select(case_key, func.count())
        .where(
            Case.closed_at.is_(None),
            Case.paused_at.is_(None),
            Case.deadline_at >= datetime.combine(today, time(), LOCAL_TZ),
            Case.deadline_at < now,
            Case.state.in_(RUNNING_STATES),
        )
        .group_by(case_key)
    )
    for value, count in db.session.execute(due_today):
        rows[value]["overdue_now"] += count


def in_period(model, first: date, last: date, coarsest: str = "m"):
    """Rollup rows covering the local days [first, last): whole months, then whole weeks, then
    single days at the edges (`coarsest="w"` stops at weeks, for the weekly trend)."""
    spans = _month_spans(first, last) if coarsest == "m" else _week_spans(first, last)
    covered = [
        and_(model.grain == grain, model.day >= low, model.day < high)
        for grain, low, high in spans
        if low < high
    ]
    return or_(*covered) if covered else false()


def _month_spans(first: date, last: date) -> list[tuple[str, date, date]]:
    next_month = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    first_month = first if first.day == 1 else next_month
    last_month = last.replace(day=1)
    if first_month >= last_month:
        return _week_spans(first, last)
    return [
        *_week_spans(first, first_month),
        ("m", first_month, last_month),
        *_week_spans(last_month, last),
    ]


def _week_spans(first: date, last: date) -> list[tuple[str, date, date]]:
    first_monday = first + timedelta(days=-first.weekday() % 7)
    last_monday = last - timedelta(days=last.weekday())
    if first_monday >= last_monday:
        return [("d", first, last)]
    return [("d", first, first_monday), ("w", first_monday, last_monday), ("d", last_monday, last)]


def weekly_trend(start: datetime, end: datetime) -> list[dict]:
    """Per week (from Monday): cases found, closed, due and closed on time, for the charts.

    Whole weeks come from the per-week-and-district trend rollup; a period that starts or ends
    mid-week adds the daily rows of its edge days.
    """
    use_custom_plans()
    counts: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for grain, low, high in _week_spans(_day(start), _day(end)):
        if low >= high:
            continue
        for day, *sums in db.session.execute(_trend_query(grain, low, high)):
            week = counts[day - timedelta(days=day.weekday())]
            for index, value in enumerate(sums):
                week[index] += value or 0
    return [
        {
            "week": week.isoformat(),
            "found": found,
            "closed": closed,
            "due": due,
            "closed_on_time": on_time,
        }
        for week, (found, closed, due, on_time) in sorted(counts.items())
    ]


def _trend_query(grain: str, low: date, high: date):
    if grain == "w":
        model, day, where = CaseTrendWeek, CaseTrendWeek.week, []
    else:
        model, day, where = CaseStats, CaseStats.day, [CaseStats.grain == grain]
    columns = (model.found, model.closed, model.due, model.closed_on_time)
    return (
        select(day, *(func.sum(column) for column in columns))
        .where(*where, day >= low, day < high)
        .group_by(day)
    )
