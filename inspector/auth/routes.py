"""Session login for the PWA, and user administration."""

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from inspector.auth import services
from inspector.auth.models import User
from inspector.errors import ApiError, validation_error
from inspector.extensions import db

bp = Blueprint("auth", __name__, url_prefix="/api/v1")


@bp.get("/auth/session")
def session_info():
    """Who is logged in, and the CSRF token to send with writes."""
    user = current_user.to_dict() if current_user.is_authenticated else None
    return jsonify(user=user, csrf_token=generate_csrf())


@bp.post("/auth/login")
def login():
    data = request.get_json(silent=True) or {}
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        raise validation_error({"username": _("required"), "password": _("required")})
    try:
        user = services.authenticate(username, password, services.client_ip())
    except ApiError:
        db.session.commit()  # keep the failed attempt: throttling counts it
        raise
    services.forget_failed_logins(user.username)
    login_user(user, remember=bool(data.get("remember", True)))
    db.session.commit()
    return jsonify(user=user.to_dict(), csrf_token=generate_csrf())


@bp.post("/auth/logout")
def logout():
    logout_user()
    return jsonify(ok=True)


@bp.get("/users")
@services.roles_required("admin", "supervisor")
def list_users():
    users = db.session.scalars(select(User).order_by(User.username))
    return jsonify(users=[user.to_dict() for user in users])


@bp.post("/users")
@services.roles_required("admin")
def create_user():
    data = request.get_json(silent=True) or {}
    user = services.create_user(
        str(data.get("username") or ""),
        str(data.get("role") or ""),
        str(data.get("password") or ""),
        unit_code=data.get("unit"),
        display_name=data.get("display_name"),
    )
    db.session.commit()
    return jsonify(user=user.to_dict()), 201
