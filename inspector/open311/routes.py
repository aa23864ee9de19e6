"""Open311 GeoReport v2 at /open311/v2: all resources in JSON and XML, errors in its shape.

Outside /api/v1 and its OpenAPI document on purpose: the contract here is the GeoReport v2 spec.
Authentication is the `api_key` parameter only; the session cookie is never consulted, which is
why these writes are exempt from CSRF (inspector/security.py).
"""

from flask import Blueprint, abort, current_app, request, send_file
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from inspector.cases.models import CasePhoto
from inspector.cases.services import utcnow
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.open311 import keys, media, queries, services
from inspector.open311.formats import Open311Error, language, render, render_error
from inspector.reports.routes import photo_parts, store_atomically
from inspector.storage import store_from_config

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

FMT = "<any(json, xml):fmt>"


def request_format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    return fmt or ("xml" if request.path.endswith(".xml") else "json")


@bp.errorhandler(Open311Error)
def open311_error(error: Open311Error):
    return render_error(request_format(), error)


@bp.errorhandler(ApiError)
def intake_error(error: ApiError):
    return render_error(request_format(), services.from_api_error(error))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return render_error(request_format(), Open311Error(error.code or 500, error.description))


@bp.errorhandler(Exception)
def unexpected_error(error: Exception):
    current_app.logger.exception("unhandled error", exc_info=error)
    return render_error(request_format(), Open311Error(500, "internal error; it has been logged"))


@bp.after_request
def no_store(response):
    # Answers carry signed media links: no shared cache may keep them.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def read_access() -> None:
    keys.check_read_access(request.args.get("api_key"))
    services.check_jurisdiction(request.args.get("jurisdiction_id"))


@bp.get(f"/discovery.{FMT}")
def discovery(fmt: str):
    return render(fmt, "discovery", services.discovery())


@bp.get(f"/services.{FMT}")
def service_list(fmt: str):
    read_access()
    return render(fmt, "services", services.service_list(language()))


@bp.get(f"/services/<code>.{FMT}")
def service_definition(code: str, fmt: str):
    read_access()
    return render(fmt, "service_definition", services.service_definition(code, language()))


@bp.get(f"/requests.{FMT}")
def request_list(fmt: str):
    read_access()
    cases = queries.find_requests(request.args, utcnow())
    return render(fmt, "service_requests", queries.request_records(cases, language()))


@bp.get(f"/requests/<number>.{FMT}")
def request_detail(number: str, fmt: str):
    read_access()
    case = queries.get_request(number)
    return render(fmt, "service_requests", queries.request_records([case], language()))


@bp.post(f"/requests.{FMT}")
def create_request(fmt: str):
    values = request.values
    key = keys.authenticate(values.get("api_key"))
    services.check_jurisdiction(values.get("jurisdiction_id"))
    data = services.parse_request(values, utcnow())
    case, status = services.existing_request(data, key), 200
    if case is None:
        photos = services.request_photos(data, photo_parts("media"))
        try:
            case = store_atomically(lambda files: services.submit_request(data, photos, key, files))
            status = 201
        except IntegrityError:  # a concurrent POST with the same client_id committed first
            case = services.existing_request(data, key)
            if case is None:
                raise
    record = services.creation_record(case, data.notices, language())
    return render(fmt, "service_requests", [record], status)


@bp.get("/media/<token>")
def media_file(token: str):
    """The display copy behind a signed link from `media_url`; no session, no key."""
    photo_id = media.photo_id_from_token(token)
    if photo_id is None:
        raise Open311Error(403, "media link expired or invalid: GET the request for a fresh one")
    photo = db.session.get(CasePhoto, photo_id)
    if photo is None:
        raise Open311Error(404, "photo not found")
    store = store_from_config(current_app.config)
    path = store.path_for(photo.display_key)
    response = send_file(
        path if path is not None else store.open(photo.display_key),
        mimetype="image/jpeg",
        conditional=True,
        etag=photo.display_key.rsplit("/", 1)[-1],
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/<path:anything>")
def unknown(anything: str):
    abort(404, "no such Open311 resource: see discovery.json")
