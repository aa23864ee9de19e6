"""Health check, OpenAPI document, JSON errors, security headers, locale."""

from openapi_spec_validator import validate

from inspector.openapi import openapi_document
from tests.conftest import make_test_app


def test_healthz_reports_postgis_when_the_database_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["postgis"].startswith("3.")


def test_healthz_answers_503_when_the_database_is_down(tmp_path):
    down = make_test_app("postgresql+psycopg://nobody:x@127.0.0.1:1/none", tmp_path)
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": False, "postgis": None}


def test_openapi_document_is_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document == openapi_document()


def test_every_api_route_is_documented_and_every_documented_route_exists(app):
    documented = {
        (path, method.upper())
        for path, operations in openapi_document()["paths"].items()
        for method in operations
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith(".static"):
            continue  # a stylesheet for the printable case record, not an API
        if rule.rule.startswith("/api/v1") or rule.rule == "/healthz":
            path = rule.rule.replace("<", "{").replace(">", "}")
            path = path.replace("{path:", "{").replace("{int:", "{")
            served |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented


def test_unknown_api_path_gets_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_errors_are_chinese_by_default_and_english_on_request(client):
    assert client.get("/api/v1/units").get_json()["error"]["message"] == "请先登录。"
    english = client.get("/api/v1/units", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert english.get_json()["error"]["message"] == "Please log in."


def test_responses_carry_a_strict_content_security_policy(client):
    headers = client.get("/healthz").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_api_paths_never_fall_back_to_the_pwa(client):
    assert client.get("/api/whatever").status_code == 404


def test_client_config_lists_contexts_and_the_map_settings(client):
    config = client.get("/api/v1/client-config").get_json()
    assert {"code": "wet_market", "name_zh": "农贸市场", "name_en": "Wet market"} in config[
        "contexts"
    ]
    assert config["map"]["tile_url"] is None and len(config["map"]["center"]) == 2


def test_a_configured_tile_server_is_allowed_for_images_only(tmp_path, database_url_for_tests):
    tiled = make_test_app(
        database_url_for_tests,
        tmp_path,
        MAP_TILE_URL="https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}",
    )
    policy = tiled.test_client().get("/api/v1/client-config").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://*.tianditu.gov.cn" in policy
    assert "connect-src 'self'" in policy
