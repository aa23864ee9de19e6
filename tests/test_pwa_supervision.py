"""The supervisor screens of the PWA (issue 7) in a desktop-sized headless Chromium.

The demo supervisor filters the problem map, opens a case in the side panel, decides an unrouted
case and a dispute from the arbitration desk, and downloads the filtered cases as XLSX. The cases
are made through the API first (as the demo inspector and the demo Jinshui staff), on the live
server's own database with the demo city committed, so they are routed for real.
"""

import io
import re
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from tests import test_pwa as shell
from tests.conftest import ApiClient
from tests.test_pwa import log_in
from tests.test_pwa_a11y import serious_violations
from tests.test_reports import post_report, report_data

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

built_pwa = shell.built_pwa

JINSHUI = (113.6700, 34.7900)  # routed to 410105-GOV by the demo city's rules
OUTSIDE = (116.4, 39.9)  # Beijing: outside every zone, so the case waits unrouted
RARE_CATEGORY = "04-02"  # no other browser test reports it: the filter leaves only ours


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def problems(page):
    found: list[str] = []
    page.on("console", lambda message: message.type == "error" and found.append(message.text))
    page.on("pageerror", lambda error: found.append(f"uncaught: {error}"))
    return found


def api_as(live_app, demo_accounts, username: str) -> ApiClient:
    api = ApiClient(live_app.test_client())
    assert api.login(username, demo_accounts[username]).status_code == 200
    return api


def report(api: ApiClient, lon: float, lat: float, category: str) -> dict:
    data = report_data(
        client_id=str(uuid.uuid4()), lon=lon, lat=lat, category=category, description="督查测试"
    )
    response = post_report(api, data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["case"]


@pytest.fixture
def supervised_cases(live_app, demo_accounts):
    inspector = api_as(live_app, demo_accounts, "inspector")
    jinshui = api_as(live_app, demo_accounts, "jinshui")
    mapped = report(inspector, *JINSHUI, RARE_CATEGORY)
    disputed = report(inspector, JINSHUI[0] + 0.002, JINSHUI[1], "01-01")
    unrouted = report(inspector, *OUTSIDE, "01-01")
    assert mapped["state"] == disputed["state"] == "dispatched"
    assert unrouted["state"] == "unrouted"
    answer = jinshui.post(
        f"/api/v1/cases/{disputed['id']}/dispute",
        json={"client_id": str(uuid.uuid4()), "unit": "410103-GOV", "reason": "属二七区管辖"},
    )
    assert answer.status_code == 200, answer.get_json()
    supervisor = api_as(live_app, demo_accounts, "supervisor")
    return {"mapped": mapped, "disputed": disputed, "unrouted": unrouted, "api": supervisor}


def case_state(api: ApiClient, case: dict) -> dict:
    return api.get(f"/api/v1/cases/{case['id']}").get_json()["case"]


def test_a_supervisor_filters_the_map_decides_from_the_desk_and_exports_xlsx(
    page, live_server, demo_accounts, supervised_cases, problems
):
    import openpyxl

    mapped, disputed, unrouted = (
        supervised_cases["mapped"], supervised_cases["disputed"], supervised_cases["unrouted"]
    )
    log_in(page, live_server, "supervisor", demo_accounts["supervisor"])
    nav = page.get_by_role("navigation", name="督查")
    for name in ("问题地图", "仲裁台", "指标", "红黑榜"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()

    # The map: filter by the rare category and today's reports, drill into the one cluster.
    nav.get_by_role("link", name="问题地图").click()
    canvas = page.locator(".sv-map__canvas[data-ready]")
    expect(canvas).to_be_visible()
    today = datetime.now().date().isoformat()
    with page.expect_response(re.compile(r"/api/v1/supervision/map\?.*category=04-02")):
        page.get_by_label("问题类别").select_option(RARE_CATEGORY)
    page.get_by_label("上报日期自").fill(today)
    expect(page.locator(".sv-map__status")).to_have_text(re.compile(r"本视图：1 件"))
    for _ in range(4):  # each click shows the whole grid cell, closer, until single cases
        expect(page.locator("path.sv-cluster")).to_have_count(1)
        zoom = int(canvas.get_attribute("data-zoom"))
        page.locator("path.sv-cluster").click()
        expect(canvas).not_to_have_attribute("data-zoom", str(zoom))
        expect(page.locator(".sv-map__status")).to_have_text(re.compile(r"本视图：1 件"))
        if int(canvas.get_attribute("data-zoom")) >= 15:
            break
    case_button = page.get_by_role("button", name=re.compile(mapped["number"]))
    expect(case_button).to_have_count(1)
    assert serious_violations(page) == []

    # A click opens the case beside the map, with its photo and its timeline.
    case_button.click()
    panel = page.locator(".sv-panel")
    expect(panel.get_by_role("heading", name=mapped["number"])).to_be_visible()
    expect(panel.locator(".sv-photos__img")).to_have_count(1)
    expect(panel.locator(".sv-timeline li").first).to_be_visible()
    expect(panel.locator(".sv-panel__state")).to_have_text("待签收")

    # Export the filtered view: the XLSX has exactly the filtered case.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [mapped["number"]]
    assert "number" in rows[0]

    # The desk: assign the unrouted case to a unit in one click, uphold the dispute in one.
    page.get_by_role("link", name="仲裁台").click()
    unrouted_row = page.locator(f".sv-desk__item[data-case='{unrouted['id']}']")
    disputed_row = page.locator(f".sv-desk__item[data-case='{disputed['id']}']")
    expect(unrouted_row).to_be_visible()
    expect(disputed_row).to_contain_text("属二七区管辖")
    assert serious_violations(page) == []

    other = unrouted_row.get_by_label("其他单位")
    other.select_option("410105-GOV")
    unrouted_row.get_by_role("button", name="派遣", exact=True).click()
    expect(page.locator(".notice-ok")).to_have_text(f"{unrouted['number']} 已处理。")
    expect(unrouted_row).to_have_count(0)

    disputed_row.get_by_role("button", name=re.compile("^支持")).click()
    expect(page.locator(".notice-ok")).to_have_text(f"{disputed['number']} 已处理。")
    expect(disputed_row).to_have_count(0)

    api = supervised_cases["api"]
    assigned = case_state(api, unrouted)
    assert (assigned["state"], assigned["unit"]["code"]) == ("dispatched", "410105-GOV")
    upheld = case_state(api, disputed)
    assert (upheld["state"], upheld["unit"]["code"]) == ("dispatched", "410103-GOV")
    assert shell.unexpected(problems) == []


def test_kpis_and_the_ranking_show_tables_a_chart_and_an_explanation(
    page, live_server, demo_accounts, supervised_cases, problems
):
    log_in(page, live_server, "supervisor", demo_accounts["supervisor"])
    page.get_by_role("link", name="指标").click()
    table = page.locator(".sv-table")
    expect(table.get_by_role("columnheader", name="按期结案率")).to_be_visible()
    expect(page.locator(".sv-chart[data-ready] canvas")).to_have_count(1)
    page.get_by_label("分组").select_option("category")
    page.get_by_role("button", name="查询").click()
    expect(table.get_by_role("rowheader", name=re.compile(RARE_CATEGORY))).to_be_visible()

    page.get_by_role("link", name="红黑榜").click()
    ranking = page.locator(".sv-ranking")
    expect(ranking.locator("tbody tr").first).to_be_visible()
    ranking.locator("tbody tr").first.get_by_role("button").click()
    expect(page.locator(".sv-explain h2")).to_contain_text("扣分明细")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Red/black list")).to_be_visible()
    assert shell.unexpected(problems) == []
