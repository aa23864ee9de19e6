"""The one place that decides which units' cases a user may see.

Every query that lists or loads cases goes through `scope_cases`, so "staff see only their
unit and its sub-units" cannot be forgotten by a new endpoint.
"""

from sqlalchemy import false, or_, select
from sqlalchemy.orm import aliased

from inspector.auth.models import User
from inspector.extensions import db
from inspector.units.models import Unit


def unit_subtree_ids(unit_id: int) -> list[int]:
    """The unit and every unit below it."""
    tree = select(Unit.id).where(Unit.id == unit_id).cte("tree", recursive=True)
    child = aliased(Unit)
    tree = tree.union_all(select(child.id).where(child.parent_id == tree.c.id))
    return list(db.session.scalars(select(tree.c.id)))


def visible_unit_ids(user: User) -> list[int] | None:
    """None means every unit (supervisors, admins); staff get their subtree; others none."""
    if user.role in ("supervisor", "admin"):
        return None
    if user.role == "staff" and user.unit_id is not None:
        return unit_subtree_ids(user.unit_id)
    return []


def scope_cases(query, user: User, unit_column, reporter_column=None, extra_visible=None):
    """Restrict a case query to what `user` may see.

    Inspectors see their own reports (`reporter_column`) plus anything `extra_visible` (an SQL
    condition, e.g. cases waiting for their verification) allows.
    """

    units = visible_unit_ids(user)
    if units is None:
        return query
    conditions = [unit_column.in_(units)] if units else []
    if user.role == "inspector":  # only inspectors report and verify
        if reporter_column is not None:
            conditions.append(reporter_column == user.id)
        if extra_visible is not None:
            conditions.append(extra_visible)
    return query.where(or_(*conditions) if conditions else false())
