"""The case lifecycle (PRODUCT.md section 2), enforced here and only here.

Each action checks, in order: who may do it (403), from which states (409), and its input
(400); then it moves the case, runs the clock, and writes one event. Callers load the case
through `get_visible_case`, so a case outside the user's scope is already a 404.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from inspector.auth.models import User
from inspector.auth.scoping import visible_unit_ids
from inspector.cases import clock
from inspector.cases.models import OPEN_STATES, Case, CaseEvent
from inspector.cases.services import record_event, utcnow
from inspector.errors import ApiError, validation_error
from inspector.extensions import db
from inspector.units.models import Unit

STAFF, SUPERVISORS = ("staff",), ("supervisor", "admin")
VERIFIERS = ("inspector", "supervisor", "admin")


@dataclass(frozen=True)
class Action:
    name: str
    roles: tuple[str, ...]
    from_states: tuple[str, ...]
    own_unit_only: bool = False  # staff act on their unit's cases only


ACTIONS = {
    action.name: action
    for action in (
        Action("accept", STAFF, ("dispatched",), own_unit_only=True),
        Action("dispute", STAFF, ("dispatched", "in_progress"), own_unit_only=True),
        Action("request_extension", STAFF, ("in_progress",), own_unit_only=True),
        Action("rectify", STAFF, ("in_progress",), own_unit_only=True),
        Action("assign", SUPERVISORS, OPEN_STATES),
        Action("decide_dispute", SUPERVISORS, ("disputed",)),
        Action("decide_extension", SUPERVISORS, ("extension_requested",)),
        Action("invalidate", SUPERVISORS, OPEN_STATES),
        Action("reopen", SUPERVISORS, ("closed", "invalid")),
        Action("verify", VERIFIERS, ("rectified",)),
    )
}


def check_allowed(case: Case, action_name: str, user: User) -> Action:
    action = ACTIONS.get(action_name)
    if action is None:
        raise ApiError(404, "not_found", _("Unknown action %(name)s.", name=action_name))
    if user.role not in action.roles:
        raise ApiError(
            403, "forbidden", _("Your role may not %(action)s a case.", action=action_name)
        )
    if action.own_unit_only and case.unit_id not in (visible_unit_ids(user) or []):
        raise ApiError(403, "forbidden", _("This case is not assigned to your unit."))
    if action_name == "verify" and user.role == "inspector" and case.reporter_id != user.id:
        raise ApiError(403, "forbidden", _("Inspectors verify their own reports only."))
    if case.state not in action.from_states:
        raise ApiError(
            409,
            "wrong_state",
            _(
                "Cannot %(action)s a case that is %(state)s; allowed from: %(states)s.",
                action=action_name,
                state=case.state,
                states=", ".join(action.from_states),
            ),
        )
    return action


def already_done(case: Case, client_id: str | None) -> bool:
    """A retried action (same client_id) changes nothing the second time."""
    if not client_id:
        return False
    return (
        db.session.scalar(
            select(CaseEvent.id)
            .where(CaseEvent.case_id == case.id, CaseEvent.payload["client_id"].astext == client_id)
            .limit(1)
        )
        is not None
    )


def _calendar():
    return clock.current_calendar()


def _move(case: Case, action: str, actor: User, to_state: str, note=None, payload=None):
    event = record_event(case, action, actor, case.state, to_state, note, payload)
    case.state = to_state
    return event


def _require_text(data: dict, name: str, max_length: int = 2000) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise validation_error({name: _("required, at most %(n)d characters", n=max_length)})
    return value.strip()


def _unit_by_code(code, field: str = "unit") -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code)) if code else None
    if unit is None or not unit.active:
        raise validation_error({field: _("unknown unit code %(code)s", code=code)})
    return unit


def _deadline(value, field: str, now: datetime) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise validation_error({field: _("an ISO 8601 date and time")}) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.LOCAL_TZ)
    if moment <= now:
        raise validation_error({field: _("must be in the future")})
    return moment


# -- unit staff -------------------------------------------------------------------------------


def accept(case: Case, actor: User, data: dict, now: datetime) -> None:
    case.accepted_at = now
    _move(case, "accept", actor, "in_progress", payload=_meta(data))


def dispute(case: Case, actor: User, data: dict, now: datetime) -> None:
    """The unit says it is not theirs: names whose it is (or "none"), with a reason."""
    reason = _require_text(data, "reason")
    named = data.get("unit")
    if named != "none":
        named_unit = _unit_by_code(named)
        if named_unit.id == case.unit_id:
            raise validation_error({"unit": _("name another unit, or none")})
    clock.pause_clock(case, _calendar(), now)
    _move(
        case,
        "dispute",
        actor,
        "disputed",
        reason,
        {**_meta(data), "named_unit": named, "returned_to": case.state},
    )


def request_extension(case: Case, actor: User, data: dict, now: datetime) -> None:
    reason = _require_text(data, "reason")
    deadline = _deadline(data.get("deadline"), "deadline", now)
    if case.deadline_at and deadline <= case.deadline_at:
        raise validation_error({"deadline": _("must be later than the current deadline")})
    _move(
        case,
        "request_extension",
        actor,
        "extension_requested",
        reason,
        {**_meta(data), "requested_deadline": deadline.isoformat()},
    )


def rectify(case: Case, actor: User, data: dict, now: datetime, photos: list) -> None:
    """After-photos must be taken after dispatch and near the case (device location or EXIF)."""
    check_after_photos(case, data, photos)
    clock.pause_clock(case, _calendar(), now)  # the unit's time stops while we verify
    case.rectified_at = now
    _move(
        case,
        "rectify",
        actor,
        "rectified",
        data.get("note"),
        {**_meta(data), "photos": len(photos)},
    )


def check_after_photos(case: Case, data: dict, photos: list) -> None:
    from geoalchemy2.shape import to_shape

    limit = current_app.config["VERIFY_MAX_DISTANCE_M"]
    site = to_shape(case.location)
    if data.get("lon") is not None and data.get("lat") is not None:
        try:
            device = (float(data["lon"]), float(data["lat"]))
        except (TypeError, ValueError):
            raise validation_error({"lon": _("lon and lat must be numbers")}) from None
        if _metres(device, (site.x, site.y)) > limit:
            raise ApiError(
                422,
                "too_far",
                _(
                    "Rectification refused: you are %(d)d m from the case; be within %(limit)d m.",
                    d=_metres(device, (site.x, site.y)),
                    limit=limit,
                ),
            )
    for index, photo in enumerate(photos):
        gps, taken = photo.exif.gps, photo.exif.captured_at
        if gps and _metres(gps, (site.x, site.y)) > limit:
            raise ApiError(
                422,
                "photo_too_far",
                _(
                    "Rectification refused: photo %(n)d was taken %(d)d m from the case "
                    "(limit %(limit)d m).",
                    n=index + 1,
                    d=_metres(gps, (site.x, site.y)),
                    limit=limit,
                ),
            )
        if taken is not None:
            if taken.tzinfo is None:
                taken = taken.replace(tzinfo=clock.LOCAL_TZ)
            if case.dispatched_at and taken < case.dispatched_at:
                raise ApiError(
                    422,
                    "photo_before_dispatch",
                    _(
                        "Rectification refused: photo %(n)d was taken before the case was "
                        "dispatched.",
                        n=index + 1,
                    ),
                )


def _metres(a, b) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


# -- supervisors ------------------------------------------------------------------------------


def assign(case: Case, actor: User, data: dict, now: datetime) -> None:
    unit = _unit_by_code(data.get("unit"))
    dispatch_to(case, unit, actor, now, "assign", data.get("note"), _meta(data))


def dispatch_to(
    case: Case, unit: Unit, actor: User | None, now: datetime, action: str, note=None, payload=None
) -> None:
    """Give the case to a unit with a fresh clock (assignments, upheld disputes, reopening)."""
    case.unit_id = unit.id
    case.district_code = case.district_code or unit.district_code
    case.dispatched_at = now
    case.accepted_at = case.rectified_at = case.closed_at = case.overdue_at = None
    case.on_time = None
    db.session.flush()
    clock.start_clock(case, _calendar(), now)
    _move(case, action, actor, "dispatched", note, {**(payload or {}), "unit": unit.code})


def decide_dispute(case: Case, actor: User, data: dict, now: datetime) -> None:
    decision = data.get("decision")
    opened = _last_event(case, "dispute")
    if decision == "uphold":
        named = opened.payload.get("named_unit") if opened else None
        target = data.get("unit") or (named if named != "none" else None)
        if not target:
            raise validation_error({"unit": _("the unit said none of ours: name the right unit")})
        dispatch_to(
            case,
            _unit_by_code(target),
            actor,
            now,
            "dispute_upheld",
            data.get("note"),
            {**_meta(data), "from_unit": case.unit_id},
        )
    elif decision == "reject":
        back_to = opened.payload.get("returned_to", "dispatched") if opened else "dispatched"
        clock.resume_clock(case, _calendar(), now)
        # Counted against the unit as 推诿 (passing the buck) in the KPIs.
        _move(case, "dispute_rejected", actor, back_to, data.get("note"), _meta(data))
    else:
        raise validation_error({"decision": _("uphold or reject")})


def decide_extension(case: Case, actor: User, data: dict, now: datetime) -> None:
    decision = data.get("decision")
    asked = _last_event(case, "request_extension")
    if decision == "grant":
        requested = data.get("deadline") or (
            asked.payload.get("requested_deadline") if asked else None
        )
        deadline = _deadline(requested, "deadline", now)
        clock.extend_clock(case, _calendar(), now, deadline)
        case.overdue_at = None
        _move(
            case,
            "extension_granted",
            actor,
            "in_progress",
            data.get("note"),
            {**_meta(data), "deadline": deadline.isoformat()},
        )
    elif decision == "refuse":
        _move(case, "extension_refused", actor, "in_progress", data.get("note"), _meta(data))
    else:
        raise validation_error({"decision": _("grant or refuse")})


def invalidate(case: Case, actor: User, data: dict, now: datetime) -> None:
    reason = _require_text(data, "reason")
    merge_into = data.get("merge_into")
    payload = _meta(data)
    if merge_into is not None:
        target = db.session.get(Case, merge_into) if isinstance(merge_into, int) else None
        if target is None or target.id == case.id or target.state == "invalid":
            raise validation_error({"merge_into": _("the id of another valid case")})
        case.merged_into_id = target.id
        payload["merged_into"] = target.number
        record_event(
            target,
            "merged",
            actor,
            target.state,
            target.state,
            _("Case %(number)s merged into this one.", number=case.number),
            {"merged_case": case.number},
        )
    clock.pause_clock(case, _calendar(), now)
    case.closed_at = now
    _move(case, "invalidate", actor, "invalid", reason, payload)


def reopen(case: Case, actor: User, data: dict, now: datetime) -> None:
    reason = _require_text(data, "reason")
    case.merged_into_id = None
    if case.unit_id is None:
        case.closed_at = None
        _move(case, "reopen", actor, "unrouted", reason, _meta(data))
        return
    dispatch_to(case, db.session.get(Unit, case.unit_id), actor, now, "reopen", reason, _meta(data))


# -- verification ----------------------------------------------------------------------------


def verify(case: Case, actor: User, data: dict, now: datetime, photos: list) -> None:
    result = data.get("result")
    calendar = _calendar()
    if result == "pass":
        case.closed_at = now
        case.on_time = clock.minutes_used(case, calendar, now) <= (case.budget_minutes or 0)
        _move(
            case,
            "verify_pass",
            actor,
            "closed",
            data.get("note"),
            {**_meta(data), "on_time": case.on_time, "photos": len(photos)},
        )
    elif result == "fail":
        if not data.get("note"):
            raise validation_error({"note": _("say what is still wrong")})
        case.rework_count += 1
        case.rectified_at = None
        clock.resume_clock(case, calendar, now)
        _move(
            case,
            "verify_fail",
            actor,
            "in_progress",
            data.get("note"),
            {**_meta(data), "rework": case.rework_count, "photos": len(photos)},
        )
    else:
        raise validation_error({"result": _("pass or fail")})


# -- helpers -----------------------------------------------------------------------------------


def _meta(data: dict) -> dict:
    """What every event keeps of the request: its client_id, and where the device was."""
    meta = {"client_id": str(data["client_id"])} if data.get("client_id") else {}
    for key in ("lon", "lat", "accuracy_m"):
        if isinstance(data.get(key), int | float):
            meta[f"device_{key}"] = data[key]
    return meta


def _last_event(case: Case, action: str) -> CaseEvent | None:
    return db.session.scalar(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.action == action)
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )


JSON_ACTIONS = {
    "accept": accept,
    "dispute": dispute,
    "request_extension": request_extension,
    "assign": assign,
    "decide_dispute": decide_dispute,
    "decide_extension": decide_extension,
    "invalidate": invalidate,
    "reopen": reopen,
}
PHOTO_ACTIONS = {"rectify": rectify, "verify": verify}
PHOTOS_REQUIRED = {"rectify"}


def perform(
    case: Case, action_name: str, actor: User, data: dict, photos=None, now: datetime | None = None
) -> None:
    """Check and apply one action; the caller commits."""
    check_allowed(case, action_name, actor)
    now = now or utcnow()
    if action_name in PHOTO_ACTIONS:
        PHOTO_ACTIONS[action_name](case, actor, data, now, photos or [])
    else:
        JSON_ACTIONS[action_name](case, actor, data, now)
    db.session.flush()


def mark_overdue(now: datetime | None = None) -> int:
    """Cases whose clock ran out turn red once, with one event (safe to run every minute)."""
    now = now or utcnow()
    calendar = _calendar()
    candidates = db.session.scalars(
        select(Case)
        .where(
            Case.state.in_(("dispatched", "in_progress", "extension_requested")),
            Case.overdue_at.is_(None),
            Case.deadline_at <= now,
            Case.paused_at.is_(None),
        )
        .with_for_update(skip_locked=True)
    )
    marked = 0
    for case in candidates:
        if clock.is_overdue(case, calendar, now):
            case.overdue_at = now
            record_event(
                case,
                "overdue",
                None,
                case.state,
                case.state,
                payload={"deadline_at": case.deadline_at.isoformat()},
            )
            marked += 1
    db.session.flush()
    return marked
