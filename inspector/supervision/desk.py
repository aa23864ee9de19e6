"""The arbitration desk: everything waiting for a supervisor, in one queue."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on

from inspector.cases.models import Case, CaseEvent
from inspector.extensions import db

VERIFICATION_WAIT = timedelta(hours=24)  # a rectification waiting longer than this surfaces
KINDS = {
    "unrouted": "assign",
    "disputed": "decide_dispute",
    "extension_requested": "decide_extension",
    "rectified": "verify",
}


def desk(now: datetime, limit: int = 200) -> list[dict]:
    """Oldest first: unrouted cases, disputes, extension requests, stale rectifications."""
    waiting = Case.state.in_(("unrouted", "disputed", "extension_requested")) | (
        (Case.state == "rectified") & (Case.rectified_at < now - VERIFICATION_WAIT)
    )
    cases = db.session.scalars(
        select(Case).where(waiting).order_by(Case.updated_at).limit(limit)
    ).all()
    latest = _latest_events([case.id for case in cases])
    return [_item(case, latest.get(case.id)) for case in cases]


def _latest_events(case_ids: list[int]) -> dict[int, CaseEvent]:
    if not case_ids:
        return {}
    query = (
        select(CaseEvent)
        .where(CaseEvent.case_id.in_(case_ids))
        .order_by(CaseEvent.case_id, CaseEvent.id.desc())
        .ext(distinct_on(CaseEvent.case_id))
    )
    return {event.case_id: event for event in db.session.scalars(query)}


def _item(case: Case, event: CaseEvent | None) -> dict:
    payload = event.payload if event else {}
    item = {
        "case_id": case.id,
        "number": case.number,
        "kind": case.state,
        "decide_with": KINDS[case.state],
        "category": case.category_code,
        "unit": case.unit.code if case.unit else None,
        "since": (event.at if event else case.updated_at).isoformat(),
        "reason": event.note if event else None,
    }
    if case.state == "unrouted":
        item["reason"] = case.routing_reason
        item["candidates"] = payload.get("candidates", [])
    elif case.state == "disputed":
        item["named_unit"] = payload.get("named_unit")
    elif case.state == "extension_requested":
        item["requested_deadline"] = payload.get("requested_deadline")
    return item
