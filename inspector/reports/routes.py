"""Report intake API: new reports, nearby duplicates, photos added to a case."""

import json

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from inspector.auth.services import roles_required
from inspector.cases import clock
from inspector.cases.services import case_summary, record_event, utcnow
from inspector.errors import ApiError, validation_error
from inspector.extensions import db
from inspector.reports import services
from inspector.storage import store_from_config
from inspector.zones.routing import RoutingInputError, to_wgs84_point

bp = Blueprint("reports", __name__, url_prefix="/api/v1")

REPORTERS = ("inspector", "supervisor", "admin")


def json_part() -> dict:
    """The `data` part of a multipart request (or a JSON body), as a dict."""
    raw = request.form.get("data")
    if raw is None:
        if request.is_json:
            return request.get_json(silent=True) or {}
        raise validation_error({"data": _("a JSON part named data is required")})
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise validation_error({"data": _("not valid JSON")}) from None
    if not isinstance(data, dict):
        raise validation_error({"data": _("a JSON object")})
    return data


def photo_parts(field: str = "photos") -> list[bytes]:
    limit = current_app.config["PHOTO_MAX_BYTES"]
    uploads = []
    for index, upload in enumerate(request.files.getlist(field)):
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise ApiError(
                413,
                "photo_too_large",
                _("Photo too large."),
                {f"{field}[{index}]": f"larger than {limit // (1024 * 1024)} MB"},
            )
        uploads.append(data)
    return uploads


def case_response(case, status: int):
    summary = case_summary(case, clock.current_calendar(), utcnow())
    return jsonify(case=summary), status


def store_atomically(create):
    """Run `create(files)` and commit; on any failure take back the files written."""
    files = services.StoredFiles(store_from_config(current_app.config))
    try:
        result = create(files)
        db.session.commit()
        return result
    except BaseException:
        db.session.rollback()
        files.discard_unreferenced()
        raise


@bp.post("/reports")
@roles_required(*REPORTERS)
def create_report():
    data = json_part()
    report = services.parse_report(data, utcnow())
    existing = services.existing_report(report.client_id, current_user)
    if existing is not None:
        return case_response(existing, 200)  # a retry: same case, nothing new
    photos = services.process_uploads(photo_parts(), declared=data.get("photos_meta"))
    calendar = clock.current_calendar()

    def create(files):
        case = services.submit_report(report, photos, current_user, files, calendar=calendar)
        # Summarised before the commit, which would expire the case and reload it row by row.
        return case_summary(case, calendar, utcnow())

    try:
        summary = store_atomically(create)
    except IntegrityError:
        # A concurrent request with the same client_id committed first: answer with its case.
        existing = services.existing_report(report.client_id, current_user)
        if existing is None:
            raise
        return case_response(existing, 200)
    return jsonify(case=summary), 201


@bp.get("/reports/nearby")
@roles_required(*REPORTERS)
def nearby():
    args = request.args
    category = db.session.get(services.Category, args.get("category", ""))
    if category is None:
        raise validation_error({"category": _("unknown category code")})
    try:
        lon, lat = to_wgs84_point(args.get("lon"), args.get("lat"), args.get("crs", "wgs84"))
    except RoutingInputError as exc:
        raise validation_error({exc.field: str(exc)}) from None
    found = services.nearby_open_cases(lon, lat, category)
    return jsonify(
        cases=[
            {
                "id": case.id,
                "number": case.number,
                "state": case.state,
                "category": case.category_code,
                "distance_m": round(metres, 1),
                "reported_at": case.reported_at.isoformat(),
                "thumb_url": f"/api/v1/photos/{case.photos[0].id}/thumb" if case.photos else None,
            }
            for case, metres in found
        ]
    )


@bp.post("/cases/<int:case_id>/photos")
@roles_required(*REPORTERS)
def add_photos(case_id: int):
    """ "Same problem: add my photo" instead of a new case (idempotent by client_id)."""
    data = json_part()
    client_id = services.parse_client_id(data.get("client_id"))
    case = services.open_case_for_photos(case_id)
    if services.photos_already_added(case, client_id):
        return case_response(case, 200)
    photos = services.process_uploads(photo_parts(), declared=data.get("photos_meta"))

    def add(files):
        services.attach_photos(case, photos, "added", current_user, files, client_id)
        record_event(
            case,
            "photo_added",
            current_user,
            case.state,
            case.state,
            note=data.get("note"),
            payload={"photos": len(photos), "client_id": str(client_id)},
        )
        db.session.flush()

    store_atomically(add)
    return case_response(case, 201)
