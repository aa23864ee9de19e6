"""Report intake: exactly once, validated, photos as evidence, hostile input refused."""

import csv
import io
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from inspector.cases.models import Case, CaseEvent, CasePhoto
from inspector.extensions import db
from tests.conftest import SHARED_DATA, shared_file

JINSHUI = (113.6700, 34.7900)  # inside 金水区 of the demo city, away from every boundary


def jpeg(width=640, height=480, color=(120, 160, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def report_data(**overrides) -> dict:
    data = {
        "client_id": str(uuid.uuid4()),
        "category": "01-01",
        "lon": JINSHUI[0],
        "lat": JINSHUI[1],
        "crs": "wgs84",
        "accuracy_m": 8,
        "location_source": "device",
        "captured_at": datetime.now(UTC).isoformat(),
        "severity": "normal",
        "description": "路边暴露垃圾",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_report(api, data: dict, photos=None):
    photos = [jpeg()] if photos is None else photos
    form = {
        "data": json.dumps(data),
        "photos": [(io.BytesIO(p), f"p{i}.jpg") for i, p in enumerate(photos)],
    }
    return api.post("/api/v1/reports", data=form, content_type="multipart/form-data")


def fetch(api, url):
    """GET and close (served files stay open until the response is closed)."""
    response = api.get(url)
    response.get_data()
    response.close()
    return response


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def inspector_api(login_as, demo_city):
    return login_as("inspector")


def test_a_report_becomes_a_dispatched_case_routed_at_once(inspector_api):
    response = post_report(inspector_api, report_data())
    assert response.status_code == 201, response.get_json()
    case = response.get_json()["case"]
    assert case["state"] == "dispatched"
    assert case["unit"]["code"] == "410105-GOV"
    assert case["number"].isdigit() and len(case["number"]) == 14
    assert (
        case["routing"]["status"] == "routed" and "410105" in case["routing"]["reason"] + "410105"
    )
    assert case["deadline_at"] and case["traffic_light"] == "green"
    assert len(case["photos"]) == 1


def test_a_report_is_inserted_once_in_its_final_state_and_answered_as_stored(inspector_api):
    """No UPDATE of the fresh case: each would fire the rollup triggers on cases again."""
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement.split("(")[0].strip())

    event.listen(Engine, "before_cursor_execute", remember)
    try:
        response = post_report(inspector_api, report_data())
    finally:
        event.remove(Engine, "before_cursor_execute", remember)
    assert response.status_code == 201, response.get_json()
    assert statements.count("INSERT INTO cases") == 1
    assert not [statement for statement in statements if statement.startswith("UPDATE cases")]
    answered = response.get_json()["case"]
    stored = fetch(inspector_api, f"/api/v1/cases/{answered['id']}").get_json()["case"]
    assert [step["action"] for step in stored.pop("timeline")] == ["submitted", "dispatched"]
    for moving in ("minutes_used", "traffic_light"):
        answered.pop(moving), stored.pop(moving)
    assert answered == stored


def test_a_report_outside_every_zone_is_unrouted(inspector_api):
    response = post_report(inspector_api, report_data(lon=116.4, lat=39.9))
    case = response.get_json()["case"]
    assert case["state"] == "unrouted" and case["unit"] is None
    assert case["routing"]["reason"] == "outside every zone"


def test_a_retry_with_the_same_client_id_returns_the_same_case_and_stores_nothing(inspector_api):
    data = report_data()
    first = post_report(inspector_api, data)
    before = (count(Case), count(CaseEvent), count(CasePhoto))
    second = post_report(inspector_api, data, photos=[jpeg(color=(1, 2, 3))])
    assert second.status_code == 200
    assert second.get_json()["case"]["id"] == first.get_json()["case"]["id"]
    assert (count(Case), count(CaseEvent), count(CasePhoto)) == before


def test_another_user_cannot_reuse_a_client_id(inspector_api, login_as):
    data = report_data()
    post_report(inspector_api, data)
    assert post_report(login_as("inspector"), data).status_code == 409


INVALID = [
    ({"category": "42-42"}, "category"),
    ({"lon": "NaN"}, "lon"),
    ({"lat": 95}, "lat"),
    ({"accuracy_m": -3}, "accuracy_m"),
    ({"captured_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}, "captured_at"),
    ({"captured_at": "yesterday"}, "captured_at"),
    ({"description": "长" * 2001}, "description"),
    ({"severity": "apocalyptic"}, "severity"),
    ({"client_id": "not-a-uuid"}, "client_id"),
    ({"location_source": "guess"}, "location_source"),
    ({"context": "moon"}, "context"),
    ({"crs": "mars"}, "crs"),
]


@pytest.mark.parametrize(("override", "field"), INVALID)
def test_invalid_reports_get_field_errors_and_store_nothing(inspector_api, override, field):
    before = count(Case)
    response = post_report(inspector_api, report_data(**override))
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert count(Case) == before


@pytest.mark.parametrize("photos", [[], [jpeg()] * 6])
def test_one_to_five_photos_are_required(inspector_api, photos):
    response = post_report(inspector_api, report_data(), photos=photos)
    assert response.status_code == 400
    assert "photos" in response.get_json()["error"]["fields"]


def test_an_oversized_photo_gets_413(inspector_api, app):
    app.config["PHOTO_MAX_BYTES"] = 50_000
    try:
        response = post_report(
            inspector_api, report_data(), photos=[jpeg(2000, 2000) + b"\0" * 60_000]
        )
    finally:
        app.config["PHOTO_MAX_BYTES"] = 15 * 1024 * 1024
    assert response.status_code == 413


def test_an_oversized_body_gets_413(inspector_api, app):
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    try:
        response = post_report(inspector_api, report_data(), photos=[b"\xff" * 200_000])
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 80 * 1024 * 1024
    assert response.status_code == 413


def test_a_gif_is_refused_with_415_naming_the_accepted_formats(inspector_api):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    response = post_report(inspector_api, report_data(), photos=[buffer.getvalue()])
    assert response.status_code == 415
    assert "JPEG" in response.get_json()["error"]["message"]


def _manifest(folder: str) -> list[dict]:
    path = SHARED_DATA / folder / "MANIFEST.tsv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (SHARED_DATA / "hostile").glob("*") if p.name != "MANIFEST.tsv")
    if (SHARED_DATA / "hostile").exists()
    else ["absent"],
)
def test_every_hostile_file_gets_a_4xx_and_the_next_report_still_works(inspector_api, name):
    path = shared_file("hostile", name)
    before = count(Case)
    refused = post_report(inspector_api, report_data(), photos=[path.read_bytes()])
    assert 400 <= refused.status_code < 500, (name, refused.status_code)
    assert "error" in refused.get_json()
    assert count(Case) == before
    assert post_report(inspector_api, report_data()).status_code == 201


def test_without_a_device_location_the_photo_gps_becomes_the_location(inspector_api):
    photo = shared_file("photos", "gps_nikon_p6000_DSCN0010.jpg")
    rows = {row.get("file") or row.get("filename"): row for row in _manifest("photos")}
    response = post_report(
        inspector_api,
        report_data(lon=None, lat=None, location_source=None),
        photos=[photo.read_bytes()],
    )
    assert response.status_code == 201, response.get_json()
    case = response.get_json()["case"]
    assert case["location"]["source"] == "exif"
    row = rows.get(photo.name) or {}
    lat = next((v for k, v in row.items() if k and "lat" in k.lower() and v), None)
    lon = next((v for k, v in row.items() if k and "lon" in k.lower() and v), None)
    if lat and lon:
        assert case["location"]["lat"] == pytest.approx(float(lat), abs=1e-5)
        assert case["location"]["lon"] == pytest.approx(float(lon), abs=1e-5)


def test_no_location_at_all_is_refused(inspector_api):
    response = post_report(inspector_api, report_data(lon=None, lat=None, location_source=None))
    assert response.status_code == 400
    assert "lon" in response.get_json()["error"]["fields"]


def test_heic_photos_are_accepted(inspector_api):
    photo = shared_file("photos", "phone_iphone11promax_gps.HEIC")
    response = post_report(inspector_api, report_data(), photos=[photo.read_bytes()])
    assert response.status_code == 201, response.get_json()


def test_display_copies_are_served_without_exif(inspector_api):
    photo = shared_file("photos", "gps_nikon_d70s_florence.jpg")
    case = post_report(inspector_api, report_data(), photos=[photo.read_bytes()]).get_json()["case"]
    served = fetch(inspector_api, case["photos"][0]["display_url"])
    assert served.status_code == 200
    assert "private" in served.headers["Cache-Control"]
    image = Image.open(io.BytesIO(served.data))
    assert not image.getexif() and "exif" not in image.info
    assert max(image.size) <= 1600


def test_originals_are_for_supervisors_and_other_units_see_nothing(inspector_api, login_as):
    case = post_report(inspector_api, report_data()).get_json()["case"]
    photo_id = case["photos"][0]["id"]
    assert fetch(inspector_api, f"/api/v1/photos/{photo_id}/original").status_code == 403
    assert fetch(login_as("supervisor"), f"/api/v1/photos/{photo_id}/original").status_code == 200
    other_unit = login_as("staff", unit="410103-GOV")
    assert fetch(other_unit, f"/api/v1/photos/{photo_id}/thumb").status_code == 404
    own_unit = login_as("staff", unit="410105-GOV")
    assert fetch(own_unit, f"/api/v1/photos/{photo_id}/thumb").status_code == 200


def test_a_failure_between_file_write_and_commit_leaves_nothing_and_a_retry_works_once(
    inspector_api, media_root, monkeypatch
):
    import inspector.reports.services as intake

    files_before = {p for p in media_root.rglob("*") if p.is_file()}
    data = report_data()
    original = intake.record_event

    def explode(*args, **kwargs):
        raise RuntimeError("worker killed mid-request")

    monkeypatch.setattr(intake, "record_event", explode)
    failed = post_report(inspector_api, data, photos=[jpeg(color=(9, 9, 9))])
    assert failed.status_code == 500
    assert count(Case, Case.client_id == uuid.UUID(data["client_id"])) == 0
    assert {p for p in media_root.rglob("*") if p.is_file()} == files_before
    monkeypatch.setattr(intake, "record_event", original)
    retried = post_report(inspector_api, data, photos=[jpeg(color=(9, 9, 9))])
    assert retried.status_code == 201
    assert post_report(inspector_api, data).status_code == 200
    assert count(Case, Case.client_id == uuid.UUID(data["client_id"])) == 1


def test_nearby_offers_open_cases_of_the_same_category(inspector_api, login_as):
    post_report(inspector_api, report_data())
    other = login_as("inspector")
    near = other.get(
        f"/api/v1/reports/nearby?lon={JINSHUI[0] + 0.0001}&lat={JINSHUI[1]}&category=01-01"
    ).get_json()["cases"]
    assert len(near) == 1 and 5 < near[0]["distance_m"] < 15
    assert (
        other.get(
            f"/api/v1/reports/nearby?lon={JINSHUI[0]}&lat={JINSHUI[1]}&category=03-03"
        ).get_json()["cases"]
        == []
    )
    far = other.get(
        f"/api/v1/reports/nearby?lon={JINSHUI[0] + 0.01}&lat={JINSHUI[1]}&category=01-01"
    ).get_json()["cases"]
    assert far == []


def test_another_inspector_adds_a_photo_to_the_same_case_once(inspector_api, login_as):
    case = post_report(inspector_api, report_data()).get_json()["case"]
    other = login_as("inspector")
    client_id = str(uuid.uuid4())

    def form():
        return {
            "data": json.dumps({"client_id": client_id}),
            "photos": [(io.BytesIO(jpeg(color=(5, 50, 5))), "x.jpg")],
        }

    added = other.post(
        f"/api/v1/cases/{case['id']}/photos", data=form(), content_type="multipart/form-data"
    )
    assert added.status_code == 201
    again = other.post(
        f"/api/v1/cases/{case['id']}/photos", data=form(), content_type="multipart/form-data"
    )
    assert again.status_code == 200
    assert count(CasePhoto, CasePhoto.case_id == case["id"]) == 2


def test_a_new_case_near_a_recently_closed_one_is_a_recurrence(inspector_api, db_session):
    first = post_report(inspector_api, report_data()).get_json()["case"]
    closed = db_session.get(Case, first["id"])
    closed.state, closed.closed_at = "closed", datetime.now(UTC)
    db_session.flush()
    again = post_report(inspector_api, report_data(lon=JINSHUI[0] + 0.0002)).get_json()["case"]
    assert again["recurrence_of"] == first["id"]
    elsewhere = post_report(inspector_api, report_data(lon=JINSHUI[0] + 0.01)).get_json()["case"]
    assert elsewhere["recurrence_of"] is None


def test_staff_cannot_report(login_as, demo_city):
    assert post_report(login_as("staff"), report_data()).status_code == 403


def test_media_gc_removes_orphans_and_keeps_referenced_files(app, inspector_api, media_root):
    from inspector.storage import store_from_config

    case = post_report(inspector_api, report_data(), [jpeg(color=(7, 77, 177))]).get_json()
    rows = db.session.scalars(select(CasePhoto).where(CasePhoto.case_id == case["case"]["id"]))
    referenced = {
        media_root / key
        for row in rows
        for key in (row.original_key, row.display_key, row.thumb_key)
    }
    orphan = store_from_config(app.config).put(b"orphan bytes", "jpg")
    result = app.test_cli_runner().invoke(args=["media", "gc", "--grace-hours", "0"])
    assert result.exit_code == 0, result.output
    remaining = {p for p in media_root.rglob("*") if p.is_file()}
    assert referenced <= remaining
    assert not any(orphan.rsplit("/", 1)[-1] in str(p) for p in remaining)


def test_two_concurrent_requests_with_the_same_client_id_make_one_case(
    live_server, committed_user, live_app
):
    import urllib.request
    from http.cookiejar import CookieJar

    username, password = committed_user("inspector")
    data = report_data(lon=116.4, lat=39.9)  # outside the demo city: unrouted, which is fine

    def session():
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        token = json.load(opener.open(f"{live_server}/api/v1/auth/session"))["csrf_token"]
        login = urllib.request.Request(
            f"{live_server}/api/v1/auth/login",
            method="POST",
            data=json.dumps({"username": username, "password": password}).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
        token = json.load(opener.open(login))["csrf_token"]
        return opener, token

    def multipart(payload: dict) -> tuple[bytes, str]:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="data"\r\n\r\n'
                f"{json.dumps(payload)}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f'name="photos"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
            ).encode()
            + jpeg()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return body, f"multipart/form-data; boundary={boundary}"

    sessions = [session(), session()]
    statuses = []
    barrier = threading.Barrier(2)

    def send(opener, token):
        body, content_type = multipart(data)
        request = urllib.request.Request(
            f"{live_server}/api/v1/reports",
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "X-CSRFToken": token},
        )
        barrier.wait()
        with opener.open(request) as response:
            statuses.append((response.status, json.load(response)["case"]["id"]))

    threads = [threading.Thread(target=send, args=s) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _ in statuses) == [200, 201]
    assert len({case_id for _, case_id in statuses}) == 1
    with live_app.app_context(), db.engine.connect() as connection:
        cases = connection.execute(
            select(func.count())
            .select_from(Case)
            .where(Case.client_id == uuid.UUID(data["client_id"]))
        ).scalar()
    assert cases == 1


def test_a_declared_photo_location_is_used_when_the_upload_has_no_gps(inspector_api):
    meta = [{"taken_at": datetime.now(UTC).isoformat(), "lon": JINSHUI[0], "lat": JINSHUI[1]}]
    response = post_report(
        inspector_api, report_data(lon=None, lat=None, location_source=None, photos_meta=meta)
    )
    assert response.status_code == 201, response.get_json()
    case = response.get_json()["case"]
    assert case["location"]["source"] == "exif" and case["unit"]["code"] == "410105-GOV"
    refused = post_report(inspector_api, report_data(photos_meta=[{"lon": 500, "lat": 1}]))
    assert refused.status_code == 400
    assert "photos_meta[0]" in refused.get_json()["error"]["fields"]
