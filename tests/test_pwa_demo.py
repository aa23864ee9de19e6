"""The PWA's "done when" scenarios with the demo city's own accounts (issue 6).

The live server runs on its own database with the demo city committed (zones, units, routing
rules), so reports made here are routed for real. The phone is a 360x740 Chromium page with the
device location set inside the demo city.
"""

import json
import re
import uuid

import pytest

from tests import test_pwa as shell
from tests.conftest import LiveApiUser, shared_file
from tests.test_pwa import log_in
from tests.test_pwa_a11y import serious_violations
from tests.test_pwa_capture import jpeg, new_report, outbox_items, photo_file, shared_photo

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

# Fixtures shared with the shell's tests.
built_pwa = shell.built_pwa
problems = shell.problems

# Points in the demo city (WGS-84) and where its routing rules send a report made there.
JINSHUI = {"longitude": 113.6700, "latitude": 34.7900, "accuracy": 15}  # -> 410105-GOV
ERQI = {"longitude": 113.6350, "latitude": 34.7250, "accuracy": 8}  # -> 410103-GOV
# No photo in ../shared/data/photos has GPS inside the demo city: this one was taken in Tuscany,
# so the report made from its EXIF GPS lies outside every zone and waits unrouted.
EXIF_PHOTO = "gps_nikon_p6000_DSCN0010.jpg"
EXIF_GPS = (11.885127, 43.467448)  # lon, lat (MANIFEST.tsv)
OFFLINE_NOTES = ("ERR_INTERNET_DISCONNECTED",)


def at(place: dict, east_m: float = 0, north_m: float = 0) -> dict:
    """A point some metres east and north of `place` (good enough for a few km)."""
    return {
        **place,
        "longitude": place["longitude"] + east_m / 91_500,  # metres per degree at 34.8 N
        "latitude": place["latitude"] + north_m / 111_000,
    }


def located(page, live_server, place: dict):
    page.context.grant_permissions(["geolocation"], origin=live_server)
    page.context.set_geolocation(place)
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def log_in_for_offline(page, live_server, username: str, password: str):
    """Log in and wait for what the phone keeps for offline use, and for the worker's control."""
    with page.expect_response("**/api/v1/categories"), page.expect_response("**/api/v1/zones?*"):
        log_in(page, live_server, username, password)
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def queued_client_ids(page) -> list[str]:
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('inspector');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const request = open.result.transaction('outbox').objectStore('outbox').getAll();
                request.onsuccess = () => {
                    open.result.close();
                    resolve(request.result.map(item => item.data.client_id));
                };
            };
        })"""
    )


def cases_in_db(live_app, reporter: str) -> dict[str, dict]:
    """The reporter's cases as the server stored them, by client_id."""
    from geoalchemy2.shape import to_shape
    from sqlalchemy import select

    from inspector.auth.models import User
    from inspector.cases.models import Case
    from inspector.extensions import db

    with live_app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == reporter))
        rows = db.session.scalars(select(Case).where(Case.reporter_id == user_id)).all()
        found = {}
        for case in rows:
            point = to_shape(case.location)
            found[str(case.client_id)] = {
                "state": case.state,
                "unit": case.unit.code if case.unit else None,
                "category": case.category_code,
                "lon": point.x,
                "lat": point.y,
                "source": case.location_source,
                "accuracy_m": case.accuracy_m,
                "photos": [(photo.kind, photo.exif_captured_at) for photo in case.photos],
            }
        db.session.remove()
        return found


def test_three_reports_captured_offline_survive_a_reload_and_arrive_once_routed(
    page, live_server, live_app, demo_accounts, problems
):
    phone = located(page, live_server, JINSHUI)
    before = cases_in_db(live_app, "inspector")
    log_in_for_offline(phone, live_server, "inspector", demo_accounts["inspector"])
    context = phone.context
    context.set_offline(True)

    # 1: in 金水区, device location; the map works offline (code from the worker's precache,
    # outlines from IndexedDB) and shows the position on a plain background.
    phone.get_by_role("link", name="新上报").click()
    expect(phone.locator(".map__canvas[data-ready] path.map-position")).to_have_count(1)
    expect(phone.locator(".map__canvas path.map-outline").first).to_be_attached()
    phone.get_by_role("link", name="‹ 返回").click()
    new_report(phone, [shared_photo("orient1_landscape.jpg")], "zdjy", "03-01")

    # 2: in 二七区, device location, a real phone photo (3264x2448).
    context.set_geolocation(ERQI)
    new_report(phone, [shared_photo("phone_jolla_no_gps.jpg")], "垃圾", "01-01")

    # 3: no device location: the photo's EXIF GPS is the place.
    context.clear_permissions()
    context.set_geolocation(None)
    phone.get_by_role("link", name="新上报").click()
    phone.locator("#capture-camera").set_input_files([shared_photo(EXIF_PHOTO)])
    expect(phone.locator(".place__status")).to_contain_text(
        "使用照片中的位置（43.46745, 11.88513）"
    )
    phone.get_by_label(re.compile("搜索类别")).fill("坑洼")
    phone.locator('.picker__item[data-code="06-02"]').click()
    phone.get_by_role("button", name="提交上报").click()
    expect(phone.get_by_role("status").filter(has_text="已保存到待发送")).to_be_visible()
    expect(outbox_items(phone)).to_have_count(3)
    client_ids = queued_client_ids(phone)

    phone.reload()
    expect(phone.get_by_role("heading", name="待发送（3）")).to_be_visible()
    expect(outbox_items(phone).filter(has_text="离线，联网后发送")).to_have_count(3)

    posts = []
    phone.on("request", lambda r: r.method == "POST" and "/reports" in r.url and posts.append(r))
    context.set_offline(False)
    expect(outbox_items(phone)).to_have_count(0, timeout=20000)
    expect(phone.get_by_role("heading", name="待发送（0）")).to_be_visible()
    assert len(posts) == 3

    after = cases_in_db(live_app, "inspector")
    new = {client_id: case for client_id, case in after.items() if client_id not in before}
    assert sorted(new) == sorted(client_ids)  # exactly these three, each once
    by_category = {case["category"]: case for case in new.values()}

    jinshui = by_category["03-01"]
    assert (jinshui["state"], jinshui["unit"]) == ("dispatched", "410105-GOV")
    assert (jinshui["source"], jinshui["accuracy_m"]) == ("device", JINSHUI["accuracy"])
    assert (jinshui["lon"], jinshui["lat"]) == pytest.approx(
        (JINSHUI["longitude"], JINSHUI["latitude"]), abs=1e-6
    )

    erqi = by_category["01-01"]
    assert (erqi["state"], erqi["unit"]) == ("dispatched", "410103-GOV")
    assert erqi["source"] == "device"
    assert (erqi["lon"], erqi["lat"]) == pytest.approx(
        (ERQI["longitude"], ERQI["latitude"]), abs=1e-6
    )
    # The upload is a shrunk copy without EXIF: the time came from photos_meta.
    [(kind, taken_at)] = erqi["photos"]
    assert kind == "report"
    assert taken_at is not None and taken_at.strftime("%Y-%m-%d") == "2014-09-21"

    exif = by_category["06-02"]
    assert (exif["state"], exif["unit"]) == ("unrouted", None)  # Tuscany: outside the city
    assert exif["source"] == "exif"
    assert (exif["lon"], exif["lat"]) == pytest.approx(EXIF_GPS, abs=1e-5)
    assert [p for p in problems if not any(note in p for note in OFFLINE_NOTES)] == []


# -- fix, then check ----------------------------------------------------------------------------


def report(inspector: LiveApiUser, place: dict, category: str = "01-01") -> dict:
    data = {
        "client_id": str(uuid.uuid4()),
        "category": category,
        "lon": place["longitude"],
        "lat": place["latitude"],
        "crs": "wgs84",
        "accuracy_m": 10,
        "location_source": "device",
        "captured_at": "2026-01-05T09:00:00+08:00",
        "severity": "normal",
    }
    photo = photo_file("site.jpg", jpeg(640, 480))
    return inspector.post("/api/v1/reports", multipart={"data": json.dumps(data), "photos": photo})[
        "case"
    ]


def fix_through_the_api(staff: LiveApiUser, case: dict) -> None:
    staff.post(f"/api/v1/cases/{case['id']}/accept", data={"client_id": str(uuid.uuid4())})
    data = {
        "client_id": str(uuid.uuid4()),
        "note": "已清理",
        "lon": case["location"]["lon"],
        "lat": case["location"]["lat"],
    }
    staff.post(
        f"/api/v1/cases/{case['id']}/rectify",
        multipart={"data": json.dumps(data), "photos": photo_file("after.jpg", jpeg(640, 480))},
    )


def test_staff_fix_a_case_and_the_inspector_checks_it_from_the_nearest_first_list(
    browser, page, live_server, demo_accounts, problems
):
    accounts = {
        name: LiveApiUser(browser, live_server, name, demo_accounts[name])
        for name in ("inspector", "jinshui")
    }
    try:
        near = report(accounts["inspector"], at(JINSHUI, east_m=20), "03-01")
        far = report(accounts["inspector"], at(JINSHUI, east_m=1200, north_m=-600))
        assert near["unit"]["code"] == far["unit"]["code"] == "410105-GOV"
        fix_through_the_api(accounts["jinshui"], far)

        # 金水区's staff accept and fix the near case on the phone, standing next to it.
        staff = located(page, live_server, JINSHUI)
        log_in(staff, live_server, "jinshui", demo_accounts["jinshui"])
        staff.get_by_role("link", name="待办案件").click()
        staff.locator(".case-row", has_text=near["number"]).click()
        expect(staff.locator(".map__canvas[data-ready] path.map-case")).to_have_count(1)
        with staff.expect_response(f"**/api/v1/cases/{near['id']}/accept") as answer:
            staff.get_by_role("button", name="签收").click()
        assert answer.value.ok
        staff.get_by_role("button", name="整改完成").click()
        staff.locator("#rectify-camera").set_input_files(photo_file("after.jpg", jpeg(1200, 900)))
        expect(staff.locator(".panel .photos__img")).to_have_count(1)
        expect(staff.locator(".place__distance")).to_have_text("您距案件约 20 米。")
        staff.get_by_label("整改说明").fill("已清理，恢复通行")
        with staff.expect_response(f"**/api/v1/cases/{near['id']}/rectify") as answer:
            staff.get_by_role("button", name="提交").click()
        assert answer.value.ok, answer.value.text()
        expect(staff.locator(".case .chip--state")).to_have_text("待核查")

        # The inspector's list: both fixed cases, the nearest first, on a map too.
        check = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        try:
            phone = located(check.new_page(), live_server, JINSHUI)
            phone.on("console", lambda m: m.type == "error" and problems.append(m.text))
            log_in(phone, live_server, "inspector", demo_accounts["inspector"])
            with phone.expect_response(re.compile(r"/api/v1/cases\?.*near=")) as listed:
                phone.get_by_role("link", name="待核查").click()
            assert "state=rectified" in listed.value.url
            rows = phone.locator(".case-row")
            expect(rows).to_have_count(2)
            expect(rows.nth(0)).to_contain_text(near["number"])
            expect(rows.nth(0)).to_contain_text("距您约 20 米")
            expect(rows.nth(1)).to_contain_text(far["number"])
            expect(rows.nth(1)).to_contain_text("距您约 1.3 公里")
            expect(phone.locator(".map__canvas[data-ready] path.map-case")).to_have_count(2)
            assert serious_violations(phone) == []

            rows.nth(0).click()
            expect(phone.get_by_role("img", name=re.compile("整改后"))).to_be_visible()
            phone.get_by_role("button", name="核查").click()
            phone.get_by_label("通过（结案）").check()
            phone.locator("#verify-camera").set_input_files(photo_file("check.jpg", jpeg(800, 600)))
            expect(phone.locator(".panel .photos__img")).to_have_count(1)
            phone.get_by_label(re.compile("核查说明")).fill("现场已恢复")
            expect(phone.locator(".map__canvas[data-ready] path.map-position")).to_have_count(1)
            assert serious_violations(phone) == []
            with phone.expect_response(f"**/api/v1/cases/{near['id']}/verify") as answer:
                phone.get_by_role("button", name="提交").click()
            assert answer.value.ok, answer.value.text()
            expect(phone.locator(".case .chip--state")).to_have_text("已结案")

            # Back to the list: the far one fails the check and goes back to the unit.
            phone.get_by_role("link", name="‹ 返回").click()
            expect(rows).to_have_count(1)
            rows.first.click()
            phone.get_by_role("button", name="核查").click()
            phone.get_by_label("不通过（返工）").check()
            phone.get_by_role("button", name="提交").click()
            expect(phone.get_by_role("alert")).to_have_text("不通过时请说明还有什么问题。")
            phone.get_by_label(re.compile("核查说明")).fill("路面仍有垃圾")
            phone.get_by_role("button", name="提交").click()
            expect(phone.locator(".case .chip--state")).to_have_text("处置中")
        finally:
            check.close()

        record = accounts["inspector"].get(f"/api/v1/cases/{near['id']}")["case"]
        assert record["state"] == "closed"
        assert [p["kind"] for p in record["photos"]] == ["report", "rectification", "verification"]
        assert accounts["inspector"].get(f"/api/v1/cases/{far['id']}")["case"]["state"] == (
            "in_progress"
        )
        assert shell.unexpected(problems) == []
    finally:
        for account in accounts.values():
            account.context.close()


def test_the_shared_photos_have_no_gps_inside_the_demo_city():
    """Why the EXIF-located report above is unrouted: there is no such photo to use."""
    import csv

    with shared_file("photos", "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        rows = list(csv.DictReader(manifest, delimiter="\t"))
    inside = [
        row["file"]
        for row in rows
        if re.fullmatch(r"-?\d+\.\d+", row["gps_lat_pillow"] or "")
        and 112.70 <= float(row["gps_lon_pillow"]) <= 114.30
        and 34.20 <= float(row["gps_lat_pillow"]) <= 35.00
    ]
    assert inside == []
