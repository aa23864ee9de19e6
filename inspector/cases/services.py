"""Cases: numbers, the event log, visibility, and how a case is shown."""

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select, text

from inspector.auth.models import User
from inspector.auth.scoping import scope_cases
from inspector.cases import clock
from inspector.cases.models import Case, CaseEvent
from inspector.errors import ApiError
from inspector.extensions import db

NEXT_CASE_NUMBER = text("SELECT nextval('case_number_seq')")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_case_number(now: datetime) -> str:
    """Date of report (local) plus a city-wide sequence: 20261126000123."""
    serial = db.session.execute(NEXT_CASE_NUMBER).scalar_one()
    return f"{now.astimezone(clock.LOCAL_TZ):%Y%m%d}{serial:06d}"


def record_event(
    case: Case,
    action: str,
    actor: User | None,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str | None = None,
    payload: dict | None = None,
) -> CaseEvent:
    # By relationship, so a case and its first events can go to the database in one flush.
    event = CaseEvent(
        case=case,
        action=action,
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else "system",
        from_state=from_state,
        to_state=to_state,
        unit_id=case.unit_id,
        note=note,
        payload=payload or {},
    )
    db.session.add(event)
    return event


def visible_cases_query(user: User):
    """Every case query starts here, so scoping cannot be forgotten."""
    waiting_for_me = (Case.state == "rectified") & (Case.reporter_id == user.id)
    return scope_cases(select(Case), user, Case.unit_id, Case.reporter_id, waiting_for_me)


def get_visible_case(case_id: int, user: User, for_update: bool = False) -> Case:
    """The case, or 404 when it does not exist or the user may not see it (no existence leak)."""
    query = visible_cases_query(user).where(Case.id == case_id)
    if for_update:
        query = query.with_for_update(of=Case)
    case = db.session.scalar(query)
    if case is None:
        raise ApiError(404, "not_found", _("No such case."))
    return case


def case_summary(case: Case, calendar: clock.WorkingCalendar, now: datetime) -> dict:
    """What lists and the phone show about a case."""
    from geoalchemy2.shape import to_shape

    point = to_shape(case.location)
    used = clock.minutes_used(case, calendar, now)
    return {
        "id": case.id,
        "number": case.number,
        "client_id": str(case.client_id),
        "state": case.state,
        "category": case.category_code,
        "category_name": case.category.name_zh if case.category else None,
        "severity": case.severity,
        "context": case.location_context,
        "description": case.description,
        "location": {
            "lon": round(point.x, 7),
            "lat": round(point.y, 7),
            "accuracy_m": case.accuracy_m,
            "source": case.location_source,
        },
        "unit": {"code": case.unit.code, "name": case.unit.name_zh} if case.unit else None,
        "district": case.district_code,
        "routing": {
            "status": case.routing_status,
            "reason": case.routing_reason,
            "rule": case.routing_rule_id,
            "zones": list(case.routing_zone_ids or []),
            "boundary_distance_m": case.boundary_distance_m,
        },
        "captured_at": _iso(case.captured_at),
        "reported_at": _iso(case.reported_at),
        "dispatched_at": _iso(case.dispatched_at),
        "deadline_at": _iso(case.deadline_at),
        "closed_at": _iso(case.closed_at),
        "on_time": case.on_time,
        "minutes_used": round(used, 1),
        "budget_minutes": case.budget_minutes,
        "traffic_light": clock.traffic_light(case, calendar, now, used)
        if case.closed_at is None
        else None,
        "rework_count": case.rework_count,
        "recurrence_of": case.recurrence_of_id,
        "merged_into": case.merged_into_id,
        "photos": [photo_summary(photo) for photo in case.photos],
    }


def photo_summary(photo) -> dict:
    base = f"/api/v1/photos/{photo.id}"
    return {
        "id": photo.id,
        "kind": photo.kind,
        "width": photo.width,
        "height": photo.height,
        "sha256": photo.sha256,
        "display_url": f"{base}/display",
        "thumb_url": f"{base}/thumb",
        "taken_at": _iso(photo.exif_captured_at),
    }


def _iso(value: datetime | None) -> str | None:
    # In UTC, as the database answers: a case summarised before its commit still holds times
    # in the zone they were computed or sent in.
    return value.astimezone(UTC).isoformat() if value else None
