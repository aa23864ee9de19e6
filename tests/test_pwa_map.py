"""The map (Leaflet, loaded on first use) on the capture and case screens, with and without tiles.

Without a tile server (the default) the map draws the user's position, cases and zone outlines on
a plain background; with one configured the tiles load under the CSP, and when they cannot load
the vectors are still there. A CSP violation would show up as a console error.
"""

import json
import re
import uuid

import pytest

from tests import test_pwa as shell
from tests.test_pwa_capture import jpeg, log_in_ready, my_cases, photo_file
from tests.test_pwa_demo import JINSHUI, located

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

# Fixtures shared with the shell's tests.
built_pwa = shell.built_pwa
problems = shell.problems

TILES = "https://tiles.example.test"  # never reached: the test answers for it


def map_ready(page):
    """The map's canvas once Leaflet has drawn into it."""
    canvas = page.locator(".map__canvas[data-ready]")
    expect(canvas).to_be_visible()
    return canvas


def watch_csp(page):
    """Record every CSP violation the page reports (besides the console error Chromium logs)."""
    page.add_init_script(
        """window.__csp = [];
        document.addEventListener('securitypolicyviolation',
            (event) => window.__csp.push(`${event.violatedDirective} ${event.blockedURI}`));"""
    )
    return lambda: page.evaluate("window.__csp")


def png_tile() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 200)).save(out, "PNG")
    return out.getvalue()


def test_the_capture_map_shows_the_position_and_a_pin_set_by_hand_makes_the_place_manual(
    page, live_server, committed_user, problems
):
    phone = located(page, live_server, JINSHUI)
    violations = watch_csp(phone)
    log_in_ready(phone, live_server, committed_user("inspector")[0])
    phone.get_by_role("link", name="新上报").click()
    canvas = map_ready(phone)
    expect(canvas.locator("path.map-position")).to_have_count(1)
    expect(canvas.locator("path.map-position-accuracy")).to_have_count(1)
    expect(canvas).to_have_class(re.compile("map--plain"))  # no tile server configured
    expect(canvas.locator("img.leaflet-tile")).to_have_count(0)
    expect(phone.locator(".map__note")).to_have_text("未加载底图：地图显示位置、案件和辖区边界。")
    expect(phone.locator(".place__status")).to_contain_text("已定位，精度 ±15 米")
    pin = canvas.get_by_role("button", name=re.compile("问题位置"))
    expect(pin).to_be_visible()

    # Drag the pin up and to the right.
    box = pin.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    phone.mouse.move(x, y)
    phone.mouse.down()
    for step in range(1, 11):
        phone.mouse.move(x + 6 * step, y - 4 * step)
    phone.mouse.up()
    expect(phone.locator(".place__status")).to_contain_text("手动选定的位置")
    lon = float(phone.get_by_label("经度").input_value())
    lat = float(phone.get_by_label("纬度").input_value())
    assert lon > JINSHUI["longitude"] and lat > JINSHUI["latitude"]  # right and up
    assert abs(lon - JINSHUI["longitude"]) < 0.002 and abs(lat - JINSHUI["latitude"]) < 0.002

    # Typed coordinates move the pin (about 33 m further north: up on the map).
    pin_y = """() => document.querySelector('.map-pin').getBoundingClientRect().y
        - document.querySelector('.map__canvas').getBoundingClientRect().y"""
    before = phone.evaluate(pin_y)
    phone.get_by_label("纬度").fill(f"{lat + 0.0003:.6f}")
    phone.wait_for_function(f"({pin_y})() < {before - 20}")

    # A tap on the map puts the pin there.
    canvas.click(position={"x": 40, "y": 150})  # left and low, away from the controls
    lon = float(phone.get_by_label("经度").input_value())
    lat = float(phone.get_by_label("纬度").input_value())
    assert lon < JINSHUI["longitude"]
    tip = pin.bounding_box()
    assert abs(tip["x"] + tip["width"] / 2 - (canvas.bounding_box()["x"] + 40)) < 3

    # In English the map is drawn again in English; the place set by hand stays.
    phone.get_by_role("button", name="English").click()
    canvas = map_ready(phone)
    expect(canvas).to_have_attribute("aria-label", "Map: where the problem is")
    expect(canvas.get_by_role("button", name="Zoom in")).to_be_visible()
    expect(canvas.get_by_role("button", name=re.compile("drag the pin"))).to_be_visible()
    expect(phone.get_by_label("Latitude")).to_have_value(f"{lat:.6f}")

    phone.locator("#capture-camera").set_input_files(photo_file("a.jpg", jpeg(800, 600)))
    phone.get_by_label(re.compile("Search categories")).fill("zdjy")
    phone.locator('.picker__item[data-code="03-01"]').click()
    # The place types come from the server's client-config (no copy in the app).
    contexts = phone.request.get(live_server + "/api/v1/client-config").json()["contexts"]
    expect(phone.locator("#capture-context option")).to_have_count(len(contexts) + 1)
    phone.get_by_label("Place type (optional)").select_option("back_alley")
    with phone.expect_response("**/api/v1/reports") as answer:
        phone.get_by_role("button", name="Submit report").click()
    assert answer.value.status == 201
    [case] = my_cases(phone, live_server)
    assert case["context"] == "back_alley"
    assert case["location"]["source"] == "manual"
    assert (case["location"]["lon"], case["location"]["lat"]) == pytest.approx((lon, lat), abs=1e-6)
    assert violations() == []
    assert problems == []


def test_the_case_map_shows_the_case_its_accuracy_and_the_zone_outlines_without_tiles(
    page, live_server, committed_user, browser, problems
):
    username = committed_user("inspector")[0]
    phone = located(page, live_server, JINSHUI)
    violations = watch_csp(phone)
    log_in_ready(phone, live_server, username)
    data = {
        "client_id": str(uuid.uuid4()),
        "category": "01-01",
        "lon": JINSHUI["longitude"],
        "lat": JINSHUI["latitude"],
        "crs": "wgs84",
        "accuracy_m": 30,
        "location_source": "device",
        "captured_at": "2026-01-05T09:00:00+08:00",
        "severity": "normal",
    }
    token = phone.request.get(live_server + "/api/v1/auth/session").json()["csrf_token"]
    created = phone.request.post(
        live_server + "/api/v1/reports",
        headers={"X-CSRFToken": token},
        multipart={"data": json.dumps(data), "photos": photo_file("a.jpg", jpeg(640, 480))},
    )
    assert created.ok, created.text()
    zones = phone.request.get(live_server + "/api/v1/zones?layer=district").json()["features"]

    phone.get_by_role("link", name="我的上报").click()
    phone.locator(".case-row").first.click()
    canvas = map_ready(phone)
    expect(canvas).to_have_attribute("aria-label", re.compile("地图：案件 \\d+ 的位置"))
    expect(canvas.locator("path.map-case")).to_have_count(1)
    expect(canvas.locator("path.map-case-accuracy")).to_have_count(1)
    expect(canvas.locator("path.map-outline")).to_have_count(len(zones))
    expect(canvas.locator(".map-label").filter(has_text="金水区")).to_have_count(1)
    expect(canvas.locator("img.leaflet-tile")).to_have_count(0)
    expect(canvas.locator(".leaflet-control-attribution")).to_have_count(0)
    assert violations() == []
    assert problems == []


def test_configured_tiles_load_under_the_csp_and_the_map_still_works_when_they_cannot(
    page, live_server, live_app, committed_user, problems
):
    config = live_app.config
    saved = config["MAP_TILE_URL"], config["MAP_TILE_ATTRIBUTION"]
    config["MAP_TILE_URL"] = TILES + "/{z}/{x}/{y}.png"
    config["MAP_TILE_ATTRIBUTION"] = "© 测试底图"
    tiles = {"served": 0, "refused": 0, "down": False}
    tile = png_tile()

    def answer(route):
        if tiles["down"]:
            tiles["refused"] += 1
            route.abort("internetdisconnected")
        else:
            tiles["served"] += 1
            route.fulfill(status=200, content_type="image/png", body=tile)

    try:
        phone = located(page, live_server, JINSHUI)
        violations = watch_csp(phone)
        phone.context.route(TILES + "/**", answer)
        response = phone.goto(live_server + "/")
        assert f"img-src 'self' data: blob: {TILES}" in response.headers["content-security-policy"]
        log_in_ready(phone, live_server, committed_user("inspector")[0])
        phone.get_by_role("link", name="新上报").click()
        canvas = map_ready(phone)
        expect(canvas.locator("img.leaflet-tile-loaded").first).to_be_visible()
        expect(canvas.locator(".leaflet-control-attribution")).to_contain_text("© 测试底图")
        expect(phone.locator(".map__note")).to_have_count(0)
        assert tiles["served"] > 0
        assert violations() == []
        assert problems == []

        tiles["down"] = True  # the tile server goes away: new tiles fail
        canvas.get_by_role("button", name="缩小").click()
        for _ in range(50):
            if tiles["refused"]:
                break
            phone.wait_for_timeout(100)
        assert tiles["refused"] > 0
        expect(canvas.locator("path.map-position")).to_have_count(1)
        expect(canvas.locator(".map-pin")).to_be_visible()
        assert [p for p in problems if "ERR_INTERNET_DISCONNECTED" not in p] == []
    finally:
        config["MAP_TILE_URL"], config["MAP_TILE_ATTRIBUTION"] = saved
