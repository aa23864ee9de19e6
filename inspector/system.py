"""Health check and the OpenAPI document."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from inspector.categories.models import LOCATION_CONTEXTS, SEVERITIES
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


@bp.get("/api/v1/client-config")
def client_config():
    """What the PWA needs before login: map settings and the list of location contexts."""
    config = current_app.config
    lon, lat = (float(value) for value in config["MAP_CENTER"].split(","))
    return jsonify(
        map={
            "tile_url": config["MAP_TILE_URL"] or None,
            "attribution": config["MAP_TILE_ATTRIBUTION"],
            "center": [lon, lat],
            "zoom": 11,
            "subdomains": config["MAP_TILE_SUBDOMAINS"],
            "max_zoom": config["MAP_MAX_ZOOM"],
        },
        verify_max_distance_m=config["VERIFY_MAX_DISTANCE_M"],
        contexts=[
            {"code": code, "name_zh": zh, "name_en": en}
            for code, (zh, en) in LOCATION_CONTEXTS.items()
        ],
        severities=list(SEVERITIES),
    )


@bp.get("/api/v1/openapi.json")
def openapi():
    return jsonify(openapi_document())
