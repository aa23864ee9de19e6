"""Zones, rules and routing API."""

import json

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from inspector import geo
from inspector.auth.services import login_required, roles_required
from inspector.errors import ApiError, validation_error
from inspector.extensions import db
from inspector.zones import rules as rules_service
from inspector.zones import services, spatial
from inspector.zones.importer import parse_boundaries
from inspector.zones.routing import RoutingInputError, route_point

bp = Blueprint("zones", __name__, url_prefix="/api/v1")

MAX_BOUNDARY_FILE_BYTES = 50 * 1024 * 1024


@bp.get("/route")
@roles_required("supervisor", "admin")
def route():
    args = request.args
    if "lon" not in args or "lat" not in args:
        raise validation_error({"lon": _("required"), "lat": _("required")})
    accuracy = _optional_float(args.get("accuracy"), "accuracy")
    try:
        outcome = route_point(
            args["lon"],
            args["lat"],
            args.get("crs", "wgs84"),
            args.get("category") or None,
            accuracy,
            args.get("context") or None,
        )
    except RoutingInputError as exc:
        raise validation_error({exc.field: str(exc)}) from None
    return jsonify(outcome.to_dict())


def _optional_float(value, name):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except ValueError:
        raise validation_error({name: _("a number")}) from None
    if not number >= 0:
        raise validation_error({name: _("a number >= 0")})
    return number


@bp.get("/zones/layers")
@login_required
def list_layers():
    layers = [
        {
            "code": layer.code,
            "name_zh": layer.name_zh,
            "name_en": layer.name_en,
            "precedence": layer.precedence,
            "owner_role": layer.owner_role,
            "version": layer.current_version,
        }
        for layer in services.list_layers()
    ]
    return jsonify(layers=layers)


@bp.get("/zones")
@login_required
def list_zones():
    """Current zones of a layer as a GeoJSON FeatureCollection (for map outlines)."""
    layer = services.get_layer(request.args.get("layer", "district"))
    if layer is None:
        raise ApiError(404, "not_found", _("No such layer."))
    features = []
    for zone in services.current_zones(layer):
        geometry = db.session.execute(spatial.ZONE_AS_GEOJSON, {"zone_id": zone.id}).scalar()
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(geometry),
                "properties": {
                    "code": zone.code,
                    "name": zone.name,
                    "layer": layer.code,
                    "version": zone.version,
                    "owner": zone.owner_unit.code if zone.owner_unit else None,
                },
            }
        )
    return jsonify(type="FeatureCollection", features=features)


@bp.post("/zones/import")
@roles_required("admin")
def import_zones():
    upload = request.files.get("file")
    form = request.form
    errors = {}
    if upload is None:
        errors["file"] = _("required")
    for name in ("layer", "crs"):
        if not form.get(name):
            errors[name] = _("required")
    if errors:
        raise validation_error(errors)
    data = upload.read(MAX_BOUNDARY_FILE_BYTES + 1)
    if len(data) > MAX_BOUNDARY_FILE_BYTES:
        raise ApiError(413, "too_large", _("Request too large."))
    try:
        features = parse_boundaries(
            data,
            upload.filename or "upload",
            form["crs"],
            form.get("code_field"),
            form.get("name_field"),
        )
    except (ValueError, geo.CRSError) as exc:
        raise ApiError(400, "bad_boundary_file", str(exc)) from None
    precedence = form.get("precedence")
    layer = services.ensure_layer(
        form["layer"], int(precedence) if precedence else None, form.get("owner_role") or None
    )
    result = services.import_zones(layer, features, geo.parse_crs(form["crs"]))
    db.session.commit()
    return jsonify(
        layer=result.layer,
        version=result.version,
        zones=result.zones,
        repaired=result.repaired,
        without_owner=result.without_owner,
    ), 201


@bp.get("/rules")
@roles_required("supervisor", "admin")
def list_rules():
    return jsonify(rules=[rule.to_dict() for rule in rules_service.list_rules()])


@bp.post("/rules")
@roles_required("admin")
def add_rule():
    data = request.get_json(silent=True) or {}
    rule = rules_service.add_rule(
        str(data.get("category") or ""),
        data.get("unit"),
        data.get("role"),
        data.get("layer"),
        data.get("zone"),
        data.get("context"),
        data.get("priority", 0),
        data.get("description"),
    )
    db.session.commit()
    return jsonify(rule=rule.to_dict()), 201


@bp.delete("/rules/<int:rule_id>")
@roles_required("admin")
def remove_rule(rule_id: int):
    rules_service.remove_rule(rule_id)
    db.session.commit()
    return jsonify(ok=True)
