"""Unit scoping: staff see their unit and its sub-units, never a sibling's."""

from inspector.auth.scoping import scope_cases, visible_unit_ids
from inspector.extensions import db
from inspector.units.models import Unit


def test_staff_see_their_unit_and_its_sub_units_only(make_unit, make_user):
    district = make_unit()
    street = make_unit(kind="street_office", parent=district.code)
    sibling = make_unit()
    staff = make_user("staff", unit=district.code)
    visible = set(visible_unit_ids(staff))
    assert {district.id, street.id} <= visible
    assert sibling.id not in visible


def test_supervisors_see_everything_and_inspectors_see_no_unit(make_user):
    assert visible_unit_ids(make_user("supervisor")) is None
    assert visible_unit_ids(make_user("inspector")) == []


def test_scope_cases_filters_a_query_by_unit(db_session, make_unit, make_user):
    mine, other = make_unit(), make_unit()
    staff = make_user("staff", unit=mine.code)
    query = scope_cases(db.select(Unit.id), staff, Unit.id)
    ids = set(db_session.scalars(query))
    assert mine.id in ids and other.id not in ids
    inspector = make_user("inspector")
    assert list(db_session.scalars(scope_cases(db.select(Unit.id), inspector, Unit.id))) == []
