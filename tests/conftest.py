"""Test fixtures: a throwaway PostGIS database built by the migrations, and SAVEPOINT isolation.

The database is created on the server the app would use (DATABASE_URL, or the embedded cluster
that `make test` starts), migrated with Alembic, and dropped at the end of the session. Each test
runs inside a transaction that is rolled back, so tests never see each other's rows.
"""

import os
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import flask_babel
import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.serving import make_server

from inspector import create_app, embedded_db
from inspector.config import database_url
from inspector.extensions import db
from tests import chromium

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
TEST_PASSWORD = "correct horse battery"


def shared_file(*parts: str) -> Path:
    """A file from ../shared/data, or skip the test when the shared folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not available: {path}")
    return path


# -- the throwaway database ----------------------------------------------------------------


def _server_url() -> str:
    instance = Path(os.environ.get("INSPECTOR_INSTANCE") or ROOT / "instance")
    return os.environ.get("TEST_DATABASE_URL") or database_url(instance)


@contextmanager
def throwaway_database(prefix: str):
    """A new database on the configured server, dropped at the end."""
    with embedded_db.throwaway_database(_server_url(), prefix) as url:
        yield url


@pytest.fixture(scope="session")
def database_url_for_tests():
    with throwaway_database("inspector_test") as url:
        yield url


def prepare_database() -> None:
    """What every environment has before use: the schema, the taxonomy, the calendar."""
    from inspector.cases.clock import ensure_default_calendar
    from inspector.categories.services import load_taxonomy

    upgrade()  # the migrations are the only source of the schema, in tests too
    load_taxonomy()
    ensure_default_calendar()
    db.session.commit()


class FreshRequestClient(FlaskClient):
    """Requests in tests reuse the test's app context: give each one a fresh `g`, as in real life
    (it caches the logged-in user, the CSRF token and the locale)."""

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in list(g):
                g.pop(key)
            flask_babel.refresh()
        return super().open(*args, **kwargs)


def make_test_app(url: str, media_root: Path, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "MEDIA_ROOT": str(media_root),
        # Cheap scrypt parameters: tests create hundreds of users, none needs brute-force cost.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        **overrides,
    }
    app = create_app(config)
    app.test_client_class = FreshRequestClient
    return app


@pytest.fixture(scope="session")
def app(database_url_for_tests, tmp_path_factory):
    app = make_test_app(database_url_for_tests, tmp_path_factory.mktemp("media"))
    with app.app_context():
        prepare_database()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def db_session(app):
    """Every test inside one outer transaction; app commits become SAVEPOINT releases.

    Flask-SQLAlchemy picks its engine itself (it ignores a session `bind`), so the engine is
    swapped for one connection that holds the outer transaction, rolled back afterwards.
    """
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection
        original = db.session
        db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()
            engines[None] = engine


# -- factories ------------------------------------------------------------------------------


@pytest.fixture
def make_unit(db_session):
    from inspector.units.services import create_unit

    def factory(code=None, kind="district_government", parent=None, district="410105", name=None):
        code = code or f"U-{uuid.uuid4().hex[:8]}"
        return create_unit(code, name or f"单位{code}", kind, parent, district)

    return factory


@pytest.fixture
def make_user(db_session, make_unit):
    from inspector.auth.services import create_user

    def factory(role="inspector", unit=None, username=None, password=TEST_PASSWORD):
        if role == "staff" and unit is None:
            unit = make_unit().code
        username = username or f"{role}-{uuid.uuid4().hex[:8]}"
        return create_user(username, role, password, unit)

    return factory


@pytest.fixture
def demo_city(db_session, tmp_path):
    """The generated demo city (units, zones, rules) inside the test's transaction."""
    from inspector.demo.services import load_demo

    load_demo(tmp_path)


@pytest.fixture
def media_root(app):
    return Path(app.config["MEDIA_ROOT"])


# -- HTTP clients ---------------------------------------------------------------------------


class ApiClient:
    """The Flask test client, logged in the way the PWA does it, sending the CSRF header."""

    def __init__(self, client):
        self.client = client
        self.csrf_token = None

    def refresh_csrf(self):
        self.csrf_token = self.client.get("/api/v1/auth/session").get_json()["csrf_token"]

    def login(self, username, password=TEST_PASSWORD):
        self.refresh_csrf()
        response = self.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        if response.status_code == 200:
            self.csrf_token = response.get_json()["csrf_token"]
        return response

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def _write(self, method, path, **kwargs):
        if self.csrf_token is None:
            self.refresh_csrf()
        headers = {"X-CSRFToken": self.csrf_token, **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def post(self, path, **kwargs):
        return self._write("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self._write("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self._write("DELETE", path, **kwargs)


@pytest.fixture
def client(app, db_session):
    return ApiClient(app.test_client())


@pytest.fixture
def login_as(app, db_session, make_user):
    """`login_as("staff")` -> an ApiClient logged in as a new user of that role."""

    def factory(role, unit=None):
        user = make_user(role, unit)
        api = ApiClient(app.test_client())
        assert api.login(user.username).status_code == 200
        api.user = user
        return api

    return factory


# -- a real server and a real browser -------------------------------------------------------


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """A second app on its own database with the demo city committed, for the live server.

    Browser tests commit for real; keeping them on their own database leaves the transactional
    tests' database untouched.
    """
    with throwaway_database("inspector_live") as url:
        served = make_test_app(url, tmp_path_factory.mktemp("live-media"))
        with served.app_context():
            from inspector.demo.services import load_demo

            prepare_database()
            created = load_demo(tmp_path_factory.mktemp("live-instance"))
            db.session.commit()
        served.config["DEMO_ACCOUNTS"] = {name: password for name, _, password in created}
        yield served
        with served.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def demo_accounts(live_app) -> dict[str, str]:
    """username -> password of the demo city's accounts on the live server."""
    return live_app.config["DEMO_ACCOUNTS"]


@pytest.fixture(scope="session")
def live_server(live_app):
    """The live app served over HTTP in a thread (sees only committed rows)."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def committed_user(live_app):
    """Create a user for real (committed) on the live server's database."""
    from inspector.auth.services import create_user
    from inspector.units.services import create_unit

    def factory(role="inspector", unit_code=None):
        with live_app.app_context():
            if role == "staff" and unit_code is None:
                unit_code = create_unit(
                    f"LIVE-{uuid.uuid4().hex[:8]}", "测试单位", "district_government"
                ).code
            user = create_user(
                f"live-{role}-{uuid.uuid4().hex[:8]}", role, TEST_PASSWORD, unit_code
            )
            db.session.commit()
            return user.username, TEST_PASSWORD

    return factory


class LiveApiUser:
    """A user talking to the live server's API from its own browser context (for test setup)."""

    def __init__(self, browser, live_server, username, password=TEST_PASSWORD):
        self.context = browser.new_context()
        self.base = live_server
        self.token = self.get("/api/v1/auth/session")["csrf_token"]
        login = self.post("/api/v1/auth/login", data={"username": username, "password": password})
        self.token = login["csrf_token"]

    def post(self, path, **kwargs):
        response = self.context.request.post(
            self.base + path, headers={"X-CSRFToken": self.token}, **kwargs
        )
        assert response.ok, response.text()
        return response.json()

    def get(self, path):
        response = self.context.request.get(self.base + path)
        assert response.ok, response.text()
        return response.json()


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = chromium.find_chromium()
    if executable is None:
        pytest.fail(chromium.MISSING)
    with playwright_api.sync_playwright() as playwright:
        browser = chromium.launch(playwright, executable)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()
