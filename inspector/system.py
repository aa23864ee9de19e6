"""Health check and the OpenAPI document."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from inspector.extensions import db
from inspector.openapi import openapi_document

bp = Blueprint("system", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers and has PostGIS, 503 otherwise (for load balancers)."""
    try:
        version = db.session.execute(text("SELECT postgis_lib_version()")).scalar()
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database=False, postgis=None), 503
    return jsonify(status="ok", database=True, postgis=version)


@bp.get("/api/v1/openapi.json")
def openapi():
    return jsonify(openapi_document())
