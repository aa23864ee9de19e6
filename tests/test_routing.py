"""Zones and routing against real boundary files, the demo city, and bad input."""

import json
import math

import pytest
import shapely
from shapely.geometry import shape

from inspector import geo
from inspector.extensions import db
from inspector.zones import rules as rules_service
from inspector.zones import services
from inspector.zones.importer import ImportError_, parse_boundaries, read_boundary_file
from inspector.zones.index import note_routing_generation
from inspector.zones.models import Zone
from inspector.zones.routing import RoutingInputError, route_point
from tests.conftest import shared_file

ZHENGZHOU_DISTRICTS = (
    "410102",
    "410103",
    "410104",
    "410105",
    "410106",
    "410108",
    "410122",
    "410181",
    "410182",
    "410183",
    "410184",
    "410185",
)


@pytest.fixture
def zhengzhou(db_session, make_unit):
    """The real Zhengzhou districts (GCJ-02 file) with a government unit for each."""
    path = shared_file("boundaries", "zhengzhou_districts_gcj02.geojson")
    for adcode in ZHENGZHOU_DISTRICTS:
        make_unit(f"{adcode}-GOV", "district_government", district=adcode)
    rules_service.ensure_default_rules()
    layer = services.ensure_layer("district", 0, "district_government")
    services.import_zones(layer, read_boundary_file(path, "gcj02"), "gcj02")
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def metres_between(a, b) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


# -- real boundaries ----------------------------------------------------------------------------


def test_each_district_centre_given_in_gcj02_routes_to_that_district(zhengzhou):
    for feature in zhengzhou:
        adcode = str(feature["properties"]["adcode"])
        lon, lat = feature["properties"]["center"]
        outcome = route_point(lon, lat, "gcj02", "01-01")
        assert outcome.status == "routed", (adcode, outcome.reason)
        assert outcome.unit.code == f"{adcode}-GOV"
        assert [zone.code for zone in outcome.zones] == [adcode]


def test_the_same_places_reported_in_wgs84_by_a_phone_also_route_correctly(zhengzhou):
    for feature in zhengzhou:
        adcode = str(feature["properties"]["adcode"])
        lon, lat = geo.gcj02_to_wgs84(*feature["properties"]["center"])
        outcome = route_point(lon, lat, "wgs84", "01-01", accuracy_m=10)
        assert outcome.unit.code == f"{adcode}-GOV", outcome.reason


def test_stored_geometry_is_wgs84_not_the_gcj02_input(zhengzhou, db_session):
    zone = db_session.query(Zone).filter_by(code="410105", retired_at=None).one()
    from geoalchemy2.shape import to_shape

    stored = to_shape(zone.geom)
    original = shape(next(f for f in zhengzhou if f["properties"]["adcode"] == 410105)["geometry"])
    shift = metres_between(original.centroid.coords[0], stored.centroid.coords[0])
    assert 300 < shift < 700  # the GCJ-02 offset around Zhengzhou was removed
    assert zone.source_crs == "gcj02"


def _point_inside_near_shared_boundary(features, inside_code, outside_code, metres):
    """A point `metres` inside `inside_code`, across from `outside_code`."""
    polygons = {str(f["properties"]["adcode"]): shape(f["geometry"]) for f in features}
    converted = {
        code: geo.transform_geometry_to_wgs84(poly, "gcj02") for code, poly in polygons.items()
    }
    shared = converted[inside_code].boundary.intersection(converted[outside_code].boundary)
    on_line = (
        shapely.line_interpolate_point(shapely.line_merge(shared), 0.5, normalized=True)
        if shared.geom_type != "MultiLineString"
        else shapely.line_interpolate_point(
            max(shared.geoms, key=lambda g: g.length), 0.5, normalized=True
        )
    )
    target = converted[inside_code].representative_point()
    lon, lat = on_line.x, on_line.y
    step = metres / metres_between((lon, lat), (target.x, target.y))
    point = (lon + (target.x - lon) * step, lat + (target.y - lat) * step)
    assert converted[inside_code].contains(shapely.Point(point))
    return point


def test_a_point_a_few_metres_from_a_boundary_with_30_m_accuracy_is_unrouted_with_reason(
    zhengzhou,
):
    lon, lat = _point_inside_near_shared_boundary(zhengzhou, "410105", "410104", 5)
    outcome = route_point(lon, lat, "wgs84", "01-01", accuracy_m=30)
    assert outcome.status == "unrouted"
    assert "uncertainty circle of 30 m" in outcome.reason
    assert 3 < outcome.boundary_distance_m < 7
    assert {unit.code for unit in outcome.candidates} == {"410105-GOV", "410104-GOV"}


def test_the_same_point_is_routed_when_it_is_further_inside_than_the_uncertainty(zhengzhou):
    lon, lat = _point_inside_near_shared_boundary(zhengzhou, "410105", "410104", 60)
    outcome = route_point(lon, lat, "wgs84", "01-01", accuracy_m=30)
    assert outcome.status == "routed"
    assert outcome.unit.code == "410105-GOV"
    assert 30 < outcome.boundary_distance_m <= 61


def test_the_uncertainty_is_never_taken_below_15_m(zhengzhou):
    lon, lat = _point_inside_near_shared_boundary(zhengzhou, "410105", "410104", 8)
    assert route_point(lon, lat, "wgs84", "01-01", accuracy_m=3).status == "unrouted"


def postgis_boundary_distance_m(session, lon, lat) -> float:
    """The same distance computed independently by PostGIS on the geography type."""
    return session.execute(
        db.text(
            "SELECT min(ST_Distance(ST_Boundary(geom)::geography, "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography)) FROM zones "
            "WHERE retired_at IS NULL"
        ),
        {"lon": lon, "lat": lat},
    ).scalar()


def test_boundary_distances_agree_with_postgis_geography(zhengzhou, db_session):
    import random

    generator = random.Random(7)
    for _ in range(60):
        lon, lat = generator.uniform(113.0, 114.2), generator.uniform(34.3, 34.95)
        outcome = route_point(lon, lat, "wgs84", "01-01")
        if not outcome.zones:
            continue
        expected = postgis_boundary_distance_m(db_session, lon, lat)
        assert outcome.boundary_distance_m == pytest.approx(expected, rel=2e-3, abs=0.5)


def test_a_point_outside_the_city_is_unrouted(zhengzhou):
    outcome = route_point(116.397, 39.909, "wgs84", "01-01")  # Beijing
    assert outcome.status == "unrouted"
    assert outcome.reason == "outside every zone"
    assert outcome.zones == []


def test_berlin_ortsteile_route_correctly_in_wgs84(db_session, make_unit):
    path = shared_file("boundaries", "berlin_ortsteile_wgs84.geojson")
    features = read_boundary_file(path, "wgs84", code_field="sch")
    for feature in features:
        make_unit(feature.code, "district_government", district=feature.code)
    rules_service.ensure_default_rules()
    services.import_zones(
        services.ensure_layer("district", 0, "district_government"), features, "wgs84"
    )
    assert len(features) == 97
    for feature in features:
        inside = feature.geom.representative_point()
        outcome = route_point(inside.x, inside.y, "wgs84", "03-01", accuracy_m=5)
        assert feature.code in [zone.code for zone in outcome.zones], feature.name
        if outcome.status == "routed":
            assert outcome.unit.code == feature.code
        else:  # only when the representative point lies within 15 m of a neighbour
            assert outcome.boundary_distance_m < 15


# -- precedence on the demo city ---------------------------------------------------------------


def test_a_development_zone_takes_the_ground_of_the_district_beneath_it(demo_city):
    outcome = route_point(113.74, 34.76, "wgs84", "01-01")
    assert {zone.code for zone in outcome.zones} == {"ZDXQ", "410104"}
    assert outcome.unit.code == "ZDXQ-GOV"
    assert route_point(113.74, 34.76, "wgs84", "03-03").unit.code == "ZDXQ-JJ"


def test_illegal_parking_goes_to_the_traffic_police_of_the_district(demo_city):
    assert route_point(113.6055, 34.7600, "wgs84", "03-03").unit.code == "410102-JJ"


def test_the_railway_corridor_wins_over_the_district_but_not_over_parking(demo_city):
    on_track = (113.658, 34.745)
    garbage = route_point(*on_track, "wgs84", "01-01")
    assert garbage.unit.code == "ZZ-RAIL"
    assert "railway" in {zone.layer for zone in garbage.zones}
    assert route_point(*on_track, "wgs84", "07-01").unit.code == "ZZ-RAIL"
    assert route_point(*on_track, "wgs84", "03-03").unit.kind == "traffic_police"


def test_wet_market_hygiene_goes_to_market_regulation(demo_city):
    assert route_point(113.642, 34.730, "wgs84", "02-01").unit.code == "ZZ-MKT-001"
    by_context = route_point(113.62, 34.70, "wgs84", "02-05", context="wet_market")
    assert by_context.unit.kind == "market_regulation"
    assert route_point(113.62, 34.70, "wgs84", "02-05").unit.kind == "district_government"


def test_a_street_office_rule_resolves_to_the_street_office_of_the_ground(demo_city):
    rules_service.add_rule("01-05", role="street_office", priority=60)
    outcome = route_point(113.70, 34.80, "wgs84", "01-05")
    assert outcome.unit.kind == "street_office"
    assert outcome.unit.code == "410105002"


def test_no_matching_rule_leaves_the_case_unrouted(demo_city, db_session):
    from inspector.zones.models import RoutingRule

    for rule in rules_service.list_rules():
        if rule.category_pattern == "*" and rule.layer_code is None:
            rules_service.remove_rule(rule.id)
    outcome = route_point(113.62, 34.70, "wgs84", "01-01")
    assert outcome.status == "unrouted"
    assert "no routing rule" in outcome.reason
    assert db_session.query(RoutingRule).count() > 0


# -- versions and the in-process index ---------------------------------------------------------


def test_a_reimport_creates_a_new_version_and_keeps_the_old_zones(zhengzhou, db_session):
    path = shared_file("boundaries", "zhengzhou_districts_gcj02.geojson")
    old = db_session.query(Zone).filter_by(code="410105", retired_at=None).one()
    layer = services.get_layer("district")
    result = services.import_zones(layer, read_boundary_file(path, "gcj02"), "gcj02")
    assert result.version == 2
    db_session.refresh(old)
    assert old.retired_at is not None
    lon, lat = geo.gcj02_to_wgs84(113.686, 34.776)
    outcome = route_point(lon, lat, "wgs84", "01-01")
    assert [zone.version for zone in outcome.zones] == [2]


def test_routing_sees_a_new_rule_at_once(demo_city):
    assert route_point(113.62, 34.70, "wgs84", "06-04").unit.kind == "district_government"
    rules_service.add_rule("06-04", role="street_lighting", priority=70)
    assert route_point(113.62, 34.70, "wgs84", "06-04").unit.code == "ZZ-LD"


def test_a_change_after_the_token_read_is_not_hidden_by_the_generation_it_noted(demo_city):
    assert route_point(113.62, 34.70, "wgs84", "06-04").unit.kind == "district_government"
    note_routing_generation(services.current_generation())  # as a token request does
    rules_service.add_rule("06-04", role="street_lighting", priority=70)
    assert route_point(113.62, 34.70, "wgs84", "06-04").unit.code == "ZZ-LD"


def test_the_token_route_api_sees_a_rule_committed_elsewhere_at_once(live_app, committed_user):
    """As in production, outside a test transaction: the token and the routing generation are
    read in one statement, with no transaction and nothing cached between requests."""
    from inspector.auth.services import create_token, get_user

    with live_app.app_context():
        token = create_token(get_user(committed_user("supervisor")[0]), "route test")
        db.session.commit()
    http = live_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    url = "/api/v1/route?lon=113.62&lat=34.70&category=06-04"
    assert http.get(url, headers=headers).get_json()["unit"]["kind"] == "district_government"
    with live_app.app_context():  # another process could do this: only the database is shared
        rule_id = rules_service.add_rule("06-04", role="street_lighting", priority=70).id
        db.session.commit()
    try:
        assert http.get(url, headers=headers).get_json()["unit"]["code"] == "ZZ-LD"
    finally:
        with live_app.app_context():
            rules_service.remove_rule(rule_id)
            db.session.commit()
    assert http.get(url, headers=headers).get_json()["unit"]["kind"] == "district_government"


# -- bad input ---------------------------------------------------------------------------------


def _geojson(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _square(x, y, size):
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


BAD_FILES = [
    (b"this is not json", "wgs84", "not GeoJSON"),
    (b'{"type": "Topology"}', "wgs84", "not GeoJSON"),
    (_geojson([]), "wgs84", "contains no features"),
    (
        _geojson(
            [
                {
                    "type": "Feature",
                    "properties": {"code": "A"},
                    "geometry": {"type": "Point", "coordinates": [113.6, 34.7]},
                }
            ]
        ),
        "wgs84",
        "only Polygon and MultiPolygon",
    ),
    (
        _geojson(
            [
                {
                    "type": "Feature",
                    "properties": {"code": "A"},
                    "geometry": _square(500000, 3800000, 1000),
                }
            ]
        ),
        "wgs84",
        "projected",
    ),
    (
        _geojson(
            [
                {
                    "type": "Feature",
                    "properties": {"code": "A"},
                    "geometry": _square(13.4, 52.5, 0.01),
                }
            ]
        ),
        "gcj02",
        "China",
    ),
    (
        _geojson(
            [
                {
                    "type": "Feature",
                    "properties": {"name": "无编码"},
                    "geometry": _square(113.6, 34.7, 0.01),
                }
            ]
        ),
        "wgs84",
        "no code",
    ),
    (
        _geojson(
            [
                {
                    "type": "Feature",
                    "properties": {"code": "A"},
                    "geometry": _square(113.6, 34.7, 0.01),
                },
                {
                    "type": "Feature",
                    "properties": {"code": "A"},
                    "geometry": _square(113.7, 34.7, 0.01),
                },
            ]
        ),
        "wgs84",
        "already used",
    ),
]


@pytest.mark.parametrize(("data", "crs", "message"), BAD_FILES)
def test_bad_boundary_files_are_refused_with_a_reason(data, crs, message):
    with pytest.raises(ImportError_, match=message):
        parse_boundaries(data, "upload.geojson", crs)


def test_a_points_file_is_refused_naming_the_feature():
    path = shared_file("boundaries", "zhengzhou_flood_collapse_points_2021_crs_unknown.geojson")
    with pytest.raises(ImportError_, match=r"feature 1.*Point"):
        read_boundary_file(path, "wgs84")


def test_a_self_intersecting_polygon_is_repaired(db_session):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[113.6, 34.7], [113.7, 34.8], [113.7, 34.7], [113.6, 34.8], [113.6, 34.7]]
        ],
    }
    [feature] = parse_boundaries(
        _geojson([{"type": "Feature", "properties": {"code": "B"}, "geometry": bowtie}]),
        "x.geojson",
        "wgs84",
    )
    assert feature.repaired and feature.geom.is_valid and feature.geom.area > 0


def test_projected_coordinates_import_with_their_epsg_code():
    utm = {
        "type": "Feature",
        "properties": {"code": "U"},
        "geometry": _square(769000, 3852000, 1000),
    }  # UTM 49N near Zhengzhou
    [feature] = parse_boundaries(_geojson([utm]), "utm.geojson", "epsg:32649")
    lon, lat = feature.geom.centroid.coords[0]
    assert 113 < lon < 114.5 and 34 < lat < 35.5


def test_a_zipped_shapefile_imports(tmp_path):
    import io
    import zipfile

    import shapefile

    base = tmp_path / "zones"
    with shapefile.Writer(str(base), shapeType=shapefile.POLYGON) as writer:
        writer.field("code", "C")
        writer.field("name", "C")
        writer.poly([[[113.6, 34.7], [113.6, 34.8], [113.7, 34.8], [113.7, 34.7], [113.6, 34.7]]])
        writer.record("S1", "shape zone")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for suffix in (".shp", ".shx", ".dbf"):
            archive.write(base.with_suffix(suffix), f"zones{suffix}")
    [feature] = parse_boundaries(buffer.getvalue(), "zones.zip", "wgs84")
    assert feature.code == "S1" and feature.geom.area > 0


@pytest.mark.parametrize(
    ("lon", "lat", "crs", "field"),
    [
        ("abc", 34.7, "wgs84", "lon"),
        (float("nan"), 34.7, "wgs84", "lon"),
        (113.6, 95, "wgs84", "lat"),
        (113.6, 34.7, "mars", "crs"),
    ],
)
def test_bad_coordinates_name_the_field(db_session, lon, lat, crs, field):
    with pytest.raises(RoutingInputError) as error:
        route_point(lon, lat, crs)
    assert error.value.field == field


# -- CLI and API -------------------------------------------------------------------------------


def test_cli_route_prints_one_json_object_and_exits_0_for_unrouted_too(app, demo_city):
    runner = app.test_cli_runner()
    routed = runner.invoke(args=["route", "113.74", "34.76", "--category", "03-03"])
    assert routed.exit_code == 0
    assert json.loads(routed.output)["unit"]["code"] == "ZDXQ-JJ"
    outside = runner.invoke(args=["route", "116.4", "39.9"])
    assert outside.exit_code == 0
    data = json.loads(outside.output)
    assert set(data) >= {"status", "unit", "zones", "rule", "reason", "boundary_distance_m"}
    assert data["status"] == "unrouted"


def test_cli_zones_import_and_its_bad_input(app, db_session, tmp_path):
    runner = app.test_cli_runner()
    path = shared_file("boundaries", "zhengzhou_districts_gcj02.geojson")
    result = runner.invoke(
        args=[
            "zones",
            "import",
            str(path),
            "--layer",
            "district",
            "--crs",
            "gcj02",
            "--owner-role",
            "district_government",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "version 1, 12 zones" in result.output
    bad = tmp_path / "bad.geojson"
    bad.write_text("nope")
    for args in (["--crs", "gcj02"], ["--crs", "mars"]):
        failed = runner.invoke(args=["zones", "import", str(bad), "--layer", "x", *args])
        assert failed.exit_code == 1
        assert len(failed.output.strip().splitlines()) == 1, failed.output
    missing = runner.invoke(args=["zones", "import", "/no/file", "--layer", "x", "--crs", "wgs84"])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_cli_rules_add_list_remove(app, demo_city):
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=[
            "rules",
            "add",
            "--category",
            "06-04",
            "--role",
            "street_lighting",
            "--priority",
            "70",
        ]
    )
    assert added.exit_code == 0, added.output
    rule_id = int(added.output.split()[-1])
    assert '"06-04"' in runner.invoke(args=["rules", "list"]).output
    assert runner.invoke(args=["rules", "remove", str(rule_id)]).exit_code == 0
    bad = runner.invoke(args=["rules", "add", "--category", "bogus", "--role", "railway"])
    assert bad.exit_code == 1 and "category" in bad.output


def test_route_api_for_supervisors_only(login_as, demo_city):
    supervisor = login_as("supervisor")
    response = supervisor.get("/api/v1/route?lon=113.74&lat=34.76&category=03-03&accuracy=10")
    assert response.status_code == 200
    assert response.get_json()["unit"]["code"] == "ZDXQ-JJ"
    assert login_as("inspector").get("/api/v1/route?lon=113.74&lat=34.76").status_code == 403
    bad = supervisor.get("/api/v1/route?lon=113.74&lat=999")
    assert bad.status_code == 400
    assert "lat" in bad.get_json()["error"]["fields"]


def test_admin_imports_zones_through_the_api(login_as, db_session):
    import io

    path = shared_file("boundaries", "zhengzhou_districts_gcj02.geojson")
    admin = login_as("admin")
    response = admin.post(
        "/api/v1/zones/import",
        data={
            "file": (io.BytesIO(path.read_bytes()), "zz.geojson"),
            "layer": "district",
            "crs": "gcj02",
            "owner_role": "district_government",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["zones"] == 12
    refused = admin.post(
        "/api/v1/zones/import",
        data={"file": (io.BytesIO(b"junk"), "x.geojson"), "layer": "district", "crs": "wgs84"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "not GeoJSON" in refused.get_json()["error"]["message"]
    outlines = admin.get("/api/v1/zones?layer=district").get_json()
    assert len(outlines["features"]) == 12
