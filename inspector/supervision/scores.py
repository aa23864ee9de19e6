"""District deduction scores and the red/black list, explainable down to each case.

score = 100 - D_find / max(1, exposure) x k - D_handle, with (per case reported in the period)
  find   = base(category) x severity x context x recurrence
  handle = overdue_per_period x base x periods overdue + rework_each x reworks
           (+ rework_three_or_more when reworks >= 3) + rejected_dispute x disputes rejected
and exposure = patrol days in the district (distinct inspector and local day with a report).
Every parameter is in scoring.toml (or the file SCORING_FILE names).
"""

import math
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, case, func, or_, select

from inspector.cases import clock
from inspector.cases.models import Case, CaseEvent
from inspector.categories.models import Category
from inspector.extensions import db
from inspector.supervision.models import use_custom_plans

DEFAULT_SCORING_FILE = Path(__file__).with_name("scoring.toml")


def load_parameters() -> dict:
    path = current_app.config.get("SCORING_FILE") or DEFAULT_SCORING_FILE
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


@dataclass
class CaseDeduction:
    case_id: int
    number: str
    category: str
    find: float
    handle: float
    why: list[str]


@dataclass
class DistrictScore:
    district: str
    exposure: int
    find_total: float = 0.0
    handle_total: float = 0.0
    case_count: int = 0
    cases: list[CaseDeduction] = field(default_factory=list)
    score: float = 100.0
    band: str = ""


def district_scores(
    start: datetime,
    end: datetime,
    now: datetime,
    params: dict | None = None,
    explain: bool = False,
    district: str | None = None,
) -> list[DistrictScore]:
    """Scores for every district with cases or patrols in the period, best first.

    The totals are summed in SQL, running clocks included (their overdue time depends on now
    and the working calendar: see clock.sql_minutes_since). With `explain`, every
    case's deduction is listed (the slower path behind "why this score"), for one `district`
    when given.
    """
    params = params or load_parameters()
    use_custom_plans()
    results: dict[str, DistrictScore] = {}
    if explain:
        for code, days in _patrol_days(start, end, district).items():
            results[code] = DistrictScore(code, days)
        _explained(results, start, end, now, params, district)
    else:
        _summed(results, start, end, now, params)
    for entry in results.values():
        _finish(entry, params)
    return sorted(results.values(), key=lambda entry: (-entry.score, entry.district))


def explain_district(
    district: str, start: datetime, end: datetime, now: datetime
) -> DistrictScore | None:
    ranking = district_scores(start, end, now, explain=True, district=district)
    return next((entry for entry in ranking if entry.district == district), None)


def _entry(results, district) -> DistrictScore:
    return results.setdefault(district, DistrictScore(district, 0))


def _explained(results, start, end, now, params, district=None) -> None:
    calendar = clock.current_calendar()
    rejected = _rejected_disputes(start, end)
    for row, base in _cases(start, end, district):
        used = clock.minutes_used(row, calendar, now)
        deduction = case_deduction(row, base, used, rejected.get(row.id, 0), params)
        entry = _entry(results, row.district_code)
        entry.cases.append(deduction)
        entry.case_count += 1
        entry.find_total += deduction.find
        entry.handle_total += deduction.handle


def _summed(results, start, end, now, params) -> None:
    """Totals per district in one scan of the period's cases: patrol days (invalid reports
    count as patrols too), then the deductions of the valid cases."""
    rules = params["handling"]
    reported = and_(
        Case.reported_at >= start, Case.reported_at < end, Case.district_code.is_not(None)
    )
    valid = Case.state != "invalid"
    severity = case(
        *((Case.severity == name, value) for name, value in params["severity"].items()), else_=1.0
    )
    context = case(
        (
            Case.location_context.in_(params["context"]["evaluation_points"]),
            params["context"]["multiplier"],
        ),
        else_=1.0,
    )
    recurrence = case(
        (Case.recurrence_of_id.is_not(None), params["recurrence"]["multiplier"]), else_=1.0
    )
    stopped = or_(Case.closed_at.is_not(None), Case.paused_at.is_not(None))
    overdue = case(
        (
            and_(stopped, Case.used_minutes > Case.budget_minutes),
            rules["overdue_per_period"]
            * Category.deduction_base
            * func.ceil((Case.used_minutes - Case.budget_minutes) / Case.budget_minutes),
        ),
        else_=0.0,
    )
    rework = rules["rework_each"] * Case.rework_count + case(
        (Case.rework_count >= 3, rules["rework_three_or_more"]), else_=0.0
    )
    # Open cases whose clock runs past the deadline: overdue so far, from the working calendar.
    running = and_(
        Case.closed_at.is_(None),
        Case.paused_at.is_(None),
        Case.clock_started_at.is_not(None),
        Case.deadline_at < now,
    )
    calendar = clock.current_calendar()
    days = clock.clock_days(calendar, now, start.astimezone(calendar.tz).date())
    used_now = Case.used_minutes + clock.sql_minutes_since(
        calendar, now, days, Case.clock_kind, Case.clock_started_at
    )
    # Whole periods past the budget (a clock still short of its deadline gives 0).
    running_overdue = (
        rules["overdue_per_period"]
        * Category.deduction_base
        * func.greatest(func.ceil((used_now - Case.budget_minutes) / Case.budget_minutes), 0)
    )
    # Grouped by patrol (inspector and local day) first: one hash aggregation, no sorting.
    local_day = func.date(func.timezone("Asia/Shanghai", Case.reported_at))
    patrols = (
        select(
            Case.district_code,
            func.count().filter(valid).label("cases"),
            func.sum(Category.deduction_base * severity * context * recurrence)
            .filter(valid)
            .label("find"),
            func.sum(overdue + rework).filter(valid).label("handle"),
            func.sum(running_overdue).filter(valid, running).label("running"),
        )
        .join(Category, Category.code == Case.category_code)
        .outerjoin(days, days.c.day == clock.start_day(calendar, Case.clock_started_at))
        .where(reported)
        .group_by(Case.district_code, Case.reporter_id, local_day)
        .subquery()
    )
    query = select(
        patrols.c.district_code,
        func.count(),
        func.sum(patrols.c.cases),
        func.sum(patrols.c.find),
        func.sum(patrols.c.handle),
        func.sum(patrols.c.running),
    ).group_by(patrols.c.district_code)
    for district, patrol_days, count, find, handle, running_handle in db.session.execute(query):
        entry = _entry(results, district)  # sums of counts come back as Decimal: made plain here
        entry.exposure = int(patrol_days)
        entry.case_count += int(count or 0)
        entry.find_total += float(find or 0)
        entry.handle_total += float(handle or 0) + float(running_handle or 0)
    for district, count in _rejected_by_district(start, end):
        _entry(results, district).handle_total += rules["rejected_dispute"] * count


def _rejected_by_district(start, end):
    return db.session.execute(
        select(Case.district_code, func.count())
        .select_from(CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.action == "dispute_rejected",
            Case.reported_at >= start,
            Case.reported_at < end,
            Case.state != "invalid",
            Case.district_code.is_not(None),
        )
        .group_by(Case.district_code)
    ).all()


def case_deduction(
    case: Case, base: float, used: float, rejected_disputes: int, params: dict
) -> CaseDeduction:
    why = [f"base {base:g}"]
    severity = params["severity"].get(case.severity, 1.0)
    why.append(f"severity {case.severity} x{severity:g}")
    context = 1.0
    if case.location_context in params["context"]["evaluation_points"]:
        context = params["context"]["multiplier"]
        why.append(f"evaluation point {case.location_context} x{context:g}")
    recurrence = 1.0
    if case.recurrence_of_id:
        recurrence = params["recurrence"]["multiplier"]
        why.append(f"recurrence x{recurrence:g}")
    find = base * severity * context * recurrence
    handle, handle_why = _handling(case, base, used, rejected_disputes, params["handling"])
    return CaseDeduction(
        case.id, case.number, case.category_code, round(find, 4), round(handle, 4), why + handle_why
    )


def _handling(
    case: Case, base: float, used: float, rejected: int, rules: dict
) -> tuple[float, list[str]]:
    total, why = 0.0, []
    periods = overdue_periods(used, case.budget_minutes)
    if periods:
        total += rules["overdue_per_period"] * base * periods
        why.append(f"overdue {periods} period(s)")
    if case.rework_count:
        total += rules["rework_each"] * case.rework_count
        why.append(f"rework x{case.rework_count}")
        if case.rework_count >= 3:
            total += rules["rework_three_or_more"]
            why.append("rework 3+")
    if rejected:
        total += rules["rejected_dispute"] * rejected
        why.append(f"推诿 x{rejected}")
    return total, why


def overdue_periods(used: float, budget: float | None) -> int:
    """Whole deadline periods beyond the budget, rounded up (0 when on time)."""
    if not budget or used <= budget:
        return 0
    return math.ceil((used - budget) / budget)


def _finish(entry: DistrictScore, params: dict) -> None:
    k = params["normalise"]["k"]
    entry.score = round(100 - entry.find_total / max(1, entry.exposure) * k - entry.handle_total, 2)
    bands = params["bands"]
    entry.band = (
        "red" if entry.score >= bands["red"] else ("black" if entry.score < bands["black"] else "")
    )


def _cases(start, end, district=None):
    query = (
        select(Case, Category.deduction_base)
        .join(Category, Category.code == Case.category_code)
        .where(
            Case.reported_at >= start,
            Case.reported_at < end,
            Case.state != "invalid",
            Case.district_code.is_not(None),
        )  # unrouted cases outside every district
        .order_by(Case.id)
    )
    if district:
        query = query.where(Case.district_code == district)
    return db.session.execute(query).all()


def _rejected_disputes(start, end) -> dict[int, int]:
    query = (
        select(CaseEvent.case_id, func.count())
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.action == "dispute_rejected",
            Case.reported_at >= start,
            Case.reported_at < end,
        )
        .group_by(CaseEvent.case_id)
    )
    return dict(db.session.execute(query).all())


def _patrol_days(start, end, district=None) -> dict[str, int]:
    day = func.date(func.timezone("Asia/Shanghai", Case.reported_at))
    pairs = (
        select(Case.district_code, Case.reporter_id, day)
        .where(
            Case.reported_at >= start,
            Case.reported_at < end,
            Case.district_code == district if district else Case.district_code.is_not(None),
        )
        .distinct()
        .subquery()
    )
    query = select(pairs.c.district_code, func.count()).group_by(pairs.c.district_code)
    return dict(db.session.execute(query).all())


def as_dict(entry: DistrictScore, with_cases: bool = False) -> dict:
    data = {
        "district": entry.district,
        "score": entry.score,
        "band": entry.band,
        "exposure_patrol_days": entry.exposure,
        "find_deductions": round(entry.find_total, 4),
        "handling_deductions": round(entry.handle_total, 4),
        "cases": entry.case_count,
    }
    if with_cases:
        data["explanation"] = [deduction.__dict__ for deduction in entry.cases]
    return data
