"""Tests for inspector.geo: CRS parsing, GCJ-02/BD-09/EPSG conversion and plausibility checks."""

import json
import math
import time
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from inspector import geo

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ZHENGZHOU_DISTRICTS_GCJ02 = SHARED_DATA / "boundaries" / "zhengzhou_districts_gcj02.geojson"

JINSHUI_SEAT_WGS84 = (113.6799, 34.7769)  # 金水区 government seat

# WGS-84 district/county seats from PRODUCT.md section 4, keyed by adcode.
ZHENGZHOU_SEATS_WGS84 = {
    410102: (113.6055, 34.7495),
    410103: (113.6394, 34.7321),
    410104: (113.6792, 34.7475),
    410105: (113.6799, 34.7769),
    410106: (113.2919, 34.8096),
    410108: (113.6123, 34.8297),
    410122: (114.0165, 34.7230),
    410181: (112.9767, 34.7533),
    410182: (113.3850, 34.7899),
    410183: (113.3741, 34.5389),
    410184: (113.7335, 34.3955),
    410185: (113.0314, 34.4611),
}


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lon, lat) points on a spherical Earth."""
    earth_radius_m = 6_371_008.8
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * earth_radius_m * math.asin(math.sqrt(h))


# --- parse_crs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wgs84", "wgs84"),
        ("WGS84", "wgs84"),
        (" CGCS2000 ", "cgcs2000"),
        ("GCJ02", "gcj02"),
        ("bd09", "bd09"),
        ("EPSG:4326", "wgs84"),
        ("epsg:4490", "cgcs2000"),
        ("EPSG:32650", "epsg:32650"),
        ("epsg:3857", "epsg:3857"),
    ],
)
def test_parse_crs_accepts_named_systems_and_epsg_codes_in_any_case(text, expected):
    assert geo.parse_crs(text) == expected


@pytest.mark.parametrize("text", ["", "mercator", "4326", "epsg:", "epsg:abc", "gcj-02x"])
def test_parse_crs_refuses_unknown_names_and_lists_the_accepted_values(text):
    with pytest.raises(geo.CRSError, match="accepted: wgs84, cgcs2000, gcj02, bd09 or epsg:NNNN"):
        geo.parse_crs(text)


def test_parse_crs_refuses_an_epsg_code_unknown_to_pyproj():
    with pytest.raises(geo.CRSError, match="unknown EPSG code 999999"):
        geo.parse_crs("epsg:999999")


@pytest.mark.parametrize("text", ["epsg:5773", "epsg:4978"])  # EGM96 height, WGS 84 geocentric
def test_parse_crs_refuses_epsg_codes_without_horizontal_lonlat_or_xy(text):
    with pytest.raises(geo.CRSError, match="only geographic"):
        geo.parse_crs(text)


def test_crs_error_is_a_value_error_so_callers_can_catch_either():
    assert issubclass(geo.CRSError, ValueError)


def test_srid_constants_are_the_epsg_codes_postgis_uses():
    assert (geo.WGS84_SRID, geo.WEB_MERCATOR_SRID) == (4326, 3857)


# --- GCJ-02 ------------------------------------------------------------------------------------


def test_tiananmen_wgs84_converts_to_the_known_gcj02_position_within_a_metre():
    gcj = geo.wgs84_to_gcj02(116.397128, 39.916527)
    assert haversine_m(gcj, (116.403370, 39.917930)) < 1.0


# Reference pairs (wgs lon, wgs lat, gcj lon, gcj lat) from the test suite of the independent
# googollee/eviltransform implementation.
@pytest.mark.parametrize(
    ("wgs_lon", "wgs_lat", "gcj_lon", "gcj_lat"),
    [
        (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
        (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
        (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
    ],
)
def test_gcj02_matches_an_independent_implementation_to_a_millimetre(
    wgs_lon, wgs_lat, gcj_lon, gcj_lat
):
    assert haversine_m(geo.wgs84_to_gcj02(wgs_lon, wgs_lat), (gcj_lon, gcj_lat)) < 0.001
    assert haversine_m(geo.gcj02_to_wgs84(gcj_lon, gcj_lat), (wgs_lon, wgs_lat)) < 0.01


def test_gcj02_offset_around_zhengzhou_is_between_300_and_700_metres():
    offset_m = haversine_m(JINSHUI_SEAT_WGS84, geo.wgs84_to_gcj02(*JINSHUI_SEAT_WGS84))
    assert 300 < offset_m < 700


def test_gcj02_inverse_is_accurate_to_a_centimetre():
    round_trip = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(*JINSHUI_SEAT_WGS84))
    assert haversine_m(round_trip, JINSHUI_SEAT_WGS84) < 0.01


def test_gcj02_inverse_is_accurate_to_a_centimetre_everywhere_in_china():
    lon, lat = np.meshgrid(np.linspace(73.5, 135.0, 120), np.linspace(18.0, 53.5, 120))
    back_lon, back_lat = geo.gcj02_to_wgs84_arrays(*geo.wgs84_to_gcj02_arrays(lon, lat))
    # 1e-7 degrees is at most 1.1 cm.
    assert np.max(np.abs(back_lon - lon)) < 1e-7
    assert np.max(np.abs(back_lat - lat)) < 1e-7


@pytest.mark.parametrize(
    "wgs", [(13.4050, 52.5200), (-74.0060, 40.7128), (151.2093, -33.8688), (0.0, 0.0)]
)
def test_gcj02_equals_wgs84_outside_china(wgs):
    assert geo.wgs84_to_gcj02(*wgs) == wgs
    assert geo.gcj02_to_wgs84(*wgs) == wgs


# --- BD-09 -------------------------------------------------------------------------------------


def test_bd09_round_trip_is_accurate_to_five_centimetres():
    round_trip = geo.bd09_to_wgs84(*geo.wgs84_to_bd09(*JINSHUI_SEAT_WGS84))
    assert haversine_m(round_trip, JINSHUI_SEAT_WGS84) < 0.05


def test_bd09_to_gcj02_inverts_gcj02_to_bd09_to_five_centimetres():
    gcj = geo.wgs84_to_gcj02(*JINSHUI_SEAT_WGS84)
    assert haversine_m(geo.bd09_to_gcj02(*geo.gcj02_to_bd09(*gcj)), gcj) < 0.05


def test_bd09_matches_the_published_beijing_railway_station_example():
    # GCJ-02 (116.42703, 39.90245) -> BD-09 (116.43351, 39.90851), published to 5 decimals (~1 m).
    assert haversine_m(geo.gcj02_to_bd09(116.42703, 39.90245), (116.43351, 39.90851)) < 1.5


def test_bd09_is_wgs84_shifted_by_gcj02_plus_baidus_own_offset():
    bd = geo.wgs84_to_bd09(*JINSHUI_SEAT_WGS84)
    assert bd == pytest.approx(geo.gcj02_to_bd09(*geo.wgs84_to_gcj02(*JINSHUI_SEAT_WGS84)))


# --- to_wgs84 / from_wgs84 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "crs", ["wgs84", "cgcs2000", "gcj02", "bd09", "epsg:32650", "epsg:3857", "epsg:4547"]
)
def test_every_supported_crs_round_trips_through_wgs84_to_a_centimetre(crs):
    x, y = geo.from_wgs84(*JINSHUI_SEAT_WGS84, crs)
    assert haversine_m(geo.to_wgs84(x, y, crs), JINSHUI_SEAT_WGS84) < 0.01


def test_utm_50n_round_trip_is_accurate_to_a_millimetre():
    x, y = geo.from_wgs84(*JINSHUI_SEAT_WGS84, "EPSG:32650")
    # Zhengzhou (113.7 E) lies about 3.3 degrees west of UTM 50N's central meridian (117 E).
    assert 150_000 < x < 250_000
    assert 3_800_000 < y < 3_900_000
    assert haversine_m(geo.to_wgs84(x, y, "epsg:32650"), JINSHUI_SEAT_WGS84) < 0.001


def test_utm_50n_central_meridian_on_the_equator_is_the_false_easting():
    assert geo.from_wgs84(117.0, 0.0, "epsg:32650") == pytest.approx((500_000.0, 0.0), abs=1e-6)


def test_cgcs2000_is_treated_as_wgs84():
    assert geo.to_wgs84(*JINSHUI_SEAT_WGS84, "cgcs2000") == JINSHUI_SEAT_WGS84
    assert geo.from_wgs84(*JINSHUI_SEAT_WGS84, "epsg:4490") == JINSHUI_SEAT_WGS84


def test_to_wgs84_dispatches_gcj02_and_bd09_to_their_inverse_formulas():
    gcj = geo.wgs84_to_gcj02(*JINSHUI_SEAT_WGS84)
    bd = geo.wgs84_to_bd09(*JINSHUI_SEAT_WGS84)
    assert geo.to_wgs84(*gcj, "gcj02") == geo.gcj02_to_wgs84(*gcj)
    assert geo.to_wgs84(*bd, "BD09") == geo.bd09_to_wgs84(*bd)


def test_to_wgs84_refuses_positions_pyproj_cannot_convert_instead_of_returning_infinity():
    with pytest.raises(geo.CRSError, match="cannot be converted with epsg:32650"):
        geo.to_wgs84(1e12, 1e12, "epsg:32650")


def test_to_wgs84_refuses_an_unknown_crs():
    with pytest.raises(geo.CRSError, match="unknown EPSG code"):
        geo.to_wgs84(500_000, 3_800_000, "epsg:999999")


# --- transform_geometry_to_wgs84 ---------------------------------------------------------------


def _ring_around_zhengzhou(vertices: int, centre: tuple[float, float]) -> Polygon:
    angles = np.linspace(0.0, 2.0 * np.pi, vertices, endpoint=False)
    return Polygon(
        np.column_stack([centre[0] + 0.2 * np.cos(angles), centre[1] + 0.15 * np.sin(angles)])
    )


@pytest.mark.parametrize("crs", ["gcj02", "bd09", "epsg:32650"])
def test_vectorised_geometry_transform_equals_the_scalar_function_per_vertex(crs):
    wgs_ring = _ring_around_zhengzhou(500, JINSHUI_SEAT_WGS84)
    source = shapely.transform(
        wgs_ring, lambda xy: np.column_stack(geo.from_wgs84_arrays(xy[:, 0], xy[:, 1], crs))
    )
    converted = shapely.get_coordinates(geo.transform_geometry_to_wgs84(source, crs))
    expected = np.array([geo.to_wgs84(x, y, crs) for x, y in shapely.get_coordinates(source)])
    # Scalar and vectorised runs may stop the inverse iteration one step apart: 1e-8 deg ~ 1 mm.
    assert np.max(np.abs(converted - expected)) < 1e-8
    assert np.max(np.abs(converted - shapely.get_coordinates(wgs_ring))) < 1e-7


def test_geometry_transform_keeps_z_values():
    converted = geo.transform_geometry_to_wgs84(Point(113.686, 34.776, 95.5), "gcj02")
    assert converted.has_z
    assert converted.z == 95.5
    assert (converted.x, converted.y) == pytest.approx(geo.gcj02_to_wgs84(113.686, 34.776))


def test_geometry_transform_leaves_wgs84_and_cgcs2000_geometry_unchanged():
    line = LineString([JINSHUI_SEAT_WGS84, (113.7, 34.8)])
    assert geo.transform_geometry_to_wgs84(line, "wgs84").equals_exact(line, 0.0)
    assert geo.transform_geometry_to_wgs84(line, "cgcs2000").equals_exact(line, 0.0)


def test_geometry_transform_of_an_empty_geometry_is_empty():
    assert geo.transform_geometry_to_wgs84(Polygon(), "gcj02").is_empty


def test_a_100k_vertex_polygon_converts_from_gcj02_in_well_under_two_seconds():
    polygon = _ring_around_zhengzhou(100_000, (113.686, 34.776))
    started = time.perf_counter()
    converted = geo.transform_geometry_to_wgs84(polygon, "gcj02")
    elapsed_s = time.perf_counter() - started
    assert shapely.get_num_coordinates(converted) == shapely.get_num_coordinates(polygon)
    assert elapsed_s < 2.0  # a per-vertex Python loop takes tens of seconds


# --- check_lonlat_plausible --------------------------------------------------------------------


def test_check_lonlat_plausible_refuses_projected_coordinates_given_as_wgs84():
    with pytest.raises(geo.CRSError, match=r"look projected \(e\.g\. x=500000, y=3800000\)"):
        geo.check_lonlat_plausible(Point(500_000, 3_800_000), "wgs84")


def test_check_lonlat_plausible_error_tells_the_user_to_give_an_epsg_code():
    with pytest.raises(geo.CRSError, match="give --crs epsg:NNNN"):
        geo.check_lonlat_plausible((400_000, 3_800_000, 500_000, 3_900_000), "cgcs2000")


def test_check_lonlat_plausible_accepts_zhengzhou_as_geometry_or_bounds():
    geo.check_lonlat_plausible(Point(*JINSHUI_SEAT_WGS84), "wgs84")
    geo.check_lonlat_plausible((113.5, 34.6, 113.8, 34.9), "gcj02")
    geo.check_lonlat_plausible(Point(*geo.wgs84_to_bd09(*JINSHUI_SEAT_WGS84)), "bd09")


def test_check_lonlat_plausible_recognises_swapped_latitude_and_longitude():
    with pytest.raises(geo.CRSError, match=r"look like \(latitude, longitude\)"):
        geo.check_lonlat_plausible(Point(34.7769, 113.6799), "wgs84")


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_check_lonlat_plausible_refuses_chinese_offsets_outside_china(crs):
    berlin = Point(13.4050, 52.5200)
    with pytest.raises(geo.CRSError, match=f"{crs} coordinates must lie in China"):
        geo.check_lonlat_plausible(berlin, crs)
    geo.check_lonlat_plausible(berlin, "wgs84")  # the same point is fine as plain WGS-84


def test_check_lonlat_plausible_accepts_projected_coordinates_for_a_projected_crs():
    geo.check_lonlat_plausible(Point(398_000, 3_849_000), "epsg:32650")


def test_check_lonlat_plausible_refuses_lonlat_given_with_a_projected_crs():
    # Read as UTM metres, (113.68, 34.78) would silently land near the equator.
    with pytest.raises(geo.CRSError, match="look like longitude/latitude"):
        geo.check_lonlat_plausible(Point(*JINSHUI_SEAT_WGS84), "epsg:32650")


def test_check_lonlat_plausible_refuses_projected_values_that_convert_to_no_lonlat():
    with pytest.raises(geo.CRSError, match="cannot be converted with epsg:32650"):
        geo.check_lonlat_plausible(Point(1e12, 1e12), "epsg:32650")


def test_check_lonlat_plausible_treats_a_geographic_epsg_code_like_wgs84():
    geo.check_lonlat_plausible(Point(113.68, 34.78), "epsg:4214")  # Beijing 1954
    with pytest.raises(geo.CRSError, match="look projected"):
        geo.check_lonlat_plausible(Point(500_000, 3_800_000), "epsg:4214")


def test_check_lonlat_plausible_accepts_an_empty_geometry():
    geo.check_lonlat_plausible(Polygon(), "gcj02")


def test_check_lonlat_plausible_refuses_malformed_bounds():
    with pytest.raises(ValueError, match="bounds must be"):
        geo.check_lonlat_plausible((113.6, 34.7), "wgs84")


# --- Real data: the DataV district file ---------------------------------------------------------


@pytest.fixture(scope="module")
def zhengzhou_districts() -> list[dict]:
    if not ZHENGZHOU_DISTRICTS_GCJ02.exists():
        pytest.skip(f"shared data not available: {ZHENGZHOU_DISTRICTS_GCJ02}")
    return json.loads(ZHENGZHOU_DISTRICTS_GCJ02.read_text(encoding="utf-8"))["features"]


def test_district_file_has_every_zhengzhou_district_seat(zhengzhou_districts):
    adcodes = {feature["properties"]["adcode"] for feature in zhengzhou_districts}
    assert adcodes == set(ZHENGZHOU_SEATS_WGS84)


@pytest.mark.parametrize("adcode", sorted(ZHENGZHOU_SEATS_WGS84))
def test_gcj02_district_centre_converts_to_the_known_wgs84_seat_within_50_metres(
    zhengzhou_districts, adcode
):
    (feature,) = [f for f in zhengzhou_districts if f["properties"]["adcode"] == adcode]
    centre_wgs84 = geo.to_wgs84(*feature["properties"]["center"], "gcj02")
    assert haversine_m(centre_wgs84, ZHENGZHOU_SEATS_WGS84[adcode]) < 50


def test_gcj02_district_boundaries_pass_the_plausibility_check(zhengzhou_districts):
    for feature in zhengzhou_districts:
        boundary = shapely.geometry.shape(feature["geometry"])
        geo.check_lonlat_plausible(boundary, "gcj02")
        converted = geo.transform_geometry_to_wgs84(boundary, "gcj02")
        assert converted.is_valid or not boundary.is_valid
        geo.check_lonlat_plausible(converted, "wgs84")
