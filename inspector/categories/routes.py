"""Categories API: the taxonomy the PWA's picker shows, and admin edits."""

from flask import Blueprint, jsonify, request

from inspector.auth.services import login_required, roles_required
from inspector.categories import services
from inspector.extensions import db

bp = Blueprint("categories", __name__, url_prefix="/api/v1")


@bp.get("/categories")
@login_required
def list_categories():
    groups = [
        {
            "code": group.code,
            "name_zh": group.name_zh,
            "name_en": group.name_en,
            "items": [item.to_dict() for item in group.items],
        }
        for group in services.list_groups()
    ]
    return jsonify(groups=groups)


@bp.patch("/categories/<code>")
@roles_required("admin")
def update_category(code: str):
    category = services.update_category(code, request.get_json(silent=True) or {})
    db.session.commit()
    return jsonify(category=category.to_dict())
