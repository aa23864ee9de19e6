"""Open311 GeoReport v2: every endpoint in JSON and XML, each filter, each error, a round trip
through the workflow, signed media links, and a third-party client reading us."""

import io
import threading
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import itsdangerous.timed
import pytest
import requests
from PIL import Image
from sqlalchemy import func, select

from inspector.auth.models import User
from inspector.cases import workflow
from inspector.cases.models import Case, CasePhoto
from inspector.categories.models import LOCATION_CONTEXTS, Category
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.open311 import keys
from inspector.open311.models import Open311Request
from inspector.reports import services as intake
from tests.test_reports import JINSHUI, jpeg

BASE = "/open311/v2"
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
CONTACT = {
    "email": "wang.fang@example.cn",
    "first_name": "芳",
    "last_name": "王",
    "phone": "13800138000",
    "device_id": "device-4711",
}


@pytest.fixture
def api_key(db_session, demo_city) -> str:
    """A fresh integration's key (the demo city routes its requests)."""
    _, clear = keys.create_api_key(f"hotline-{uuid.uuid4().hex[:8]}")
    return clear


@pytest.fixture
def http(app, db_session):
    """A client with no session and no CSRF token, like another city system."""
    return app.test_client()


def get(http, path, key=None, headers=None, **params):
    if key:
        params["api_key"] = key
    return http.get(f"{BASE}/{path}", query_string=params, headers=headers or {})


def post(http, key, fmt="json", files=None, **fields):
    form = {
        "api_key": key,
        "service_code": "01-01",
        "lat": str(JINSHUI[1]),
        "long": str(JINSHUI[0]),
        "description": "路边暴露垃圾",
        **fields,
    }
    form = {name: value for name, value in form.items() if value is not None}
    if files:
        form.update(files)
        return http.post(f"{BASE}/requests.{fmt}", data=form, content_type="multipart/form-data")
    return http.post(f"{BASE}/requests.{fmt}", data=form)


def created(http, key, **fields) -> str:
    response = post(http, key, **fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()[0]["service_request_id"]


def xml(response) -> ET.Element:
    assert response.mimetype == "text/xml"
    assert response.data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.data)  # noqa: S314 (our own server's answer)


def json_error(response, status: int) -> str:
    assert response.status_code == status
    body = response.get_json()
    assert len(body) == 1 and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == status
    return body[0]["description"]


def xml_error(response, status: int) -> str:
    assert response.status_code == status
    root = xml(response)
    assert root.tag == "errors" and [child.tag for child in root] == ["error"]
    assert [child.tag for child in root[0]] == ["code", "description"]
    assert root.find("error/code").text == str(status)
    return root.find("error/description").text


def case_of(number: str) -> Case:
    return db.session.scalar(select(Case).where(Case.number == number))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fetch(http, url):
    response = http.get(url)
    response.get_data()
    response.close()
    return response


# -- discovery --------------------------------------------------------------------------------


def test_discovery_is_public_in_json_and_xml(http):
    document = get(http, "discovery.json").get_json()
    endpoint = document["endpoints"][0]
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = xml(get(http, "discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


# -- services -----------------------------------------------------------------------------------


def test_services_list_one_service_per_taxonomy_item_in_json(http, api_key):
    services = get(http, "services.json", api_key).get_json()
    active = db.session.scalar(select(func.count()).select_from(Category).where(Category.active))
    assert len(services) == active
    garbage = next(s for s in services if s["service_code"] == "01-01")
    assert garbage["service_name"] == db.session.get(Category, "01-01").name_zh
    assert garbage["group"] == "环境卫生"
    assert garbage["metadata"] is True and garbage["type"] == "realtime"
    assert "garbage" in garbage["keywords"].split(", ")
    assert "处置时限" in garbage["description"]


def test_services_list_in_xml_has_the_spec_elements(http, api_key):
    root = xml(get(http, "services.xml", api_key))
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert first.find("metadata").text == "true"


@pytest.mark.parametrize(
    "params, headers",
    [({"locale": "en_US"}, {}), ({}, {"Accept-Language": "en-US,en;q=0.9"})],
)
def test_service_names_are_english_when_asked(http, api_key, params, headers):
    services = get(http, "services.json", api_key, headers=headers, **params).get_json()
    garbage = next(s for s in services if s["service_code"] == "01-01")
    assert garbage["service_name"] == db.session.get(Category, "01-01").name_en
    assert garbage["group"] == "Sanitation"
    assert "Handling deadline" in garbage["description"]


def test_service_definition_lists_severity_context_and_client_id_in_json(http, api_key):
    definition = get(http, "services/01-01.json", api_key).get_json()
    assert definition["service_code"] == "01-01"
    by_code = {attribute["code"]: attribute for attribute in definition["attributes"]}
    assert list(by_code) == ["severity", "context", "client_id"]
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3]
    assert [v["key"] for v in by_code["severity"]["values"]] == ["normal", "serious", "severe"]
    assert by_code["severity"]["datatype"] == "singlevaluelist"
    assert {v["key"] for v in by_code["context"]["values"]} == set(LOCATION_CONTEXTS)
    assert by_code["client_id"]["datatype"] == "string" and "values" not in by_code["client_id"]
    assert not any(attribute["required"] for attribute in definition["attributes"])


def test_service_definition_in_xml(http, api_key):
    root = xml(get(http, "services/03-01.xml", api_key))
    assert root.tag == "service_definition"
    assert root.find("service_code").text == "03-01"
    codes = [a.find("code").text for a in root.findall("attributes/attribute")]
    assert codes == ["severity", "context", "client_id"]
    values = root.findall("attributes/attribute[code='severity']/values/value")
    assert (values[0].find("key").text, values[0].find("name").text) == ("normal", "一般")
    assert root.find("attributes/attribute/required").text == "false"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_404(http, api_key, fmt):
    response = get(http, f"services/42-42.{fmt}", api_key)
    check = json_error if fmt == "json" else xml_error
    assert check(response, 404) == "service_code provided was not found"


# -- access -------------------------------------------------------------------------------------


READS = ["services.json", "services.xml", "services/01-01.json", "requests.json", "requests.xml"]


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize("key, status", [(None, 403), ("o311_wrong", 403)])
def test_reads_need_a_valid_api_key_by_default(http, api_key, path, key, status):
    response = get(http, path, key)
    check = xml_error if path.endswith(".xml") else json_error
    assert "api_key" in check(response, status)
    assert get(http, path, api_key).status_code == 200


@pytest.mark.parametrize("path", READS)
def test_reads_are_public_when_an_admin_enables_it(http, app, api_key, path, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_PUBLIC_READ", True)
    assert get(http, path).status_code == 200
    assert get(http, path, "o311_wrong").status_code == 403  # a key that is sent must work


def test_a_revoked_key_is_refused(http, api_key):
    keys.revoke_api_key(api_key[:12])
    assert json_error(get(http, "services.json", api_key), 403) == "api_key is invalid or revoked"
    assert json_error(post(http, api_key), 403) == "api_key is invalid or revoked"


@pytest.mark.parametrize("path", ["services.json", "services/01-01.xml", "requests.json"])
def test_our_jurisdiction_is_accepted_and_any_other_is_404(http, api_key, path):
    assert get(http, path, api_key, jurisdiction_id="zhengzhou").status_code == 200
    response = get(http, path, api_key, jurisdiction_id="beijing")
    check = xml_error if path.endswith(".xml") else json_error
    assert check(response, 404) == "jurisdiction_id provided was not found"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_resource_is_a_404_in_the_spec_shape(http, fmt):
    check = json_error if fmt == "json" else xml_error
    assert "discovery" in check(get(http, f"nothing-here.{fmt}"), 404)


# -- creating requests ------------------------------------------------------------------------


def test_a_post_becomes_a_dispatched_case_through_the_pwa_intake(http, api_key):
    response = post(http, api_key, **CONTACT, address_string="金水路 1 号")
    assert response.status_code == 201
    [answer] = response.get_json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] is None
    case = case_of(answer["service_request_id"])
    assert case.source == "open311" and case.state == "dispatched"
    assert case.unit.code == "410105-GOV" and case.deadline_at is not None
    assert case.reporter.username.startswith("open311-hotline-")
    assert case.location_source == "manual" and case.photos == []
    assert answer["service_notice"].startswith(f"已派遣至{case.unit.name_zh}")
    details = db.session.get(Open311Request, case.id)
    assert details.contact == CONTACT and details.address == "金水路 1 号"


def test_a_post_answers_in_xml(http, api_key):
    response = post(http, api_key, fmt="xml")
    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [child.tag for child in request] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    assert case_of(request.find("service_request_id").text) is not None
    assert request.find("account_id").text is None


def test_attributes_set_severity_context_and_client_id(http, api_key):
    client_id = str(uuid.uuid4())
    number = created(
        http,
        api_key,
        **{
            "attribute[severity]": "severe",
            "attribute[context]": "back_alley",
            "attribute[client_id]": client_id,
        },
    )
    case = case_of(number)
    assert (case.severity, case.location_context, str(case.client_id)) == (
        "severe",
        "back_alley",
        client_id,
    )


def test_the_same_client_id_returns_the_same_request_and_stores_nothing_new(http, api_key):
    fields = {"attribute[client_id]": str(uuid.uuid4())}
    first = post(http, api_key, **fields)
    before = count(Case), count(Open311Request)
    again = post(http, api_key, fmt="xml", **fields)
    assert again.status_code == 200
    number = xml(again).find("request/service_request_id").text
    assert number == first.get_json()[0]["service_request_id"]
    assert (count(Case), count(Open311Request)) == before


def test_another_integrations_client_id_is_a_conflict(http, api_key):
    fields = {"attribute[client_id]": str(uuid.uuid4())}
    created(http, api_key, **fields)
    _, other = keys.create_api_key(f"other-{uuid.uuid4().hex[:8]}")
    assert json_error(post(http, other, **fields), 409)


def test_without_client_id_every_post_is_a_new_request(http, api_key):
    assert created(http, api_key) != created(http, api_key)


POST_ERRORS = [
    ({"api_key": None}, 403, "api_key was not provided"),
    ({"api_key": "o311_not-a-key"}, 403, "api_key is invalid or revoked"),
    ({"service_code": None}, 400, "service_code was not provided"),
    ({"service_code": "42-42"}, 404, "service_code provided was not found"),
    ({"jurisdiction_id": "beijing"}, 404, "jurisdiction_id provided was not found"),
    ({"lat": None, "long": None}, 400, "lat and long (WGS-84) were not provided"),
    (
        {"lat": None, "long": None, "address_string": "金水路 1 号"},
        400,
        "geocoding is not configured: send lat and long (WGS-84) with address_string",
    ),
    ({"lat": "95"}, 400, "lat: "),
    ({"long": "east"}, 400, "long: "),
    ({"attribute[severity]": "apocalyptic"}, 400, "attribute[severity]: "),
    ({"attribute[context]": "moon"}, 400, "attribute[context]: "),
    ({"attribute[client_id]": "not-a-uuid"}, 400, "attribute[client_id]: "),
    ({"description": "长" * 2001}, 400, "description: "),
    ({"email": "not an address"}, 400, "email: not an email address"),
    ({"phone": "1" * 201}, 400, "phone: at most 200 characters"),
]


@pytest.mark.parametrize("fields, status, description", POST_ERRORS)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_posts_get_the_spec_error_and_store_nothing(
    http, api_key, fields, status, description, fmt
):
    fields = dict(fields)
    key = fields.pop("api_key") if "api_key" in fields else api_key
    before = count(Case)
    response = post(http, key, fmt, **fields)
    check = json_error if fmt == "json" else xml_error
    assert check(response, status).startswith(description)
    assert count(Case) == before


def test_field_errors_are_english_whatever_the_callers_language(http, api_key):
    response = http.post(
        f"{BASE}/requests.json",
        data={
            "api_key": api_key,
            "service_code": "01-01",
            "lat": "34.79",
            "long": "113.67",
            "attribute[severity]": "x",
        },
        headers={"Accept-Language": "zh-CN"},
    )
    assert json_error(response, 400) == "attribute[severity]: one of normal, serious, severe"


def test_posts_need_no_csrf_token_even_next_to_a_session_cookie(login_as, api_key):
    browser = login_as("supervisor").client  # has a session cookie, sends no CSRF header
    response = post(browser, api_key)
    assert response.status_code == 201
    assert browser.post("/api/v1/auth/logout").status_code == 400  # CSRF still guards /api


def test_an_uploaded_media_file_goes_through_the_photo_pipeline(http, api_key):
    files = {"media": (io.BytesIO(jpeg()), "photo.jpg")}
    case = case_of(created_multipart(http, api_key, files))
    assert len(case.photos) == 1 and case.photos[0].kind == "report"
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    refused = post(http, api_key, files={"media": (io.BytesIO(gif.getvalue()), "x.gif")})
    assert "JPEG" in json_error(refused, 415)


def created_multipart(http, api_key, files) -> str:
    response = post(http, api_key, files=files)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()[0]["service_request_id"]


def test_the_pwa_still_needs_photos_while_open311_may_send_none(db_session, make_user, app):
    report = intake.parse_report(
        {
            "client_id": str(uuid.uuid4()),
            "category": "01-01",
            "lon": JINSHUI[0],
            "lat": JINSHUI[1],
        },
        datetime.now(UTC),
    )
    with pytest.raises(ApiError) as refused:
        intake.submit_report(report, [], make_user("inspector"), files=None, source="pwa")
    assert "photos" in refused.value.fields


# -- media_url in a POST -------------------------------------------------------------------


class MediaHandler(BaseHTTPRequestHandler):
    bodies: ClassVar = {"/photo.jpg": jpeg(800, 600), "/notes.txt": b"not a photo at all"}

    def do_GET(self):
        body = self.bodies.get(self.path)
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/photo.jpg")
            self.end_headers()
            return
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def media_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), MediaHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetching(app, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_FETCH_MEDIA", True)
    monkeypatch.setitem(app.config, "OPEN311_FETCH_MEDIA_PRIVATE", True)


def test_media_url_is_not_fetched_by_default_and_the_answer_says_so(http, api_key, media_server):
    response = post(http, api_key, media_url=f"{media_server}/photo.jpg")
    assert response.status_code == 201
    [answer] = response.get_json()
    assert "media_url was not fetched" in answer["service_notice"]
    case = case_of(answer["service_request_id"])
    assert case.photos == []
    assert db.session.get(Open311Request, case.id).media_url == f"{media_server}/photo.jpg"


def test_media_url_is_fetched_through_the_photo_pipeline_when_allowed(
    http, api_key, media_server, fetching
):
    number = created(http, api_key, media_url=f"{media_server}/photo.jpg")
    [photo] = case_of(number).photos
    assert (photo.width, photo.height) == (800, 600)


MEDIA_ERRORS = [
    ("/notes.txt", 415, "JPEG"),
    ("/missing.jpg", 400, "media_url answered HTTP 404"),
    ("/moved", 400, "media_url answered HTTP 302"),
    ("ftp://example.com/photo.jpg", 400, "media_url must be an http or https URL"),
]


@pytest.mark.parametrize("path, status, text", MEDIA_ERRORS)
def test_unusable_media_urls_are_refused(http, api_key, media_server, fetching, path, status, text):
    url = path if "://" in path else media_server + path
    assert text in json_error(post(http, api_key, media_url=url), status)


def test_fetched_media_has_the_photo_size_limit(
    http, app, api_key, media_server, fetching, monkeypatch
):
    monkeypatch.setitem(app.config, "PHOTO_MAX_BYTES", 1000)
    response = post(http, api_key, media_url=f"{media_server}/photo.jpg")
    assert "larger than" in json_error(response, 400)


def test_private_addresses_are_not_fetched_unless_allowed(
    http, app, api_key, media_server, fetching, monkeypatch
):
    monkeypatch.setitem(app.config, "OPEN311_FETCH_MEDIA_PRIVATE", False)
    response = post(http, api_key, media_url=f"{media_server}/photo.jpg")
    assert json_error(response, 400) == "media_url points to a private or local address"


# -- reading requests --------------------------------------------------------------------------


def test_a_request_in_json_has_the_spec_fields_and_no_private_details(http, api_key):
    number = created(http, api_key, **CONTACT, address_string="金水路 1 号", address_id="A-17")
    response = get(http, f"requests/{number}.json", api_key)
    [record] = response.get_json()
    assert set(record) == REQUEST_FIELDS
    case = case_of(number)
    assert record["service_request_id"] == number and record["status"] == "open"
    assert record["service_code"] == "01-01" and record["service_name"] == case.category.name_zh
    assert record["agency_responsible"] == case.unit.name_zh
    assert (record["long"], record["lat"]) == JINSHUI
    assert record["address"] == "金水路 1 号" and record["address_id"] == "A-17"
    assert record["requested_datetime"].endswith("+08:00")
    expected = datetime.fromisoformat(record["expected_datetime"])
    assert expected == case.deadline_at.replace(microsecond=0)
    assert record["status_notes"] == "已派遣，待责任单位签收"
    assert record["media_url"] is None and record["zipcode"] is None
    body = response.get_data(as_text=True) + get(http, f"requests/{number}.xml", api_key).get_data(
        as_text=True
    )
    for private in [*CONTACT.values(), case.reporter.username, case.routing_reason]:
        assert private not in body


def test_a_request_in_xml(http, api_key):
    number = created(http, api_key)
    root = xml(get(http, f"requests/{number}.xml", api_key))
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert {child.tag for child in request} == REQUEST_FIELDS
    assert request.find("service_request_id").text == number
    assert request.find("status").text == "open"
    assert request.find("address").text is None  # empty when none was given


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_404(http, api_key, fmt):
    check = json_error if fmt == "json" else xml_error
    response = get(http, f"requests/20991231000001.{fmt}", api_key)
    assert check(response, 404) == "service_request_id provided was not found"


def numbers(response) -> set[str]:
    if response.mimetype == "text/xml":
        return {r.find("service_request_id").text for r in xml(response).findall("request")}
    assert response.status_code == 200, response.get_data(as_text=True)
    return {record["service_request_id"] for record in response.get_json()}


@pytest.fixture
def three(http, api_key):
    """Two garbage requests (01-01), one street-vending request (03-01), the last one closed."""
    garbage = [created(http, api_key), created(http, api_key)]
    vending = created(http, api_key, service_code="03-01")
    case = case_of(vending)
    workflow.perform(case, "invalidate", supervisor(), {"reason": "重复上报"})
    return {"garbage": garbage, "vending": vending}


def supervisor() -> User:
    from inspector.auth.services import create_user

    return create_user(f"sup-{uuid.uuid4().hex[:8]}", "supervisor", "long enough password")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_list_everything_of_the_last_90_days(http, api_key, three, fmt):
    found = numbers(get(http, f"requests.{fmt}", api_key))
    assert {*three["garbage"], three["vending"]} <= found


def test_filter_by_service_request_id_overrides_the_other_filters(http, api_key, three):
    ids = f"{three['garbage'][0]},{three['vending']}"
    response = get(http, "requests.json", api_key, service_request_id=ids, status="open")
    assert numbers(response) == {three["garbage"][0], three["vending"]}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_filter_by_service_code_list(http, api_key, three, fmt):
    assert numbers(get(http, f"requests.{fmt}", api_key, service_code="03-01")) >= {
        three["vending"]
    }
    only_vending = numbers(get(http, f"requests.{fmt}", api_key, service_code="03-01"))
    assert not only_vending & set(three["garbage"])
    both = numbers(get(http, f"requests.{fmt}", api_key, service_code="01-01,03-01"))
    assert {*three["garbage"], three["vending"]} <= both


def test_filter_by_status(http, api_key, three):
    open_ = numbers(get(http, "requests.json", api_key, status="open"))
    closed = numbers(get(http, "requests.json", api_key, status="closed"))
    both = numbers(get(http, "requests.json", api_key, status="open,closed"))
    assert set(three["garbage"]) <= open_ and three["vending"] not in open_
    assert three["vending"] in closed and not closed & set(three["garbage"])
    assert {*three["garbage"], three["vending"]} <= both


def test_filter_by_dates(http, api_key, three):
    now = datetime.now(UTC)
    everything = {*three["garbage"], three["vending"]}
    since_yesterday = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert everything <= numbers(get(http, "requests.json", api_key, start_date=since_yesterday))
    tomorrow = (now + timedelta(days=1)).isoformat()
    assert not everything & numbers(get(http, "requests.json", api_key, start_date=tomorrow))
    yesterday = (now - timedelta(days=1)).isoformat()
    assert not everything & numbers(get(http, "requests.json", api_key, end_date=yesterday))
    window = {"start_date": (now - timedelta(days=2)).date().isoformat(), "end_date": tomorrow}
    assert everything <= numbers(get(http, "requests.json", api_key, **window))


def test_a_plus_sign_lost_in_the_query_string_is_repaired(http, api_key, three):
    local = (datetime.now(UTC) + timedelta(hours=8) - timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )
    response = http.get(f"{BASE}/requests.json?api_key={api_key}&start_date={local}+08:00")
    assert set(three["garbage"]) <= numbers(response)


def test_requests_older_than_90_days_are_outside_the_default_window(http, api_key, three):
    old = case_of(three["garbage"][0])
    old.reported_at = datetime.now(UTC) - timedelta(days=100)
    db.session.flush()
    assert three["garbage"][0] not in numbers(get(http, "requests.json", api_key))
    start = (datetime.now(UTC) - timedelta(days=101)).date().isoformat()
    assert three["garbage"][0] in numbers(get(http, "requests.json", api_key, start_date=start))


FILTER_ERRORS = [
    ({"status": "pending"}, "status must be open, closed, or both (comma separated)"),
    ({"service_code": "01-01,42-42"}, "service_code not found: 42-42"),
    ({"start_date": "last tuesday"}, "start_date must be a W3C date-time"),
    ({"end_date": "2026-13-01"}, "end_date must be a W3C date-time"),
    (
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        "start_date and end_date may span at most 90 days",
    ),
    (
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
        "end_date is before start_date",
    ),
]


@pytest.mark.parametrize("params, description", FILTER_ERRORS)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400(http, api_key, params, description, fmt):
    check = json_error if fmt == "json" else xml_error
    assert check(get(http, f"requests.{fmt}", api_key, **params), 400).startswith(description)


def test_text_with_markup_and_control_characters_gives_well_formed_xml(http, api_key):
    number = created(http, api_key, description='<b>"垃圾" & more</b>\x0bend')
    root = xml(get(http, f"requests/{number}.xml", api_key))
    assert root.find("request/description").text == '<b>"垃圾" & more</b>end'


# -- the round trip ---------------------------------------------------------------------------


def test_round_trip_post_get_then_close_through_the_workflow(http, api_key, make_user):
    number = created(http, api_key, **{"attribute[client_id]": str(uuid.uuid4())})
    [record] = get(http, f"requests/{number}.json", api_key).get_json()
    assert record["status"] == "open"
    case = case_of(number)
    staff = make_user("staff", unit="410105-GOV")
    workflow.perform(case, "accept", staff, {})
    [record] = get(http, f"requests/{number}.json", api_key).get_json()
    assert (record["status"], record["status_notes"]) == ("open", "处置中")
    workflow.perform(case, "rectify", staff, {"note": "内部：已联系保洁公司"})
    workflow.perform(
        case, "verify", make_user("supervisor"), {"result": "pass", "note": "已清理干净"}
    )
    db.session.commit()
    [record] = get(http, f"requests/{number}.json", api_key).get_json()
    assert record["status"] == "closed"
    assert record["status_notes"] == "已结案（经现场核查）：已清理干净"
    assert record["service_notice"] is None
    english = get(http, f"requests/{number}.xml", api_key, locale="en")
    notes = xml(english).find("request/status_notes").text
    assert notes == "Closed after on-site verification: 已清理干净"
    assert number in numbers(get(http, "requests.json", api_key, status="closed"))
    assert "内部" not in get(http, f"requests/{number}.json", api_key).get_data(as_text=True)


def test_an_invalidated_request_is_closed_with_the_reason(http, api_key):
    number = created(http, api_key)
    workflow.perform(case_of(number), "invalidate", supervisor(), {"reason": "重复上报"})
    [record] = get(http, f"requests/{number}.json", api_key).get_json()
    assert (record["status"], record["status_notes"]) == ("closed", "已作废：重复上报")


# -- signed media links -----------------------------------------------------------------------


@pytest.fixture
def with_photo(http, api_key) -> tuple[str, CasePhoto]:
    number = created_multipart(http, api_key, {"media": (io.BytesIO(jpeg()), "photo.jpg")})
    return number, case_of(number).photos[0]


def test_media_url_is_a_signed_link_to_the_display_copy(http, api_key, with_photo, media_root):
    number, photo = with_photo
    [record] = get(http, f"requests/{number}.json", api_key).get_json()
    assert record["media_url"].startswith("http://localhost/open311/v2/media/")
    response = fetch(http, record["media_url"])  # no key, no session
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == (media_root / photo.display_key).read_bytes()
    assert photo.original_key.rsplit("/", 1)[-1] not in record["media_url"]
    url = xml(get(http, f"requests/{number}.xml", api_key)).find("request/media_url").text
    assert fetch(http, url).status_code == 200


def test_a_tampered_media_token_is_refused(http, api_key, with_photo):
    number, _ = with_photo
    [record] = get(http, f"requests/{number}.json", api_key).get_json()
    url = record["media_url"]
    token = url.rsplit("/", 1)[-1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert "expired or invalid" in json_error(fetch(http, url.replace(token, forged)), 403)
    other_photo = token.replace(token.split(".")[0], "OTk5OTk5")  # another id, same signature
    assert fetch(http, url.replace(token, other_photo)).status_code == 403


def test_a_media_link_expires_after_an_hour(http, api_key, with_photo, monkeypatch):
    number, _ = with_photo
    two_hours_ago = datetime.now(UTC).timestamp() - 7200

    class Earlier:
        @staticmethod
        def time():
            return two_hours_ago

    with monkeypatch.context() as patched:
        patched.setattr(itsdangerous.timed, "time", Earlier)
        [record] = get(http, f"requests/{number}.json", api_key).get_json()
    assert "expired" in json_error(fetch(http, record["media_url"]), 403)


# -- the CLI ------------------------------------------------------------------------------------


@pytest.fixture
def cli(app, db_session):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args), catch_exceptions=False)


def test_apikeys_create_prints_the_key_once_list_never_does_and_revoke_works(cli, http):
    created_ = cli("apikeys", "create", "12345-Hotline")
    assert created_.exit_code == 0
    clear = created_.stdout.strip()
    assert clear.startswith("o311_") and len(clear) > 40
    listing = cli("apikeys", "list")
    assert "12345-hotline\t" in listing.stdout and "open311-12345-hotline" in listing.stdout
    assert clear not in listing.stdout and "active" in listing.stdout
    assert get(http, "services.json", clear).status_code == 200
    assert cli("apikeys", "revoke", "12345-hotline").exit_code == 0
    assert get(http, "services.json", clear).status_code == 403
    account = db.session.scalar(select(User).where(User.username == "open311-12345-hotline"))
    assert account.role == "inspector" and account.active is False
    assert "revoked" in cli("apikeys", "list").stdout


@pytest.mark.parametrize(
    "args, reason",
    [
        (("apikeys", "create", "bad name!"), "NAME"),
        (("apikeys", "revoke", "nobody"), "no active API key"),
    ],
)
def test_apikeys_bad_input_gives_one_line_and_exit_1(cli, args, reason):
    result = cli(*args)
    assert result.exit_code == 1 and reason in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_apikeys_names_stay_taken_after_revocation(cli):
    cli("apikeys", "create", "platform")
    cli("apikeys", "revoke", "platform")
    result = cli("apikeys", "create", "platform")
    assert result.exit_code == 1 and "taken" in result.output


# -- a third-party client ---------------------------------------------------------------------


@pytest.fixture
def live_request(live_app, live_server, monkeypatch) -> str:
    """A request POSTed to the live server; reads made public, as `georeport` sends no key."""
    with live_app.app_context():
        _, clear = keys.create_api_key(f"georeport-{uuid.uuid4().hex[:8]}")
        db.session.commit()
    response = requests.post(
        f"{live_server}{BASE}/requests.json",
        data={
            "api_key": clear,
            "service_code": "01-01",
            "lat": JINSHUI[1],
            "long": JINSHUI[0],
            "description": "third-party check",
        },
        timeout=30,
    )
    assert response.status_code == 201, response.text
    monkeypatch.setitem(live_app.config, "OPEN311_PUBLIC_READ", True)
    return response.json()[0]["service_request_id"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_our_services_and_requests(live_server, live_request, fmt):
    from georeport import GeoReport

    client = GeoReport(f"{live_server}{BASE}", jurisdiction="zhengzhou", output_format=fmt)
    services = client.get_service_list()
    assert "01-01" in {service["service_code"] for service in services}
    definition = client.get_service_definition("01-01")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    assert [attribute["code"] for attribute in attributes] == ["severity", "context", "client_id"]
    listed = client.get_service_requests(service_code="01-01", status="open")
    listed = [listed] if isinstance(listed, dict) else listed
    assert live_request in {request["service_request_id"] for request in listed}
    one = client.get_service_request(live_request)
    assert one["service_request_id"] == live_request
    assert one["status"] == "open" and one["service_code"] == "01-01"
    assert float(one["lat"]) == JINSHUI[1] and float(one["long"]) == JINSHUI[0]
