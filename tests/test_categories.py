"""The taxonomy: complete, valid, served, and editable by admins only."""

import tomllib

import pytest

from inspector.categories.models import Category
from inspector.categories.services import TAXONOMY_FILE, TaxonomyError, read_taxonomy
from inspector.extensions import db


def test_taxonomy_loads_every_item_of_all_eight_groups(db_session):
    items = db_session.scalars(db.select(Category)).all()
    groups = {item.group_code for item in items}
    assert groups == {"01", "02", "03", "04", "05", "06", "07", "99"}
    assert len(items) == 61
    per_group = {g: sum(1 for i in items if i.group_code == g) for g in groups}
    assert per_group == {"01": 15, "02": 6, "03": 14, "04": 5, "05": 7, "06": 9, "07": 4, "99": 1}


def test_every_deadline_is_positive_with_a_known_unit_and_emergencies_are_not_slower(db_session):
    def shortest_natural_hours(value, unit):
        # A working hour takes at least an hour; N working days end at 18:00 on the Nth day at
        # the earliest, i.e. (N - 1) x 24 h + 9.5 h after an 08:30 start.
        return {"h": value, "wh": value, "wd": (value - 1) * 24 + 9.5}[unit]

    for item in db_session.scalars(db.select(Category)):
        assert item.deadline_value > 0 and item.deadline_unit in ("h", "wh", "wd"), item.code
        assert item.emergency_deadline_value > 0, item.code
        normal = shortest_natural_hours(item.deadline_value, item.deadline_unit)
        emergency = shortest_natural_hours(
            item.emergency_deadline_value, item.emergency_deadline_unit
        )
        assert emergency <= normal, item.code


def test_known_facts_of_the_taxonomy_are_encoded(db_session):
    parking = db_session.get(Category, "03-03")
    assert parking.default_role == "traffic_police"
    assert (parking.deadline_value, parking.deadline_unit) == (2, "wh")
    manhole = db_session.get(Category, "06-01")
    assert manhole.deduction_base == 2.0
    assert (manhole.emergency_deadline_value, manhole.emergency_deadline_unit) == (1, "h")
    assert db_session.get(Category, "02-02").default_role == "market_regulation"
    assert db_session.get(Category, "01-01").national_code == "06010"
    assert set(db_session.get(Category, "01-01").tags) == {"civilized", "sanitary"}


def test_a_taxonomy_file_with_a_bad_deadline_is_refused_naming_the_item(tmp_path):
    data = TAXONOMY_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(
        data.replace(
            'deadline = { value = 4, unit = "wh" }', 'deadline = { value = 4, unit = "weeks" }', 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(TaxonomyError, match="item 01-01: deadline"):
        read_taxonomy(broken)


def test_the_shipped_file_parses_as_toml():
    assert len(tomllib.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))["items"]) == 61


def test_categories_are_served_grouped(login_as):
    groups = login_as("inspector").get("/api/v1/categories").get_json()["groups"]
    assert [group["code"] for group in groups][:2] == ["01", "02"]
    assert groups[0]["items"][0]["code"] == "01-01"
    assert groups[0]["items"][0]["deadline"] == {"value": 4, "unit": "wh"}


def test_admin_edits_a_deadline_and_bad_values_change_nothing(login_as, db_session):
    admin = login_as("admin")
    response = admin.patch(
        "/api/v1/categories/01-03", json={"deadline": {"value": 3, "unit": "wh"}}
    )
    assert response.status_code == 200
    assert response.get_json()["category"]["deadline"] == {"value": 3, "unit": "wh"}
    refused = admin.patch(
        "/api/v1/categories/01-03", json={"deadline": {"value": -1, "unit": "wh"}, "name_zh": "x"}
    )
    assert refused.status_code == 400
    assert "deadline" in refused.get_json()["error"]["fields"]
    assert db_session.get(Category, "01-03").name_zh != "x"
