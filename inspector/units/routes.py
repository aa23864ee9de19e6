"""Units API."""

from flask import Blueprint, jsonify, request

from inspector.auth.services import login_required, roles_required
from inspector.extensions import db
from inspector.units import services
from inspector.units.models import UNIT_KINDS

bp = Blueprint("units", __name__, url_prefix="/api/v1")


@bp.get("/units")
@login_required
def list_units():
    units = services.list_units(request.args.get("kind"), request.args.get("district"))
    return jsonify(units=[unit.to_dict() for unit in units])


@bp.get("/units/kinds")
@login_required
def list_kinds():
    kinds = [{"kind": k, "name_zh": zh, "name_en": en} for k, (zh, en) in UNIT_KINDS.items()]
    return jsonify(kinds=kinds)


@bp.post("/units")
@roles_required("admin")
def create_unit():
    data = request.get_json(silent=True) or {}
    unit = services.create_unit(
        str(data.get("code") or ""),
        str(data.get("name_zh") or data.get("name") or ""),
        str(data.get("kind") or ""),
        parent_code=data.get("parent"),
        district_code=data.get("district_code"),
        name_en=data.get("name_en"),
    )
    db.session.commit()
    return jsonify(unit=unit.to_dict()), 201
