"""Unit staff on the phone: the inbox, accept, dispute, request an extension, rectify.

Cases are made through the live server's API (an inspector reports, a supervisor assigns the
case to the staff user's unit), then the staff user works in a real headless Chromium.
"""

import json
import re
import uuid

import pytest

from tests import test_pwa as shell
from tests.conftest import LiveApiUser
from tests.test_pwa import log_in
from tests.test_pwa_capture import HERE, jpeg, outbox_items, photo_file

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

# Fixtures shared with the shell's tests.
built_pwa = shell.built_pwa
problems = shell.problems


@pytest.fixture(scope="module")
def unit_code(live_app) -> str:
    from inspector.extensions import db
    from inspector.units.services import create_unit

    with live_app.app_context():
        unit = create_unit(f"LIVE-{uuid.uuid4().hex[:8]}", "二七区城市管理局", "urban_management")
        db.session.commit()
        return unit.code


@pytest.fixture
def dispatched_case(browser, live_server, committed_user, unit_code):
    """A case reported at HERE and assigned to unit_code: its id and number."""
    reporter = committed_user("inspector")[0]
    inspector = LiveApiUser(browser, live_server, reporter)
    supervisor = LiveApiUser(browser, live_server, committed_user("supervisor")[0])
    data = {
        "client_id": str(uuid.uuid4()),
        "category": "03-01",
        "lon": HERE["longitude"],
        "lat": HERE["latitude"],
        "crs": "wgs84",
        "accuracy_m": 10,
        "location_source": "device",
        "captured_at": "2026-01-05T09:00:00+08:00",
        "severity": "normal",
    }
    photo = {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg(800, 600)}
    case = inspector.post("/api/v1/reports", multipart={"data": json.dumps(data), "photos": photo})
    case = case["case"]
    supervisor.post(
        f"/api/v1/cases/{case['id']}/assign",
        data={"unit": unit_code, "client_id": str(uuid.uuid4())},
    )
    case["reporter"] = reporter
    yield case, supervisor
    inspector.context.close()
    supervisor.context.close()


@pytest.fixture
def staff_phone(page, live_server, committed_user, unit_code):
    page.context.grant_permissions(["geolocation"], origin=live_server)
    page.context.set_geolocation(HERE)
    log_in(page, live_server, committed_user("staff", unit_code)[0])
    return page


def open_from_inbox(page, number):
    page.get_by_role("link", name="待办案件").click()
    row = page.locator(".case-row", has_text=number)
    expect(row).to_be_visible()
    row.click()
    expect(page.get_by_role("heading", name=f"案件 {number}")).to_be_visible()


def state_of(supervisor, case) -> str:
    return supervisor.get(f"/api/v1/cases/{case['id']}")["case"]["state"]


def test_staff_accept_and_rectify_with_an_after_photo_then_the_inspector_closes_it(
    staff_phone, dispatched_case, browser, live_server, problems
):
    page = staff_phone
    case, supervisor = dispatched_case
    page.get_by_role("link", name="待办案件").click()
    row = page.locator(".case-row", has_text=case["number"])
    expect(row).to_contain_text("待签收")
    expect(row.locator(".light")).to_have_text(re.compile("正常|临期|超期"))
    row.click()

    with page.expect_response(f"**/api/v1/cases/{case['id']}/accept") as answer:
        page.get_by_role("button", name="签收").click()
    assert answer.value.ok
    expect(page.locator(".case .chip--state")).to_have_text("处置中")
    assert state_of(supervisor, case) == "in_progress"

    page.get_by_role("button", name="整改完成").click()
    page.locator("#rectify-camera").set_input_files(photo_file("after.jpg", jpeg(1200, 900)))
    expect(page.locator(".panel .photos__img")).to_have_count(1)
    expect(page.locator(".panel .place__status")).to_contain_text("±12 米")
    page.get_by_label("整改说明").fill("已清理，恢复通行")
    with page.expect_response(f"**/api/v1/cases/{case['id']}/rectify") as answer:
        page.get_by_role("button", name="提交").click()
    assert answer.value.ok, answer.value.text()
    expect(page.locator(".case .chip--state")).to_have_text("待核查")
    record = supervisor.get(f"/api/v1/cases/{case['id']}")["case"]
    assert record["state"] == "rectified"
    assert [p["kind"] for p in record["photos"]] == ["report", "rectification"]
    assert shell.unexpected(problems) == []

    inspector = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    try:
        check = inspector.new_page()
        log_in(check, live_server, case["reporter"])
        check.get_by_role("link", name="我的上报").click()
        check.locator(".case-row", has_text=case["number"]).click()
        expect(check.get_by_role("img", name=re.compile("整改后"))).to_be_visible()
        check.get_by_role("button", name="核查").click()
        check.get_by_label("通过（结案）").check()
        check.get_by_role("button", name="提交").click()
        expect(check.locator(".case .chip--state")).to_have_text("已结案")
    finally:
        inspector.close()
    assert state_of(supervisor, case) == "closed"


def test_staff_actions_taken_offline_are_sent_in_order_when_back_online(
    staff_phone, dispatched_case
):
    page = staff_phone
    case, supervisor = dispatched_case
    open_from_inbox(page, case["number"])
    page.context.set_offline(True)
    page.get_by_role("button", name="签收").click()
    expect(outbox_items(page)).to_have_count(1)
    expect(page.get_by_text("已保存到待发送")).to_be_visible()
    page.get_by_role("link", name="‹ 返回").click()
    page.get_by_role("link", name="‹ 返回").click()
    expect(outbox_items(page).filter(has_text="离线，联网后发送")).to_have_count(1)
    assert state_of(supervisor, case) == "dispatched"

    page.context.set_offline(False)
    expect(outbox_items(page)).to_have_count(0, timeout=15000)
    assert state_of(supervisor, case) == "in_progress"


def test_staff_request_an_extension_with_a_new_deadline_and_a_reason(staff_phone, dispatched_case):
    page = staff_phone
    case, supervisor = dispatched_case
    open_from_inbox(page, case["number"])
    page.get_by_role("button", name="签收").click()
    expect(page.locator(".case .chip--state")).to_have_text("处置中")
    page.get_by_role("button", name="申请延期").click()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert")).to_have_text("请选择一个晚于现在的新期限。")
    page.get_by_label("申请的新期限").fill("2030-06-01T18:00")
    page.get_by_label("理由").fill("需要协调产权单位")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".case .chip--state")).to_have_text("申请延期")
    assert state_of(supervisor, case) == "extension_requested"


def test_staff_dispute_a_case_that_is_none_of_their_units(staff_phone, dispatched_case):
    page = staff_phone
    case, supervisor = dispatched_case
    open_from_inbox(page, case["number"])
    page.get_by_role("button", name="申请回退").click()
    page.get_by_label("应由哪个单位处置").select_option("none")
    page.get_by_label("理由").fill("该路段属铁路部门管理")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".case .chip--state")).to_have_text("申请回退")
    record = supervisor.get(f"/api/v1/cases/{case['id']}")["case"]
    assert record["state"] == "disputed"
    assert record["timeline"][-1]["note"] == "该路段属铁路部门管理"
