"""Errors: JSON under /api and /healthz, plain pages elsewhere; never a stack trace."""

from flask import Flask, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    """An error a client can fix: HTTP status, machine code, translated message, field errors."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def validation_error(fields: dict[str, str]) -> ApiError:
    return ApiError(400, "validation_error", _("Some fields are invalid; see fields."), fields)


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", _("%(what)s not found.", what=what))


def wants_json() -> bool:
    path = request.path
    return path.startswith("/api/") or path == "/healthz" or request.is_json


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def register(app: Flask) -> None:
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)


def _handle_api_error(error: ApiError):
    return error_response(error.status, error.code, error.message, error.fields)


def _handle_csrf_error(error: CSRFError):
    message = _(
        "Missing or invalid CSRF token: send the token from GET /api/v1/auth/session "
        "in the X-CSRFToken header."
    )
    if wants_json():
        return error_response(400, "csrf_failed", message)
    return message, 400


# Messages for the statuses a client meets, so they are translated like the rest.
def _status_message(status: int) -> str:
    messages = {
        400: _("Bad request."),
        401: _("Please log in."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("Method not allowed."),
        413: _("Request too large."),
        415: _("Unsupported media type."),
        429: _("Too many requests; try again later."),
    }
    return messages.get(status, _("Request failed."))


def _handle_http_exception(error: HTTPException):
    if not wants_json():
        return error
    status = error.code or 500
    code = (error.name or "error").lower().replace(" ", "_")
    return error_response(status, code, _status_message(status))


def _handle_unexpected(error: Exception):
    from flask import current_app

    current_app.logger.exception("unhandled error", exc_info=error)
    if wants_json():
        return error_response(500, "internal_error", _("Internal error; it has been logged."))
    return "Internal error", 500
