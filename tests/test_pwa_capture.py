"""The inspector's capture and the outbox in a real headless Chromium against the live app.

Reports are queued in IndexedDB first and sent after; these tests go offline, reload, expire the
session and make the server refuse or fail, and then count the cases the server really has.
"""

import io
import re

import pytest

from tests import test_pwa as shell
from tests.conftest import TEST_PASSWORD, shared_file
from tests.test_pwa import log_in

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

# Fixtures shared with the shell's tests.
built_pwa = shell.built_pwa
problems = shell.problems

HERE = {"longitude": 113.6799, "latitude": 34.7769, "accuracy": 12}  # Zhengzhou, WGS-84
STATE_NAMES = {"unrouted": "待确权", "dispatched": "待签收"}
NIKON_GPS = (11.885127, 43.467448)  # lon, lat of gps_nikon_p6000_DSCN0010.jpg (MANIFEST.tsv)


@pytest.fixture
def phone(page, live_server):
    """The 360 px page with the device location at HERE."""
    page.context.grant_permissions(["geolocation"], origin=live_server)
    page.context.set_geolocation(HERE)
    page.on("dialog", lambda dialog: dialog.accept())
    return page


@pytest.fixture
def inspector(committed_user):
    return committed_user("inspector")[0]


def log_in_ready(page, live_server, username):
    """Log in and wait for the categories, which the phone then keeps for offline capture."""
    with page.expect_response("**/api/v1/categories"):
        log_in(page, live_server, username)


def jpeg(width: int, height: int, orientation: int = 1) -> bytes:
    from PIL import Image

    image = Image.radial_gradient("L").resize((width, height)).convert("RGB")
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def photo_file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


def shared_photo(name: str) -> dict:
    """A real camera photo from ../shared/data/photos, as a file for set_input_files."""
    return photo_file(name, shared_file("photos", name).read_bytes())


def my_cases(page, live_server) -> list[dict]:
    response = page.request.get(live_server + "/api/v1/cases?per_page=100")
    assert response.ok, response.text()
    return response.json()["cases"]


def new_report(page, photos, search="zdjy", code="03-01"):
    """Fill in the capture screen and submit; ends back on home with the item queued."""
    page.get_by_role("link", name="新上报").click()
    expect(page.get_by_role("heading", name="新上报")).to_be_visible()
    page.locator("#capture-camera").set_input_files(photos)
    expect(page.locator(".photos__img")).to_have_count(len(photos))
    page.get_by_label(re.compile("搜索类别")).fill(search)
    page.locator(f'.picker__item[data-code="{code}"]').click()
    expect(page.locator(".picker__chosen")).to_contain_text(code)
    page.get_by_role("button", name="提交上报").click()
    expect(page.get_by_role("status").filter(has_text="已保存到待发送")).to_be_visible()


def outbox_items(page):
    return page.locator(".outbox-item")


def stored_photos(page) -> list[dict]:
    """What the outbox keeps in IndexedDB: byte size, type and decoded size of each photo."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('inspector');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const request = open.result.transaction('outbox').objectStore('outbox').getAll();
                request.onsuccess = async () => {
                    const photos = [];
                    for (const item of request.result) {
                        for (const photo of item.photos) {
                            const bitmap = await createImageBitmap(new Blob([photo.bytes]));
                            photos.push({
                                isArrayBuffer: photo.bytes instanceof ArrayBuffer,
                                bytes: photo.bytes.byteLength, type: photo.type,
                                width: bitmap.width, height: bitmap.height,
                            });
                        }
                    }
                    open.result.close();
                    resolve(photos);
                };
            };
        })"""
    )


# -- capture ---------------------------------------------------------------------------------


def test_a_report_with_the_device_location_is_sent_and_shown_in_my_reports(
    phone, live_server, inspector, problems
):
    log_in_ready(phone, live_server, inspector)
    with phone.expect_response("**/api/v1/reports") as answer:
        new_report(phone, [photo_file("site.jpg", jpeg(1200, 900))])
    assert answer.value.status == 201
    expect(outbox_items(phone)).to_have_count(0)

    [case] = my_cases(phone, live_server)
    assert case["category"] == "03-01"
    # Without zones in the test database the case waits for a supervisor; with them it routes.
    assert case["state"] in STATE_NAMES
    assert case["location"]["source"] == "device"
    assert case["location"]["lon"] == pytest.approx(HERE["longitude"], abs=1e-6)
    assert case["location"]["lat"] == pytest.approx(HERE["latitude"], abs=1e-6)
    assert case["location"]["accuracy_m"] == HERE["accuracy"]
    assert len(case["photos"]) == 1

    phone.get_by_role("link", name="我的上报").click()
    row = phone.locator(".case-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(case["number"])
    expect(row).to_contain_text(STATE_NAMES[case["state"]])
    row.click()
    expect(phone.get_by_role("heading", name=f"案件 {case['number']}")).to_be_visible()
    expect(phone.locator(".facts")).to_contain_text("设备定位")
    expect(phone.get_by_role("img", name=re.compile("照片 1"))).to_be_visible()
    expect(phone.locator(".timeline__event").first).to_be_visible()
    assert shell.unexpected(problems) == []


def test_the_category_search_finds_by_pinyin_initials_chinese_and_english_and_puts_recent_first(
    phone, live_server, inspector
):
    log_in_ready(phone, live_server, inspector)
    phone.get_by_role("link", name="新上报").click()
    search = phone.get_by_label(re.compile("搜索类别"))
    results = phone.locator("#category-results .picker__item")
    for query, code in [("zdjy", "03-01"), ("占道", "03-01"), ("garbage", "01-01")]:
        search.fill(query)
        expect(results.first).to_have_attribute("data-code", code)
    search.fill("不存在的类别xyz")
    expect(phone.get_by_text("没有找到匹配的类别。")).to_be_visible()

    phone.get_by_role("link", name="‹ 返回").click()

    new_report(phone, [photo_file("bin.jpg", jpeg(640, 480))], "ljt", "01-03")
    phone.get_by_role("link", name="新上报").click()
    expect(phone.locator(".picker__list--recent .picker__item")).to_have_attribute(
        "data-code", "01-03"
    )
    phone.get_by_label(re.compile("搜索类别")).fill("lj")
    expect(results.first).to_have_attribute("data-code", "01-03")


def test_switching_to_english_keeps_the_half_filled_report(phone, live_server, inspector):
    log_in_ready(phone, live_server, inspector)
    phone.get_by_role("link", name="新上报").click()
    phone.locator("#capture-camera").set_input_files(photo_file("a.jpg", jpeg(800, 600)))
    expect(phone.locator(".photos__img")).to_have_count(1)
    phone.get_by_label(re.compile("搜索类别")).fill("zdjy")
    phone.locator('.picker__item[data-code="03-01"]').click()
    phone.get_by_label("较重").check()
    phone.get_by_label("补充说明（可选）").fill("东门外")
    phone.get_by_role("button", name="English").click()
    expect(phone.get_by_role("heading", name="New report")).to_be_visible()
    expect(phone.locator(".photos__img")).to_have_count(1)
    expect(phone.locator(".picker__chosen")).to_contain_text("Street vending")
    expect(phone.get_by_label("Serious")).to_be_checked()
    expect(phone.get_by_label("Note (optional)")).to_have_value("东门外")
    expect(phone.locator(".place__status")).to_contain_text("accuracy ±12 m")
    expect(phone.get_by_role("button", name="Submit report")).to_be_visible()


def test_photos_are_shrunk_upright_and_kept_as_array_buffers_before_queueing(
    phone, live_server, inspector
):
    portrait = shared_photo("orient6_portrait.jpg")  # stored 600x450, shown upright
    big = jpeg(4000, 3000)
    turned = jpeg(3000, 2000, orientation=6)  # a phone held upright: stored sideways
    log_in_ready(phone, live_server, inspector)
    phone.context.set_offline(True)
    new_report(phone, [photo_file("big.jpg", big), portrait, photo_file("turned.jpg", turned)])
    expect(outbox_items(phone)).to_have_count(1)
    first, second, third = stored_photos(phone)
    assert first["isArrayBuffer"] and second["isArrayBuffer"] and third["isArrayBuffer"]
    assert (first["width"], first["height"]) == (1600, 1200)
    assert first["type"] == "image/jpeg"
    assert first["bytes"] < len(big) / 3
    assert (second["width"], second["height"]) == (450, 600)  # EXIF orientation 6 applied
    assert third["width"] in (1066, 1067) and third["height"] == 1600  # upright, long edge 1600
    phone.context.set_offline(False)
    expect(outbox_items(phone)).to_have_count(0)


def test_a_nearby_open_case_of_the_same_category_gets_my_photo_instead_of_a_new_case(
    phone, live_server, inspector
):
    log_in_ready(phone, live_server, inspector)
    new_report(phone, [photo_file("first.jpg", jpeg(800, 600))])
    expect(outbox_items(phone)).to_have_count(0)
    [first] = my_cases(phone, live_server)

    phone.get_by_role("link", name="新上报").click()
    phone.locator("#capture-camera").set_input_files(photo_file("second.jpg", jpeg(600, 800)))
    phone.get_by_label(re.compile("搜索类别")).fill("zdjy")
    phone.locator('.picker__item[data-code="03-01"]').click()
    offer = phone.locator(".nearby .case-row", has_text=first["number"])
    expect(offer).to_contain_text("约 0 米")
    with phone.expect_response(f"**/api/v1/cases/{first['id']}/photos") as answer:
        offer.get_by_role("button", name="同一问题：补充我的照片").click()
    assert answer.value.status == 201
    expect(outbox_items(phone)).to_have_count(0)
    [case] = my_cases(phone, live_server)
    assert [photo["kind"] for photo in case["photos"]] == ["report", "added"]


def test_without_device_or_photo_location_the_place_is_typed_in_and_sent_as_manual(
    page, live_server, inspector
):
    log_in_ready(page, live_server, inspector)  # no geolocation permission: denied
    page.get_by_role("link", name="新上报").click()
    expect(page.locator(".place__status")).to_have_text("无法使用定位：未获授权。 请手动输入位置。")
    page.locator("#capture-camera").set_input_files(photo_file("a.jpg", jpeg(800, 600)))
    page.get_by_label(re.compile("搜索类别")).fill("zdjy")
    page.locator('.picker__item[data-code="03-01"]').click()
    page.get_by_role("button", name="提交上报").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("还没有位置"))
    page.get_by_label("纬度").fill("34.7555")
    page.get_by_label("经度").fill("113.6655")
    with page.expect_response("**/api/v1/reports") as answer:
        page.get_by_role("button", name="提交上报").click()
    assert answer.value.status == 201
    [case] = my_cases(page, live_server)
    assert case["location"]["source"] == "manual"
    assert (case["location"]["lon"], case["location"]["lat"]) == (113.6655, 34.7555)


def test_a_removed_photo_is_not_queued(phone, live_server, inspector):
    log_in_ready(phone, live_server, inspector)
    phone.context.set_offline(True)
    phone.get_by_role("link", name="新上报").click()
    phone.locator("#capture-camera").set_input_files(
        [photo_file("a.jpg", jpeg(800, 600)), photo_file("b.jpg", jpeg(600, 800))]
    )
    expect(phone.locator(".photos__img")).to_have_count(2)
    phone.get_by_role("button", name="删除照片 1").click()
    expect(phone.locator(".photos__img")).to_have_count(1)
    expect(phone.get_by_text("照片 1/5 张")).to_be_visible()
    phone.get_by_label(re.compile("搜索类别")).fill("zdjy")
    phone.locator('.picker__item[data-code="03-01"]').click()
    phone.get_by_role("button", name="提交上报").click()
    expect(outbox_items(phone)).to_have_count(1)
    [kept] = stored_photos(phone)
    assert (kept["width"], kept["height"]) == (600, 800)


# -- offline ---------------------------------------------------------------------------------


def test_offline_reports_survive_a_reload_and_are_sent_exactly_once_when_back_online(
    phone, live_server, inspector, problems
):
    log_in_ready(phone, live_server, inspector)
    context = phone.context
    context.set_offline(True)
    new_report(phone, [photo_file("one.jpg", jpeg(1024, 768))])
    # The second photo is taken where the phone has no location: its EXIF GPS is used.
    context.clear_permissions()
    context.set_geolocation(None)
    new_report(phone, [shared_photo("gps_nikon_p6000_DSCN0010.jpg")], "垃圾", "01-01")
    expect(outbox_items(phone)).to_have_count(2)

    phone.reload()
    expect(phone.get_by_role("heading", name="待发送（2）")).to_be_visible()
    expect(outbox_items(phone).filter(has_text="离线，联网后发送")).to_have_count(2)

    posts = []
    phone.on("request", lambda r: r.method == "POST" and "/reports" in r.url and posts.append(r))
    context.set_offline(False)
    expect(outbox_items(phone)).to_have_count(0, timeout=15000)
    assert len(posts) == 2
    cases = {case["category"]: case for case in my_cases(phone, live_server)}
    assert set(cases) == {"03-01", "01-01"}
    assert cases["03-01"]["location"]["source"] == "device"
    exif = cases["01-01"]["location"]
    assert exif["source"] == "exif"
    assert (exif["lon"], exif["lat"]) == pytest.approx(NIKON_GPS, abs=1e-5)
    assert [p for p in problems if "ERR_INTERNET_DISCONNECTED" not in p] == []


def test_an_item_the_server_refuses_is_marked_failed_with_its_message_and_not_retried(
    phone, live_server, inspector, tmp_path
):
    not_a_photo = tmp_path / "notes.jpg"  # a text file with an image name: refused by content
    not_a_photo.write_text("this is not a photo\n" * 20)
    log_in_ready(phone, live_server, inspector)
    posts = []
    phone.on("request", lambda r: r.method == "POST" and "/reports" in r.url and posts.append(r))
    phone.get_by_role("link", name="新上报").click()
    phone.locator("#capture-camera").set_input_files(str(not_a_photo))
    expect(phone.locator(".photos__img")).to_have_count(1)
    phone.get_by_label(re.compile("搜索类别")).fill("zdjy")
    phone.locator('.picker__item[data-code="03-01"]').click()
    with phone.expect_response("**/api/v1/reports") as answer:
        phone.get_by_role("button", name="提交上报").click()
    assert 400 <= answer.value.status < 500
    message = answer.value.json()["error"]["message"]
    failed = outbox_items(phone).filter(has_text="发送失败")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text(message)
    phone.wait_for_timeout(3000)  # longer than the first backoff
    assert len(posts) == 1
    failed.get_by_role("button", name="删除").click()
    expect(outbox_items(phone)).to_have_count(0)
    assert my_cases(phone, live_server) == []


def test_a_server_error_is_retried_and_the_report_arrives_once(phone, live_server, inspector):
    log_in_ready(phone, live_server, inspector)
    answers = []

    def fail_once(route):
        if not answers:
            answers.append(500)
            route.fulfill(status=500, json={"error": {"code": "internal", "message": "boom"}})
        else:
            answers.append("through")
            route.continue_()

    phone.route("**/api/v1/reports", fail_once)
    new_report(phone, [photo_file("one.jpg", jpeg(800, 600))])
    expect(outbox_items(phone)).to_have_count(0, timeout=15000)
    assert answers == [500, "through"]
    assert len(my_cases(phone, live_server)) == 1


def test_an_expired_session_keeps_the_items_and_asks_to_log_in_then_sends_them(
    phone, live_server, inspector
):
    log_in_ready(phone, live_server, inspector)
    phone.context.set_offline(True)
    new_report(phone, [photo_file("one.jpg", jpeg(800, 600))])
    phone.context.clear_cookies()  # the session ends while the phone is offline
    phone.context.set_offline(False)
    banner = phone.locator(".outbox__login")
    expect(banner).to_contain_text("登录后发送 1 条待发送内容")
    expect(outbox_items(phone)).to_have_count(1)
    banner.get_by_role("button", name="登录").click()
    expect(phone.get_by_text("有 1 条内容等待发送")).to_be_visible()
    phone.get_by_label("用户名", exact=True).fill(inspector)
    phone.get_by_label("密码", exact=True).fill(TEST_PASSWORD)
    phone.get_by_role("button", name="登录", exact=True).click()
    expect(phone.locator(".profile__role")).to_be_visible()
    expect(outbox_items(phone)).to_have_count(0, timeout=15000)
    assert len(my_cases(phone, live_server)) == 1
