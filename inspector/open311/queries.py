"""Reading service requests: the GET filters, and a case as the spec's request record.

What is shown is public by construction: the record is built field by field from the case, its
unit and category, the address an integration sent, the closing note and a signed photo link.
Reporter identity and contact, original photos, unit-to-unit notes (disputes, extension
requests, rework) and routing internals have no field here.
"""

import re
from datetime import datetime, timedelta

from flask import current_app, url_for
from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from inspector.cases import clock
from inspector.cases.models import Case, CaseEvent
from inspector.categories.models import Category
from inspector.extensions import db
from inspector.open311 import media
from inspector.open311.formats import Open311Error, localized
from inspector.open311.models import Open311Request

CLOSED_STATES = ("closed", "invalid")
WINDOW = timedelta(days=90)
STATE_NOTES = {
    "submitted": ("已受理", "Received"),
    "unrouted": ("已受理，正在确定责任单位", "Received; the responsible unit is being determined"),
    "dispatched": ("已派遣，待责任单位签收", "Dispatched to the responsible unit"),
    "in_progress": ("处置中", "Being handled"),
    "disputed": ("处置中", "Being handled"),
    "extension_requested": ("处置中", "Being handled"),
    "rectified": ("已整改，待现场核查", "Fixed; awaiting on-site verification"),
    "closed": ("已结案（经现场核查）", "Closed after on-site verification"),
    "invalid": ("已作废", "Closed without action"),
}


def find_requests(args, now: datetime) -> list[Case]:
    query = select(Case).options(
        selectinload(Case.photos), joinedload(Case.unit), joinedload(Case.category)
    )
    numbers = _list(args, "service_request_id")
    query = query.where(Case.number.in_(numbers)) if numbers else _filtered(query, args, now)
    limit = current_app.config["OPEN311_MAX_REQUESTS"]
    return list(
        db.session.scalars(query.order_by(Case.reported_at.desc(), Case.id.desc()).limit(limit))
    )


def _filtered(query, args, now: datetime):
    codes = _list(args, "service_code")
    if codes:
        known = set(db.session.scalars(select(Category.code).where(Category.code.in_(codes))))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise Open311Error(400, f"service_code not found: {', '.join(unknown)}")
        query = query.where(Case.category_code.in_(codes))
    start, end = date_window(args.get("start_date"), args.get("end_date"), now)
    query = query.where(Case.reported_at >= start, Case.reported_at <= end)
    statuses = set(_list(args, "status"))
    if not statuses <= {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed, or both (comma separated)")
    if statuses == {"open"}:
        query = query.where(Case.state.not_in(CLOSED_STATES))
    elif statuses == {"closed"}:
        query = query.where(Case.state.in_(CLOSED_STATES))
    return query


def date_window(start_text, end_text, now: datetime) -> tuple[datetime, datetime]:
    start = parse_datetime(start_text, "start_date") if start_text else None
    end = parse_datetime(end_text, "end_date") if end_text else None
    if start is None and end is None:
        return now - WINDOW, now
    start = start or end - WINDOW
    end = end or start + WINDOW
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date and end_date may span at most 90 days")
    return start, end


def parse_datetime(value: str, name: str) -> datetime:
    """W3C date or date-time; a "+08:00" whose plus became a space in the URL is repaired."""
    text = re.sub(r" (\d\d:?\d\d)$", r"+\1", value.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Open311Error(
            400, f"{name} must be a W3C date-time, e.g. 2026-11-01T00:00:00Z"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.LOCAL_TZ)


def get_request(number: str) -> Case:
    case = db.session.scalar(select(Case).where(Case.number == number))
    if case is None:
        raise Open311Error(404, "service_request_id provided was not found")
    return case


def request_records(cases: list[Case], lang: str) -> list[dict]:
    ids = [case.id for case in cases]
    details = {
        row.case_id: row
        for row in db.session.scalars(select(Open311Request).where(Open311Request.case_id.in_(ids)))
    }
    notes = closing_notes([case.id for case in cases if case.state in CLOSED_STATES])
    return [request_record(case, details.get(case.id), notes.get(case.id), lang) for case in cases]


def closing_notes(case_ids: list[int]) -> dict[int, str]:
    """The note of the event that closed or invalidated each case (the last one, if reopened)."""
    query = (
        select(CaseEvent.case_id, CaseEvent.note)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.to_state.in_(CLOSED_STATES))
        .order_by(CaseEvent.id)
    )
    return {case_id: note for case_id, note in db.session.execute(query) if note}


def request_record(case: Case, details: Open311Request | None, note: str | None, lang: str) -> dict:
    point = to_shape(case.location)
    unit = case.unit
    return {
        "service_request_id": case.number,
        "status": "closed" if case.state in CLOSED_STATES else "open",
        "status_notes": status_notes(case, note, lang),
        "service_name": localized(case.category.name_zh, case.category.name_en, lang),
        "service_code": case.category_code,
        "description": case.description,
        "agency_responsible": localized(unit.name_zh, unit.name_en, lang) if unit else None,
        "service_notice": service_notice(case, lang),
        "requested_datetime": w3c(case.reported_at),
        # updated_at is the transaction's start: never show it before the request itself.
        "updated_datetime": w3c(max(case.updated_at, case.reported_at)),
        "expected_datetime": w3c(case.deadline_at),
        "address": (details.address if details else None) or "",
        "address_id": details.address_id if details else None,
        "zipcode": None,
        "lat": round(point.y, 7),
        "long": round(point.x, 7),
        "media_url": media_url(case),
    }


def status_notes(case: Case, closing_note: str | None, lang: str) -> str:
    label = localized(*STATE_NOTES[case.state], lang)
    if case.state in CLOSED_STATES and closing_note:
        return f"{label}: {closing_note}" if lang == "en" else f"{label}：{closing_note}"
    return label


def service_notice(case: Case, lang: str) -> str | None:
    if case.state in CLOSED_STATES:
        return None
    if case.unit is None:
        return localized(
            "已受理，指挥中心正在指派责任单位。",
            "Received; the command centre is assigning the responsible unit.",
            lang,
        )
    unit = localized(case.unit.name_zh, case.unit.name_en, lang)
    deadline = case.deadline_at.astimezone(clock.LOCAL_TZ) if case.deadline_at else None
    if lang == "en":
        return f"Dispatched to {unit}" + (
            f"; due by {deadline:%Y-%m-%d %H:%M}." if deadline else "."
        )
    return f"已派遣至{unit}" + (f"，处置时限 {deadline:%Y-%m-%d %H:%M}。" if deadline else "。")


def media_url(case: Case) -> str | None:
    photo = next((photo for photo in case.photos if photo.kind == "report"), None)
    if photo is None:
        return None
    return url_for("open311.media_file", token=media.sign_photo(photo.id), _external=True)


def w3c(moment: datetime | None) -> str | None:
    return moment.astimezone(clock.LOCAL_TZ).isoformat(timespec="seconds") if moment else None


def _list(args, name: str) -> list[str]:
    return [part.strip() for part in (args.get(name) or "").split(",") if part.strip()]
