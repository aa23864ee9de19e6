"""The generated demo city: every district routes to its seat, and loading twice is safe."""

from shapely import Point
from sqlalchemy import func, select

from inspector.auth.models import User
from inspector.demo import city
from inspector.demo.services import load_demo
from inspector.units.models import Unit
from inspector.zones.models import Zone


def test_each_seat_lies_in_its_own_district_cell():
    cells = city.district_cells()
    for adcode, _, _, lon, lat in city.DISTRICTS:
        assert cells[adcode].contains(Point(lon, lat)), adcode
    assert len(cells) == 12


def test_the_development_zone_overlaps_jinshui_and_guancheng():
    cells = city.district_cells()
    zone = city.DEVELOPMENT_ZONE[3]
    assert zone.intersects(cells["410105"]) and zone.intersects(cells["410104"])


def test_demo_load_is_idempotent_and_creates_every_role(db_session, tmp_path):
    created = load_demo(tmp_path)
    assert {role for _, role, _ in created} == {"admin", "supervisor", "inspector", "staff"}
    counts = [
        db_session.scalar(select(func.count()).select_from(model)) for model in (Unit, Zone, User)
    ]
    assert load_demo(tmp_path) == []
    assert counts == [
        db_session.scalar(select(func.count()).select_from(model)) for model in (Unit, Zone, User)
    ]
    assert counts[1] == 12 + 4 + 1 + 2
    assert (tmp_path / "demo_accounts.txt").stat().st_mode & 0o077 == 0
    kinds = set(db_session.scalars(select(Unit.kind)))
    assert {
        "district_government",
        "street_office",
        "urban_management",
        "traffic_police",
        "market_regulation",
        "patriotic_health",
        "housing_construction",
        "civilisation_office",
        "railway",
    } <= kinds


def test_sample_cases_go_through_intake_and_the_workflow(app, demo_city, db_session):
    from inspector.cases.models import Case
    from inspector.demo.samples import load_sample_cases

    assert load_sample_cases(14) == 14
    states = {case.state for case in db_session.scalars(select(Case))}
    assert {"dispatched", "in_progress", "rectified", "closed", "disputed"} <= states
    assert all(case.photos for case in db_session.scalars(select(Case)))
    assert load_sample_cases(14) == 0  # only into an empty city
