"""Units: create, list, find."""

from flask_babel import gettext as _
from sqlalchemy import select

from inspector.errors import ApiError
from inspector.extensions import db
from inspector.units.models import UNIT_KINDS, Unit
from inspector.zones.services import bump_routing_generation


def list_units(kind: str | None = None, district_code: str | None = None) -> list[Unit]:
    query = select(Unit).order_by(Unit.code)
    if kind:
        query = query.where(Unit.kind == kind)
    if district_code:
        query = query.where(Unit.district_code == district_code)
    return list(db.session.scalars(query))


def find_unit(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def get_unit(code: str) -> Unit:
    unit = find_unit(code)
    if unit is None:
        raise ApiError(404, "not_found", _("No unit with code %(code)s.", code=code))
    return unit


def create_unit(
    code: str,
    name_zh: str,
    kind: str,
    parent_code: str | None = None,
    district_code: str | None = None,
    name_en: str | None = None,
) -> Unit:
    errors = {}
    code = code.strip()
    if not code or len(code) > 64 or not code.replace("-", "").replace("_", "").isalnum():
        errors["code"] = _("1 to 64 letters, digits, '-' or '_'")
    elif find_unit(code):
        errors["code"] = _("already exists")
    if not name_zh.strip():
        errors["name"] = _("required")
    if kind not in UNIT_KINDS:
        errors["kind"] = _("one of %(kinds)s", kinds=", ".join(UNIT_KINDS))
    parent = find_unit(parent_code) if parent_code else None
    if parent_code and parent is None:
        errors["parent"] = _("unknown unit code %(code)s", code=parent_code)
    if errors:
        raise ApiError(400, "validation_error", _("Some fields are invalid; see fields."), errors)
    unit = Unit(
        code=code,
        name_zh=name_zh.strip(),
        name_en=name_en,
        kind=kind,
        parent=parent,
        district_code=district_code or (parent.district_code if parent else None),
    )
    db.session.add(unit)
    db.session.flush()
    bump_routing_generation()  # routing resolves roles to units: its index must see this one
    return unit
