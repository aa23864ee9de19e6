"""Loading the taxonomy file into the database, and admin edits."""

import tomllib
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from inspector.categories.models import DEADLINE_UNITS, Category, CategoryGroup
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.units.models import UNIT_KINDS

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.toml")
EDITABLE_FIELDS = ("name_zh", "name_en", "default_role", "deduction_base", "active", "note")


class TaxonomyError(ValueError):
    """The taxonomy file is inconsistent; the message names the item and the field."""


def read_taxonomy(path: Path = TAXONOMY_FILE) -> dict:
    """Parse and validate a taxonomy file without touching the database."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyError(f"{path}: not a readable TOML taxonomy ({exc})") from None
    groups = {group["code"]: group for group in data.get("groups", [])}
    if not groups or not data.get("items"):
        raise TaxonomyError(f"{path}: needs [[groups]] and [[items]] entries")
    seen = set()
    for item in data["items"]:
        _validate_item(item, groups, seen)
    return data


def _validate_item(item: dict, groups: dict, seen: set) -> None:
    code = item.get("code", "?")
    if code in seen:
        raise TaxonomyError(f"item {code}: code appears twice")
    seen.add(code)
    if item.get("group") not in groups:
        raise TaxonomyError(f"item {code}: unknown group {item.get('group')!r}")
    for key in ("deadline", "emergency_deadline"):
        deadline = item.get(key) or {}
        if deadline.get("unit") not in DEADLINE_UNITS or not deadline.get("value", 0) > 0:
            raise TaxonomyError(f"item {code}: {key} needs a positive value and unit h, wh or wd")
    for role in [item.get("default_role"), *item.get("secondary_roles", [])]:
        if role not in UNIT_KINDS:
            raise TaxonomyError(f"item {code}: unknown unit role {role!r}")


def load_taxonomy(path: Path = TAXONOMY_FILE, overwrite: bool = False) -> tuple[int, int]:
    """Insert groups and items missing from the database; with `overwrite`, replace edits too.

    Returns (created, updated). Admin edits survive a plain re-load, so running it at every
    start-up is safe.
    """
    data = read_taxonomy(path)
    for group in data["groups"]:
        db.session.merge(CategoryGroup(**group))
    existing = {category.code: category for category in db.session.scalars(select(Category))}
    created = updated = 0
    for item in data["items"]:
        if item["code"] not in existing:
            db.session.add(Category(**_columns(item)))
            created += 1
        elif overwrite:
            for key, value in _columns(item).items():
                setattr(existing[item["code"]], key, value)
            updated += 1
    db.session.flush()
    return created, updated


def _columns(item: dict) -> dict:
    return {
        "code": item["code"],
        "group_code": item["group"],
        "name_zh": item["name_zh"],
        "name_en": item["name_en"],
        "national_code": item.get("national_code"),
        "deadline_value": item["deadline"]["value"],
        "deadline_unit": item["deadline"]["unit"],
        "emergency_deadline_value": item["emergency_deadline"]["value"],
        "emergency_deadline_unit": item["emergency_deadline"]["unit"],
        "default_role": item["default_role"],
        "secondary_roles": item.get("secondary_roles", []),
        "deduction_base": item["deduction_base"],
        "tags": item.get("tags", []),
        "keywords": item.get("keywords", []),
        "note": item.get("note"),
    }


def list_groups() -> list[CategoryGroup]:
    return list(db.session.scalars(select(CategoryGroup).order_by(CategoryGroup.code)))


def get_category(code: str) -> Category:
    category = db.session.get(Category, code)
    if category is None:
        raise ApiError(404, "not_found", _("No category with code %(code)s.", code=code))
    return category


def update_category(code: str, changes: dict) -> Category:
    """Apply an admin's edit; unknown fields and bad values are refused, nothing half-applied."""
    category = get_category(code)
    errors = {
        key: _("not editable")
        for key in changes
        if key not in (*EDITABLE_FIELDS, "deadline", "emergency_deadline")
    }
    if changes.get("default_role", category.default_role) not in UNIT_KINDS:
        errors["default_role"] = _("unknown unit role")
    base = changes.get("deduction_base", category.deduction_base)
    if not isinstance(base, int | float) or base < 0:
        errors["deduction_base"] = _("a number >= 0")
    for key in ("deadline", "emergency_deadline"):
        if key in changes and not _valid_deadline(changes[key]):
            errors[key] = _("{value > 0, unit: h | wh | wd}")
    if errors:
        raise ApiError(400, "validation_error", _("Some fields are invalid; see fields."), errors)
    for key in EDITABLE_FIELDS:
        if key in changes:
            setattr(category, key, changes[key])
    for key in ("deadline", "emergency_deadline"):
        if key in changes:
            setattr(category, f"{key}_value", changes[key]["value"])
            setattr(category, f"{key}_unit", changes[key]["unit"])
    db.session.flush()
    return category


def _valid_deadline(value) -> bool:
    return (
        isinstance(value, dict)
        and value.get("unit") in DEADLINE_UNITS
        and isinstance(value.get("value"), int | float)
        and value["value"] > 0
    )
