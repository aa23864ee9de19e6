"""Cases API: inboxes, one case with its timeline, workflow actions, photos, the record."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from inspector.auth.services import login_required
from inspector.cases import clock, queries, workflow
from inspector.cases.models import OPEN_STATES, Case, CaseEvent, CasePhoto
from inspector.cases.services import case_summary, get_visible_case, utcnow, visible_cases_query
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.reports import services as intake
from inspector.reports.routes import json_part, photo_parts, store_atomically
from inspector.storage import store_from_config

bp = Blueprint(
    "cases",
    __name__,
    url_prefix="/api/v1",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/cases",
)

PHOTO_VARIANTS = {"display": "display_key", "thumb": "thumb_key", "original": "original_key"}


@bp.get("/cases")
@login_required
def list_cases():
    now = utcnow()
    page = queries.inbox(current_user, request.args, now)
    calendar = clock.current_calendar()
    return jsonify(
        cases=[case_summary(case, calendar, now) for case in page.cases],
        total=page.total,
        page=page.page,
        per_page=page.per_page,
    )


@bp.get("/cases/<int:case_id>")
@login_required
def get_case(case_id: int):
    case = get_visible_case(case_id, current_user)
    return jsonify(case=full_record(case))


def full_record(case) -> dict:
    record = case_summary(case, clock.current_calendar(), utcnow())
    record["timeline"] = [event_summary(event) for event in timeline(case)]
    return record


def timeline(case) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    return list(db.session.scalars(query))


def event_summary(event: CaseEvent) -> dict:
    return {
        "at": event.at.isoformat(),
        "action": event.action,
        "actor": event.actor.username if event.actor else None,
        "role": event.actor_role,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "unit": event.unit.code if event.unit else None,
        "note": event.note,
        "payload": event.payload,
    }


@bp.post("/cases/<int:case_id>/<action>")
@login_required
def act(case_id: int, action: str):
    if action not in workflow.ACTIONS:
        abort(404)
    is_multipart = request.mimetype == "multipart/form-data"
    data = json_part() if is_multipart else (request.get_json(silent=True) or {})
    case = get_visible_case(case_id, current_user, for_update=True)
    if workflow.already_done(case, data.get("client_id")):
        return jsonify(case=full_record(case))
    workflow.check_allowed(case, action, current_user)
    uploads = photo_parts() if is_multipart else []
    if action in workflow.PHOTOS_REQUIRED or uploads:
        photos = intake.process_uploads(uploads, declared=data.get("photos_meta"))
    else:
        photos = []

    def apply(files):
        workflow.perform(case, action, current_user, data, photos)
        if photos:
            kind = "rectification" if action == "rectify" else "verification"
            intake.attach_photos(case, photos, kind, current_user, files)
        db.session.flush()

    store_atomically(apply)
    return jsonify(case=full_record(case))


@bp.get("/cases/<int:case_id>/record.json")
@login_required
def export_json(case_id: int):
    case = get_visible_case(case_id, current_user)
    response = jsonify(case=full_record(case))
    response.headers["Content-Disposition"] = f'attachment; filename="case-{case.number}.json"'
    return response


@bp.get("/cases/<int:case_id>/record.html")
@login_required
def export_html(case_id: int):
    """A printable page of the whole record: what evaluators read in the archive."""
    case = get_visible_case(case_id, current_user)
    return render_template("case_record.html", case=full_record(case))


def case_is_visible(case_id: int) -> bool:
    query = visible_cases_query(current_user).where(Case.id == case_id)
    return db.session.scalar(query.with_only_columns(Case.id)) is not None


def may_see_photo(row: CasePhoto, variant: str) -> bool:
    if row.uploaded_by == current_user.id or case_is_visible(row.case_id):
        return True
    # Inspectors are offered open cases nearby ("same problem?") with a thumbnail to compare.
    return variant == "thumb" and current_user.role == "inspector" and row.case.state in OPEN_STATES


@bp.get("/photos/<int:photo_id>/<variant>")
@login_required
def photo(photo_id: int, variant: str):
    column = PHOTO_VARIANTS.get(variant)
    if column is None:
        abort(404)
    row = db.session.get(CasePhoto, photo_id)
    if row is None or not may_see_photo(row, variant):
        raise ApiError(404, "not_found", _("No such photo."))
    if variant == "original" and current_user.role not in ("supervisor", "admin"):
        raise ApiError(403, "forbidden", _("Original photos are for supervisors only."))
    key = getattr(row, column)
    store = store_from_config(current_app.config)
    mimetype = row.media_type if variant == "original" else "image/jpeg"
    path = store.path_for(key)
    source = path if path is not None else store.open(key)
    response = send_file(
        source, mimetype=mimetype, max_age=86400, conditional=True, etag=key.rsplit("/", 1)[-1]
    )
    response.headers["Cache-Control"] = "private, max-age=86400, immutable"
    if variant == "original":
        response.headers["Content-Disposition"] = f'attachment; filename="{row.sha256}"'
    return response
