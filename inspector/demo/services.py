"""`inspector demo load`: units, zones, users of the demo city; safe to run again."""

import os
import secrets
from pathlib import Path

from sqlalchemy import select

from inspector.auth import services as auth
from inspector.auth.models import User
from inspector.cases.clock import ensure_default_calendar
from inspector.categories.services import load_taxonomy
from inspector.demo import city
from inspector.extensions import db
from inspector.units.models import Unit
from inspector.units.services import create_unit, find_unit
from inspector.zones.importer import ZoneFeature
from inspector.zones.rules import ensure_default_rules
from inspector.zones.services import ensure_layer, import_zones

# Departments every district has: (suffix, kind, name pattern).
DISTRICT_DEPARTMENTS = [
    ("GOV", "district_government", "{name}人民政府"),
    ("CG", "urban_management", "{name}城市管理局"),
    ("HW", "sanitation", "{name}环卫中心"),
    ("JJ", "traffic_police", "{short}交警大队"),
    ("SJ", "market_regulation", "{name}市场监督管理局"),
    ("ZJ", "housing_construction", "{name}住房和城乡建设局"),
    ("AW", "patriotic_health", "{name}爱国卫生运动委员会办公室"),
]

CITY_UNITS = [
    ("ZZ-ZHZX", "command_centre", "郑州市城市管理指挥中心", "City command centre"),
    ("ZZ-WMB", "civilisation_office", "郑州市文明办", "City civilisation office"),
    ("ZZ-RAIL", "railway", "郑州车务段", "Zhengzhou railway section"),
    ("ZZ-SW", "water_affairs", "郑州市水务局", "City water affairs"),
    ("ZZ-LD", "street_lighting", "郑州市路灯管理所", "City street-light office"),
    ("ZZ-SZ", "municipal_engineering", "郑州市市政工程管理处", "City municipal engineering"),
    ("ZZ-YL", "landscaping", "郑州市园林局", "City landscaping"),
    ("ZZ-HB", "ecology_environment", "郑州市生态环境局", "City ecology and environment"),
]

LAYERS = [
    # code, name_zh, name_en, precedence, owner_role
    ("district", "区县", "Districts and counties", 0, "district_government"),
    ("street", "街道", "Street offices", 5, "street_office"),
    ("devzone", "开发区", "Development zones", 20, "development_zone"),
    ("railway", "铁路沿线", "Railway corridors", 30, None),
    ("market", "农贸市场", "Wet markets", 30, None),
]

DEMO_USERS = [
    # username, role, unit code, display name
    ("admin", "admin", None, "系统管理员"),
    ("supervisor", "supervisor", "ZZ-ZHZX", "督查员"),
    ("inspector", "inspector", None, "巡查员 张"),
    ("inspector2", "inspector", None, "巡查员 李"),
    ("jinshui", "staff", "410105-GOV", "金水区处置员"),
    ("jinshui-jj", "staff", "410105-JJ", "金水交警"),
    ("jingbalu", "staff", "410105001", "经八路街道处置员"),
    ("erqi", "staff", "410103-GOV", "二七区处置员"),
    ("zhengdong", "staff", "ZDXQ-GOV", "郑东新区处置员"),
    ("railway", "staff", "ZZ-RAIL", "车务段处置员"),
]


def load_demo(instance_path: Path) -> list[tuple[str, str, str]]:
    """Load everything; returns (username, role, password) of accounts created this time."""
    load_taxonomy()
    ensure_default_calendar()
    _load_units()
    _load_zones()
    ensure_default_rules()
    created = _load_users()
    db.session.flush()
    if created:
        _remember_passwords(instance_path, created)
    return created


def _ensure_unit(code, kind, name_zh, name_en=None, parent=None, district=None) -> Unit:
    return find_unit(code) or create_unit(code, name_zh, kind, parent, district, name_en)


def _load_units() -> None:
    for code, kind, name_zh, name_en in CITY_UNITS:
        _ensure_unit(code, kind, name_zh, name_en)
    for adcode, name_zh, name_en, *_ in city.DISTRICTS:
        short = name_zh.removesuffix("回族区").rstrip("区县市")
        for suffix, kind, pattern in DISTRICT_DEPARTMENTS:
            parent = f"{adcode}-GOV" if suffix != "GOV" else None
            name = pattern.format(name=name_zh, short=short)
            _ensure_unit(f"{adcode}-{suffix}", kind, name, f"{name_en} {kind}", parent, adcode)
    for code, name_zh, name_en, _ in city.JINSHUI_STREETS:
        _ensure_unit(code, "street_office", name_zh + "办事处", name_en, "410105-GOV", "410105")
    zone_code, zone_name, zone_name_en, _ = city.DEVELOPMENT_ZONE
    _ensure_unit(
        f"{zone_code}-GOV",
        "development_zone",
        zone_name + "管委会",
        zone_name_en,
        district=zone_code,
    )
    _ensure_unit(
        f"{zone_code}-JJ", "traffic_police", zone_name + "交警大队", None, f"{zone_code}-GOV"
    )
    _ensure_unit(
        f"{zone_code}-CG", "urban_management", zone_name + "城市管理局", None, f"{zone_code}-GOV"
    )
    # Units whose code equals a zone's code own that zone.
    _ensure_unit("ZZ-MKT-001", "market_regulation", "大学路农贸市场监管所", None, "410103-SJ")


def _load_zones() -> None:
    """Each demo layer is imported once, through the same path as real boundary files."""
    layers = {spec[0]: ensure_layer(spec[0], spec[3], spec[4], spec[1], spec[2]) for spec in LAYERS}
    for code, features in _demo_features().items():
        if layers[code].current_version == 0:
            import_zones(layers[code], features, "wgs84")


def _demo_features() -> dict[str, list[ZoneFeature]]:
    cells = city.district_cells()
    streets = city.street_cells(cells["410105"])
    zone_code, zone_name, _, zone_box = city.DEVELOPMENT_ZONE
    market_code, market_name, _, market_box = city.WET_MARKET
    return {
        "district": [
            ZoneFeature(adcode, name, cells[adcode]) for adcode, name, *_ in city.DISTRICTS
        ],
        "street": [
            ZoneFeature(code, name, streets[code]) for code, name, *_ in city.JINSHUI_STREETS
        ],
        "devzone": [ZoneFeature(zone_code, zone_name, city.as_multipolygon(zone_box))],
        "railway": [ZoneFeature("ZZ-RAIL", "陇海铁路沿线", city.railway_corridor())],
        "market": [ZoneFeature(market_code, market_name, city.as_multipolygon(market_box))],
    }


def _load_users() -> list[tuple[str, str, str]]:
    created = []
    for username, role, unit_code, display_name in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        password = secrets.token_urlsafe(9)
        auth.create_user(username, role, password, unit_code, display_name)
        created.append((username, role, password))
    return created


def _remember_passwords(instance_path: Path, created: list[tuple[str, str, str]]) -> None:
    """Demo passwords are random per checkout and written to instance/ (0600), never the repo."""
    path = instance_path / "demo_accounts.txt"
    instance_path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as handle:
        for username, role, password in created:
            handle.write(f"{username}\t{role}\t{password}\n")
