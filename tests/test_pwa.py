"""The PWA in a real headless Chromium against the live app: login, language, logout, install.

The app under test is the built bundle in pwa/dist (`make test` builds it first), served by Flask
with its strict Content-Security-Policy, so an inline script or style would show up here as a
console error.
"""

import re
import struct
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.conftest import ROOT, TEST_PASSWORD

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

DIST = ROOT / "pwa" / "dist"


@pytest.fixture(autouse=True)
def built_pwa() -> Path:
    if not (DIST / "index.html").exists():
        pytest.fail(
            "pwa/dist/index.html is missing: build the PWA first with "
            "`npm --prefix pwa ci && npm --prefix pwa run build` (`make test` does it)"
        )
    return DIST


@pytest.fixture
def problems(page):
    """Console errors (CSP violations among them) and uncaught exceptions seen by the page."""
    found: list[str] = []
    page.on("console", lambda message: message.type == "error" and found.append(message.text))
    page.on("pageerror", lambda error: found.append(f"uncaught: {error}"))
    return found


def unexpected(problems: list[str], *allowed_statuses: int) -> list[str]:
    """The problems left once Chromium's notes about expected error statuses are removed."""
    expected = [f"status of {status}" for status in allowed_statuses]
    return [p for p in problems if not any(note in p for note in expected)]


@pytest.fixture
def named_user(live_app):
    """A committed user with a display name ("live-" like conftest's committed users)."""
    from inspector.auth.services import create_user
    from inspector.extensions import db

    def factory(role: str, display_name: str) -> str:
        with live_app.app_context():
            user = create_user(
                f"live-{role}-{uuid.uuid4().hex[:8]}",
                role,
                TEST_PASSWORD,
                None,
                display_name=display_name,
            )
            db.session.commit()
            return user.username

    return factory


@pytest.fixture(scope="module")
def live_unit(live_app) -> tuple[str, str]:
    """A committed unit for staff users: (code, Chinese name)."""
    from inspector.extensions import db
    from inspector.units.services import create_unit

    with live_app.app_context():
        unit = create_unit(
            f"LIVE-{uuid.uuid4().hex[:8]}", "金水区城市管理局", "district_government"
        )
        db.session.commit()
        return unit.code, unit.name_zh


def open_app(page, live_server):
    """Open the app and wait until its service worker is installed.

    Installing downloads the precache; a test that ended during the download would close the
    browser on half-sent responses, which the threaded dev server reports as unclosed files.
    """
    response = page.goto(live_server + "/")
    expect(page.locator(".screen")).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return response


def fill_login(page, username, password):
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)


def log_in(page, live_server, username, password=TEST_PASSWORD):
    open_app(page, live_server)
    fill_login(page, username, password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".profile__role")).to_be_visible()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", data[16:24])


# -- the build -------------------------------------------------------------------------------


class _InlineCode(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{name}= on <{tag}>" for name in names if name == "style"]
        self.found += [f"{name}= on <{tag}>" for name in names if name.startswith("on")]


def test_the_built_page_has_no_inline_script_or_style_that_the_csp_would_block(built_pwa):
    parser = _InlineCode()
    parser.feed((built_pwa / "index.html").read_text(encoding="utf-8"))
    assert parser.found == []


# -- login -----------------------------------------------------------------------------------


def test_login_page_shows_chinese_by_default(page, live_server, problems):
    open_app(page, live_server)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="巡查督办")).to_be_visible()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_label("用户名", exact=True)).to_be_visible()
    expect(page.get_by_label("密码", exact=True)).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("记住我"))).to_be_checked()
    expect(page.get_by_role("button", name="中文")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert problems == []


def test_wrong_password_shows_the_servers_error_and_stays_on_login(
    page, live_server, committed_user, problems
):
    username, _ = committed_user("inspector")
    open_app(page, live_server)
    fill_login(page, username, "not the password")
    submit = page.get_by_role("button", name="登录", exact=True)
    with page.expect_response("**/api/v1/auth/login") as answer:
        disabled_while_sending = submit.evaluate(
            "button => { button.click(); return button.disabled; }"
        )
    assert disabled_while_sending
    assert answer.value.status == 401
    expect(page.get_by_role("alert")).to_have_text(answer.value.json()["error"]["message"])
    expect(submit).to_be_enabled()
    expect(page.get_by_label("用户名", exact=True)).to_have_value(username)
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    assert unexpected(problems, 401) == []


def test_too_many_wrong_passwords_show_the_throttling_message(page, live_server, committed_user):
    username, _ = committed_user("inspector")
    open_app(page, live_server)
    statuses = []
    for _attempt in range(6):
        fill_login(page, username, "not the password")
        with page.expect_response("**/api/v1/auth/login") as answer:
            page.get_by_role("button", name="登录", exact=True).click()
        statuses.append(answer.value.status)
        expect(page.get_by_role("button", name="登录", exact=True)).to_be_enabled()
    assert statuses == [401] * 5 + [429]
    expect(page.get_by_role("alert")).to_have_text(answer.value.json()["error"]["message"])


def test_an_empty_form_is_not_sent_and_says_what_is_missing(page, live_server):
    open_app(page, live_server)
    sent = []
    page.on("request", lambda request: "/auth/login" in request.url and sent.append(request))
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("请输入用户名和密码。")
    assert sent == []


# -- home ------------------------------------------------------------------------------------


def test_login_shows_the_home_screen_with_role_unit_and_the_staff_inbox(
    page, live_server, committed_user, live_unit
):
    unit_code, unit_name = live_unit
    username, password = committed_user("staff", unit_code)
    log_in(page, live_server, username, password)
    expect(page.get_by_role("heading", name=f"您好，{username}")).to_be_visible()
    expect(page.locator(".profile__role")).to_have_text("处置人员")
    expect(page.locator(".profile__unit")).to_have_text(unit_name)
    expect(page.get_by_role("link", name="待办案件")).to_be_visible()
    expect(page.get_by_role("link", name="新上报")).to_have_count(0)
    expect(page.get_by_role("heading", name="待发送（0）")).to_be_visible()


def test_an_inspector_sees_the_big_new_report_action_and_my_reports(
    page, live_server, committed_user
):
    username, password = committed_user("inspector")
    log_in(page, live_server, username, password)
    new_report = page.get_by_role("link", name="新上报")
    expect(new_report).to_be_visible()
    assert new_report.bounding_box()["height"] >= 90
    expect(page.get_by_role("link", name="我的上报")).to_be_visible()


@pytest.mark.parametrize(
    ("role", "shown"), [("inspector", "巡查员"), ("supervisor", "督查员"), ("admin", "管理员")]
)
def test_the_home_screen_names_each_role_in_chinese(page, live_server, committed_user, role, shown):
    username, password = committed_user(role)
    log_in(page, live_server, username, password)
    expect(page.locator(".profile__role")).to_have_text(shown)
    expect(page.locator(".profile__unit")).to_have_text("未分配单位")


def test_a_display_name_with_markup_is_shown_as_plain_text(page, live_server, named_user):
    name = '<img src=x onerror="document.title=1">王<b>五</b>'
    log_in(page, live_server, named_user("inspector", name))
    expect(page.get_by_role("heading", name=f"您好，{name}")).to_be_visible()
    expect(page.locator(".profile img, .profile b")).to_have_count(0)


def test_remember_me_keeps_a_lasting_login_cookie_only_when_checked(
    page, live_server, committed_user
):
    username, password = committed_user("inspector")
    log_in(page, live_server, username, password)
    assert "remember_token" in {cookie["name"] for cookie in page.context.cookies()}

    page.get_by_role("button", name="退出登录").click()
    fill_login(page, username, password)
    page.get_by_role("checkbox", name=re.compile("记住我")).uncheck()
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".profile__role")).to_be_visible()
    remember = [c for c in page.context.cookies() if c["name"] == "remember_token"]
    assert all(not c["value"] for c in remember)


# -- language --------------------------------------------------------------------------------


def test_the_language_toggle_switches_to_english_and_is_remembered_after_reload(
    page, live_server, committed_user
):
    username, password = committed_user("inspector")
    log_in(page, live_server, username, password)
    page.get_by_role("button", name="English").click()

    def shows_english():
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("link", name="New report")).to_be_visible()
        expect(page.locator(".profile__role")).to_have_text("Inspector")
        expect(page.get_by_role("heading", name="Outbox (0)")).to_be_visible()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()

    shows_english()
    expect(page.get_by_role("button", name="English")).to_be_focused()
    page.reload()
    shows_english()

    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("link", name="新上报")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_switching_language_on_the_login_screen_keeps_the_input_and_asks_for_english(
    page, live_server, committed_user
):
    username, _ = committed_user("inspector")
    open_app(page, live_server)
    fill_login(page, username, "not the password")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_label("User name", exact=True)).to_have_value(username)
    with page.expect_response("**/api/v1/auth/login") as answer:
        page.get_by_role("button", name="Log in", exact=True).click()
    assert answer.value.request.headers["x-language"] == "en"
    expect(page.get_by_role("alert")).to_have_text(answer.value.json()["error"]["message"])


# -- logout ----------------------------------------------------------------------------------


def test_logout_returns_to_login_and_stays_logged_out_after_reload(
    page, live_server, committed_user
):
    username, password = committed_user("inspector")
    log_in(page, live_server, username, password)
    with page.expect_response("**/api/v1/auth/logout") as answer:
        page.get_by_role("button", name="退出登录").click()
    assert answer.value.ok
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    assert page.request.get(live_server + "/api/v1/auth/session").json()["user"] is None


# -- installable and offline -----------------------------------------------------------------


def test_the_manifest_is_linked_and_valid_json_with_icons(page, live_server):
    open_app(page, live_server)
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    manifest_url = urljoin(live_server + "/", href)
    manifest = page.request.get(manifest_url).json()
    assert manifest["name"].startswith("巡查督办")
    assert "Inspector" in manifest["name"]
    assert manifest["lang"] == "zh-CN"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["theme_color"])
    icons = {(icon["sizes"], icon.get("purpose", "any")): icon for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= set(icons)
    for (sizes, _purpose), icon in icons.items():
        response = page.request.get(urljoin(manifest_url, icon["src"]))
        assert response.ok, icon["src"]
        assert response.headers["content-type"] == "image/png"
        assert "x".join(map(str, png_size(response.body()))) == sizes


def test_the_service_worker_controls_the_page_after_reload_and_serves_the_shell_offline(
    page, live_server
):
    open_app(page, live_server)
    state = page.evaluate("navigator.serviceWorker.ready.then(r => r.active.state)")
    assert state in {"activating", "activated"}
    page.reload()
    expect(page.locator(".screen")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                urls.push(...(await cache.keys()).map(request => request.url));
            }
            return urls;
        }"""
    )
    assert any("/index.html" in url for url in cached)
    assert any(re.search(r"/assets/index-[\w-]+\.js", url) for url in cached)

    page.context.set_offline(True)
    try:
        page.reload()
        expect(page.get_by_role("heading", name="无法连接服务器")).to_be_visible()
        expect(page.get_by_role("button", name="重试")).to_be_visible()
    finally:
        page.context.set_offline(False)
    page.get_by_role("button", name="重试").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_a_whole_visit_causes_no_console_errors_or_csp_violations(
    page, live_server, committed_user, live_unit, problems
):
    username, password = committed_user("staff", live_unit[0])
    response = open_app(page, live_server)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    fill_login(page, username, password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("link", name="待办案件")).to_be_visible()
    page.get_by_role("link", name="待办案件").click()
    expect(page.get_by_role("heading", name="待办案件")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    page.get_by_role("link", name="‹ Back").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert problems == []
