"""A demo city generated from facts, with no third-party files.

Districts are Voronoi cells around Zhengzhou's real district and county seats (WGS-84), so points
near a seat route to that district. On top: a development zone over the border of 金水区 and
管城区, four street offices in 金水区, a railway corridor along the Longhai line and a wet market.
"""

import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

CITY_EXTENT = box(112.70, 34.20, 114.30, 35.00)

# (adcode, name_zh, name_en, seat lon, seat lat) from PRODUCT.md section 4.
DISTRICTS = [
    ("410102", "中原区", "Zhongyuan", 113.6055, 34.7495),
    ("410103", "二七区", "Erqi", 113.6394, 34.7321),
    ("410104", "管城回族区", "Guancheng", 113.6792, 34.7475),
    ("410105", "金水区", "Jinshui", 113.6799, 34.7769),
    ("410106", "上街区", "Shangjie", 113.2919, 34.8096),
    ("410108", "惠济区", "Huiji", 113.6123, 34.8297),
    ("410122", "中牟县", "Zhongmu", 114.0165, 34.7230),
    ("410181", "巩义市", "Gongyi", 112.9767, 34.7533),
    ("410182", "荥阳市", "Xingyang", 113.3850, 34.7899),
    ("410183", "新密市", "Xinmi", 113.3741, 34.5389),
    ("410184", "新郑市", "Xinzheng", 113.7335, 34.3955),
    ("410185", "登封市", "Dengfeng", 113.0314, 34.4611),
]

DEVELOPMENT_ZONE = (
    "ZDXQ",
    "郑东新区",
    "Zhengdong New District",
    box(113.70, 34.735, 113.78, 34.79),
)

JINSHUI_STREETS = [
    # (code, name_zh, name_en, quadrant around the 金水区 seat)
    ("410105001", "经八路街道", "Jingbalu", "nw"),
    ("410105002", "花园路街道", "Huayuanlu", "ne"),
    ("410105003", "丰产路街道", "Fengchanlu", "sw"),
    ("410105004", "文化路街道", "Wenhualu", "se"),
]

# The Longhai railway across the city, through Zhengzhou station, buffered ~100 m each side.
RAILWAY_LINE = LineString([(113.20, 34.780), (113.50, 34.760), (113.658, 34.745), (114.05, 34.740)])
RAILWAY_HALF_WIDTH_DEG = 0.0010
WET_MARKET = (
    "ZZ-MKT-001",
    "大学路农贸市场",
    "Daxuelu wet market",
    box(113.6405, 34.7290, 113.6435, 34.7312),
)


def district_cells() -> dict[str, MultiPolygon]:
    """adcode -> polygon: each seat's Voronoi cell, clipped to the city extent."""
    seats = shapely.MultiPoint([(lon, lat) for *_, lon, lat in DISTRICTS])
    cells = shapely.voronoi_polygons(seats, extend_to=CITY_EXTENT).geoms
    result = {}
    for adcode, *_, lon, lat in DISTRICTS:
        cell = next(cell for cell in cells if cell.contains(Point(lon, lat)))
        result[adcode] = as_multipolygon(cell.intersection(CITY_EXTENT))
    return result


def street_cells(jinshui: MultiPolygon) -> dict[str, MultiPolygon]:
    _, _, _, lon, lat = next(d for d in DISTRICTS if d[0] == "410105")
    minx, miny, maxx, maxy = jinshui.bounds
    quadrants = {
        "nw": box(minx, lat, lon, maxy),
        "ne": box(lon, lat, maxx, maxy),
        "sw": box(minx, miny, lon, lat),
        "se": box(lon, miny, maxx, lat),
    }
    return {
        code: as_multipolygon(jinshui.intersection(quadrants[q])) for code, *_, q in JINSHUI_STREETS
    }


def railway_corridor() -> MultiPolygon:
    return as_multipolygon(RAILWAY_LINE.buffer(RAILWAY_HALF_WIDTH_DEG, cap_style="flat"))


def as_multipolygon(geom) -> MultiPolygon:
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if isinstance(geom, MultiPolygon):
        return geom
    polygons = [part for part in getattr(geom, "geoms", []) if isinstance(part, Polygon)]
    return MultiPolygon(polygons)
