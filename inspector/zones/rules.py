"""Routing rules as data: list, add, remove, import."""

import re
import tomllib
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from inspector.categories.models import LOCATION_CONTEXTS
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.units.models import UNIT_KINDS, Unit
from inspector.zones.models import RoutingRule
from inspector.zones.services import bump_routing_generation

DEFAULT_RULES_FILE = Path(__file__).with_name("default_rules.toml")
PATTERN = re.compile(r"^(\*|\d{2}-\*|\d{2}-\d{2})$")


def list_rules() -> list[RoutingRule]:
    query = select(RoutingRule).order_by(RoutingRule.priority.desc(), RoutingRule.id)
    return list(db.session.scalars(query))


def add_rule(
    category: str,
    unit_code: str | None = None,
    role: str | None = None,
    layer: str | None = None,
    zone: str | None = None,
    context: str | None = None,
    priority: int = 0,
    description: str | None = None,
) -> RoutingRule:
    errors = {}
    if not PATTERN.match(category or ""):
        errors["category"] = _("a code like 03-03, a group like 02-* or *")
    if bool(unit_code) == bool(role):
        errors["target"] = _("give exactly one of unit or role")
    if role and role not in UNIT_KINDS:
        errors["role"] = _("unknown unit role")
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code)) if unit_code else None
    if unit_code and unit is None:
        errors["unit"] = _("unknown unit code %(code)s", code=unit_code)
    if context and context not in LOCATION_CONTEXTS:
        errors["context"] = _("one of %(values)s", values=", ".join(LOCATION_CONTEXTS))
    if not isinstance(priority, int):
        errors["priority"] = _("an integer")
    if errors:
        raise ApiError(400, "validation_error", _("Some fields are invalid; see fields."), errors)
    rule = RoutingRule(
        category_pattern=category,
        target_unit=unit,
        target_role=role or None,
        layer_code=layer or None,
        zone_code=zone or None,
        location_context=context or None,
        priority=priority,
        description=description,
    )
    db.session.add(rule)
    db.session.flush()
    bump_routing_generation()
    return rule


def remove_rule(rule_id: int) -> RoutingRule:
    rule = db.session.get(RoutingRule, rule_id)
    if rule is None:
        raise ApiError(404, "not_found", _("No routing rule %(id)s.", id=rule_id))
    db.session.delete(rule)
    db.session.flush()
    bump_routing_generation()
    return rule


def import_rules(path: Path = DEFAULT_RULES_FILE, replace: bool = False) -> int:
    """Add the rules of a TOML file (all or nothing); `replace` drops the existing ones first."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: not a readable TOML rules file ({exc})") from None
    entries = data.get("rules")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: needs [[rules]] entries")
    if replace:
        db.session.execute(db.delete(RoutingRule))
    for number, entry in enumerate(entries, start=1):
        try:
            add_rule(
                entry.get("category", ""),
                entry.get("unit"),
                entry.get("role"),
                entry.get("layer"),
                entry.get("zone"),
                entry.get("context"),
                entry.get("priority", 0),
                entry.get("description"),
            )
        except ApiError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise ValueError(f"{path}: rule {number}: {details}") from None
    return len(entries)


def ensure_default_rules() -> int:
    """Load the shipped rules when there are none yet (first start); returns how many."""
    if db.session.scalar(select(RoutingRule.id).limit(1)) is not None:
        return 0
    return import_rules(DEFAULT_RULES_FILE)
