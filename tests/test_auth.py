"""Login, logout, throttling, CSRF, tokens, and the role x endpoint table."""

import pytest

from inspector.auth import services
from tests.conftest import TEST_PASSWORD, ApiClient


def test_login_then_session_shows_the_user_and_logout_ends_it(client, make_user):
    user = make_user("inspector")
    response = client.login(user.username)
    assert response.status_code == 200
    assert response.get_json()["user"]["role"] == "inspector"
    assert client.get("/api/v1/auth/session").get_json()["user"]["username"] == user.username
    assert client.post("/api/v1/auth/logout").status_code == 200
    assert client.get("/api/v1/auth/session").get_json()["user"] is None


def test_wrong_password_is_refused_with_a_message(client, make_user):
    user = make_user("inspector")
    response = client.login(user.username, "wrong password")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_credentials"
    assert client.get("/api/v1/units").status_code == 401


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client):
    response = client.login("nobody-at-all", "whatever123")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_credentials"


def test_login_is_throttled_after_five_failures_even_with_the_right_password(client, make_user):
    user = make_user("inspector")
    for _ in range(5):
        assert client.login(user.username, "wrong password").status_code == 401
    response = client.login(user.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_attempts"


def test_disabled_user_cannot_log_in(client, make_user):
    user = make_user("inspector")
    services.set_user_active(user.username, False)
    assert client.login(user.username).status_code == 401


def test_a_write_without_the_csrf_token_is_refused(app, db_session, make_user):
    user = make_user("admin")
    api = ApiClient(app.test_client())
    assert api.login(user.username).status_code == 200
    raw = api.client.post(
        "/api/v1/units", json={"code": "X1", "name_zh": "某单位", "kind": "street_office"}
    )
    assert raw.status_code == 400
    assert raw.get_json()["error"]["code"] == "csrf_failed"
    forged = api.client.post(
        "/api/v1/units",
        json={"code": "X1", "name_zh": "某单位", "kind": "street_office"},
        headers={"X-CSRFToken": "forged"},
    )
    assert forged.status_code == 400


def test_login_itself_needs_the_csrf_token(app, db_session, make_user):
    user = make_user("inspector")
    raw = app.test_client().post(
        "/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD}
    )
    assert raw.status_code == 400


def test_session_cookie_is_http_only_and_same_site(client, make_user):
    user = make_user("inspector")
    response = client.login(user.username)
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    assert "HttpOnly" in cookies and "SameSite=Lax" in cookies


def test_bearer_token_works_without_csrf_and_stops_working_when_revoked(app, db_session, make_user):
    admin = make_user("admin")
    token = services.create_token(admin, "script")
    http = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    created = http.post(
        "/api/v1/units",
        headers=headers,
        json={"code": "T-1", "name_zh": "脚本单位", "kind": "street_office"},
    )
    assert created.status_code == 201
    services.revoke_token(token[:12])
    assert http.get("/api/v1/units", headers=headers).status_code == 401


def test_a_token_of_a_disabled_user_is_refused_at_once(app, db_session, make_user):
    admin = make_user("admin")
    token = services.create_token(admin, "script")
    http = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert http.get("/api/v1/units", headers=headers).status_code == 200
    services.set_user_active(admin.username, False)
    assert http.get("/api/v1/units", headers=headers).status_code == 401


def test_token_use_is_recorded_but_not_rewritten_within_five_minutes(app, db_session, make_user):
    from datetime import timedelta

    from inspector.auth.models import ApiToken

    token = services.create_token(make_user("admin"), "script")
    stored = db_session.scalar(db_session.query(ApiToken).filter_by(prefix=token[:12]).statement)
    assert stored.last_used_at is None
    http = app.test_client()
    assert (
        http.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    db_session.refresh(stored)
    first_use = stored.last_used_at
    assert first_use is not None
    stored.last_used_at = first_use - timedelta(minutes=4)
    db_session.flush()
    http.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"})
    db_session.refresh(stored)
    assert stored.last_used_at == first_use - timedelta(minutes=4)
    stored.last_used_at = first_use - timedelta(minutes=6)
    db_session.flush()
    http.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"})
    db_session.refresh(stored)
    assert stored.last_used_at > first_use - timedelta(minutes=1)


def test_a_token_revoked_elsewhere_is_refused_at_the_next_request(live_app, committed_user):
    """Outside a test transaction, as in production: nothing about a token is cached."""
    from inspector.extensions import db

    with live_app.app_context():
        token = services.create_token(services.get_user(committed_user("admin")[0]), "script")
        db.session.commit()
    http = live_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert http.get("/api/v1/users", headers=headers).status_code == 200
    with live_app.app_context():
        services.revoke_token(token[:12])
        db.session.commit()
    assert http.get("/api/v1/users", headers=headers).status_code == 401


def test_after_the_token_read_the_request_still_runs_in_one_transaction(live_app):
    """The token is read without a transaction; what the request does next must not be."""
    from psycopg.pq import TransactionStatus
    from sqlalchemy import text

    from inspector.extensions import db

    with live_app.app_context():
        assert services._read_without_transaction("SELECT 1", {}) == (1,)
        raw = db.session.connection().connection.dbapi_connection
        assert raw.info.transaction_status == TransactionStatus.IDLE and not raw.autocommit
        db.session.execute(text("SELECT 1"))
        assert raw.info.transaction_status == TransactionStatus.INTRANS
        db.session.rollback()


def test_a_bearer_header_ignores_a_logged_in_cookie(client, make_user):
    user = make_user("admin")
    client.login(user.username)
    response = client.get("/api/v1/users", headers={"Authorization": "Bearer insp_forged"})
    assert response.status_code == 401


def test_tokens_are_stored_hashed(db_session, make_user):
    from inspector.auth.models import ApiToken

    token = services.create_token(make_user("admin"), "script")
    stored = db_session.scalars(db_session.query(ApiToken).statement).all()[-1]
    assert token not in (stored.token_hash, stored.prefix)
    assert stored.token_hash != token


def test_passwords_are_hashed_with_scrypt(make_user):
    assert make_user("inspector").password_hash.startswith("scrypt:")


# (role, method, path, body, expected status); None = not logged in
ACCESS = [
    (None, "GET", "/api/v1/units", None, 401),
    (None, "GET", "/api/v1/categories", None, 401),
    (None, "GET", "/healthz", None, 200),
    (None, "GET", "/api/v1/openapi.json", None, 200),
    ("inspector", "GET", "/api/v1/units", None, 200),
    ("inspector", "GET", "/api/v1/categories", None, 200),
    ("inspector", "GET", "/api/v1/users", None, 403),
    (
        "inspector",
        "POST",
        "/api/v1/units",
        {"code": "A1", "name_zh": "甲", "kind": "sanitation"},
        403,
    ),
    ("inspector", "PATCH", "/api/v1/categories/01-01", {"name_zh": "改"}, 403),
    ("staff", "GET", "/api/v1/units", None, 200),
    ("staff", "GET", "/api/v1/users", None, 403),
    (
        "staff",
        "POST",
        "/api/v1/users",
        {"username": "x", "role": "admin", "password": "x" * 9},
        403,
    ),
    ("supervisor", "GET", "/api/v1/users", None, 200),
    (
        "supervisor",
        "POST",
        "/api/v1/units",
        {"code": "A2", "name_zh": "乙", "kind": "sanitation"},
        403,
    ),
    ("supervisor", "PATCH", "/api/v1/categories/01-01", {"name_zh": "改"}, 403),
    ("admin", "GET", "/api/v1/users", None, 200),
    ("admin", "POST", "/api/v1/units", {"code": "A3", "name_zh": "丙", "kind": "sanitation"}, 201),
    (
        "admin",
        "POST",
        "/api/v1/users",
        {"username": "new-inspector", "role": "inspector", "password": "long enough"},
        201,
    ),
    ("admin", "PATCH", "/api/v1/categories/01-01", {"name_zh": "暴露垃圾（改）"}, 200),
]


@pytest.mark.parametrize(("role", "method", "path", "body", "expected"), ACCESS)
def test_role_may_or_may_not_use_endpoint(client, login_as, role, method, path, body, expected):
    api = login_as(role) if role else client
    kwargs = {"json": body} if body is not None else {}
    response = api.get(path) if method == "GET" else api._write(method, path, **kwargs)
    assert response.status_code == expected, response.get_json()


def test_staff_must_name_a_unit_and_weak_passwords_are_refused(login_as):
    admin = login_as("admin")
    no_unit = admin.post(
        "/api/v1/users", json={"username": "s1", "role": "staff", "password": "long enough"}
    )
    assert no_unit.status_code == 400
    assert "unit" in no_unit.get_json()["error"]["fields"]
    weak = admin.post(
        "/api/v1/users", json={"username": "s2", "role": "inspector", "password": "short"}
    )
    assert weak.status_code == 400


def test_behind_a_trusted_proxy_throttling_sees_the_real_client(tmp_path, database_url_for_tests):
    from flask import request

    from tests.conftest import make_test_app

    proxied = make_test_app(database_url_for_tests, tmp_path, TRUSTED_PROXIES=1)
    seen = []
    proxied.before_request(lambda: seen.append(request.remote_addr))
    try:
        proxied.test_client().get(
            "/api/v1/openapi.json",
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
    finally:
        from inspector.extensions import db

        with proxied.app_context():
            db.engine.dispose()
    assert seen == ["203.0.113.7"]
