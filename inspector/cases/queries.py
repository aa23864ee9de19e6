"""Inbox queries: filters, paging and sorting over the cases a user may see."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, nulls_last, or_, select
from sqlalchemy.orm import selectinload

from inspector.auth.models import User
from inspector.cases import clock
from inspector.cases.models import STATES, Case
from inspector.cases.services import visible_cases_query
from inspector.errors import validation_error
from inspector.extensions import db
from inspector.reports.spatial import distance_m
from inspector.units.models import Unit
from inspector.zones.routing import RoutingInputError, to_wgs84_point

MAX_PER_PAGE = 200
SORTS = {
    "deadline": (nulls_last(Case.deadline_at.asc()), Case.id.asc()),
    "-reported": (Case.reported_at.desc(), Case.id.desc()),
    "reported": (Case.reported_at.asc(), Case.id.asc()),
}


@dataclass
class InboxPage:
    cases: list[Case]
    total: int
    page: int
    per_page: int


def inbox(user: User, args, now: datetime) -> InboxPage:
    query = apply_filters(visible_cases_query(user), args, now)
    page, per_page = _int(args, "page", 1, 1, 10**6), _int(args, "per_page", 50, 1, MAX_PER_PAGE)
    sort = args.get("sort", "deadline")
    if sort not in SORTS:
        raise validation_error({"sort": _("one of %(values)s", values=", ".join(SORTS))})
    order = SORTS[sort]
    if args.get("near"):  # e.g. the inspector's verification list, nearest first
        lon, lat = _near(args["near"])
        order = (distance_m(Case.location, lon, lat), Case.id)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(
        query.options(
            selectinload(Case.photos), selectinload(Case.unit), selectinload(Case.category)
        )
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return InboxPage(list(rows), total, page, per_page)


def apply_filters(query, args, now: datetime):
    if args.get("state"):
        states = args["state"].split(",")
        if not set(states) <= set(STATES):
            raise validation_error({"state": _("one of %(values)s", values=", ".join(STATES))})
        query = query.where(Case.state.in_(states))
    if args.get("unit"):
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == args["unit"]))
        query = query.where(Case.unit_id == unit_id)
    if args.get("category"):
        code = args["category"]
        query = query.where(
            Case.category_code.startswith(code.rstrip("*"))
            if code.endswith(("*", "-")) or len(code) == 2
            else Case.category_code == code
        )
    if args.get("district"):
        query = query.where(Case.district_code == args["district"])
    if args.get("overdue") in ("1", "true"):
        query = query.where(
            Case.closed_at.is_(None), Case.paused_at.is_(None), Case.deadline_at < now
        )
    if args.get("mine") in ("1", "true"):
        from flask_login import current_user

        query = query.where(Case.reporter_id == current_user.id)
    if args.get("from"):
        query = query.where(Case.reported_at >= _day(args["from"], "from"))
    if args.get("to"):
        query = query.where(Case.reported_at < _day(args["to"], "to") + timedelta(days=1))
    if args.get("q"):
        text = f"%{args['q'].strip()}%"
        query = query.where(or_(Case.number.ilike(text), Case.description.ilike(text)))
    return query


def _near(value: str) -> tuple[float, float]:
    try:
        return to_wgs84_point(*value.split(",", 1))
    except (RoutingInputError, TypeError):
        raise validation_error({"near": _("lon,lat in WGS-84")}) from None


def _day(value: str, field: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(value), time.min, clock.LOCAL_TZ)
    except ValueError:
        raise validation_error({field: _("a date YYYY-MM-DD")}) from None


def _int(args, name, default, low, high) -> int:
    try:
        value = int(args.get(name, default))
    except ValueError:
        raise validation_error({name: _("an integer")}) from None
    if not low <= value <= high:
        raise validation_error({name: _("between %(low)d and %(high)d", low=low, high=high)})
    return value
