"""Configuration, read once from the environment when the app is created."""

import os
import secrets
from pathlib import Path

from inspector import embedded_db

DEFAULT_WORKING_HOURS = "08:30-12:00,14:00-18:00"


def load_config(instance_path: Path, environ=os.environ) -> dict:
    """Everything the app needs, from environment variables with safe local defaults."""
    media_root = Path(environ.get("MEDIA_ROOT") or instance_path / "media")
    return {
        "SECRET_KEY": environ.get("SECRET_KEY") or _local_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path, environ),
        # No pre-ping: it costs a round trip per request; a dropped connection fails one request
        # and SQLAlchemy then replaces the whole pool. DB_PRE_PING=1 turns it back on.
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": _flag(environ.get("DB_PRE_PING", "0")),
            "pool_size": 5,
            "max_overflow": 5,
        },
        "MEDIA_ROOT": str(media_root),
        "TRUSTED_PROXIES": int(environ.get("TRUSTED_PROXIES", "0")),
        "PWA_DIST": environ.get("PWA_DIST") or str(Path(__file__).parent.parent / "pwa" / "dist"),
        "SESSION_COOKIE_SECURE": _flag(environ.get("SECURE_COOKIES", "0")),
        "REMEMBER_COOKIE_SECURE": _flag(environ.get("SECURE_COOKIES", "0")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * int(environ.get("REMEMBER_DAYS", "30")),
        # The token lives as long as the session: phones stay logged in for weeks.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_HEADERS": ["X-CSRFToken", "X-CSRF-Token"],
        # werkzeug's scrypt defaults (N=2^15): memory-hard and ~50 ms per check on purpose.
        "PASSWORD_HASH_METHOD": environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "LOGIN_MAX_FAILURES": int(environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_MAX_FAILURES_PER_IP": int(environ.get("LOGIN_MAX_FAILURES_PER_IP", "30")),
        "LOGIN_WINDOW_SECONDS": int(environ.get("LOGIN_WINDOW_SECONDS", "900")),
        # Five photos of up to PHOTO_MAX_BYTES each, plus the form: bigger bodies get a 413.
        "MAX_CONTENT_LENGTH": int(environ.get("MAX_CONTENT_LENGTH", str(80 * 1024 * 1024))),
        "PHOTO_MAX_BYTES": int(environ.get("PHOTO_MAX_BYTES", str(15 * 1024 * 1024))),
        "PHOTO_MAX_PIXELS": int(environ.get("PHOTO_MAX_PIXELS", "40000000")),
        "VERIFY_MAX_DISTANCE_M": float(environ.get("VERIFY_MAX_DISTANCE_M", "50")),
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_SUPPORTED_LOCALES": ["zh", "en"],
        "WORKING_HOURS": environ.get("WORKING_HOURS", DEFAULT_WORKING_HOURS),
        # Map tiles for the PWA, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png or a
        # Tianditu URL with its key; empty: the map draws cases and zones without a base map.
        "MAP_TILE_URL": environ.get("MAP_TILE_URL", ""),
        "MAP_TILE_ATTRIBUTION": environ.get("MAP_TILE_ATTRIBUTION", ""),
        "MAP_CENTER": environ.get("MAP_CENTER", "113.6654,34.7579"),  # Zhengzhou
        "MAP_TILE_SUBDOMAINS": environ.get("MAP_TILE_SUBDOMAINS", "abc"),  # Tianditu: 01234567
        "MAP_MAX_ZOOM": int(environ.get("MAP_MAX_ZOOM", "18")),
        "SCORING_FILE": environ.get("SCORING_FILE"),
        "JSON_SORT_KEYS": False,
        # Open311 GeoReport v2 (inspector/open311): reads need an API key unless public; a
        # request's media_url is fetched only when allowed, and then only from public addresses
        # unless OPEN311_FETCH_MEDIA_PRIVATE (a 12345 platform on the government network).
        "JURISDICTION_ID": environ.get("JURISDICTION_ID", "zhengzhou"),
        "OPEN311_PUBLIC_READ": _flag(environ.get("OPEN311_PUBLIC_READ", "0")),
        "OPEN311_FETCH_MEDIA": _flag(environ.get("OPEN311_FETCH_MEDIA", "0")),
        "OPEN311_FETCH_MEDIA_PRIVATE": _flag(environ.get("OPEN311_FETCH_MEDIA_PRIVATE", "0")),
        "OPEN311_MEDIA_URL_SECONDS": int(environ.get("OPEN311_MEDIA_URL_SECONDS", "3600")),
        "OPEN311_MAX_REQUESTS": int(environ.get("OPEN311_MAX_REQUESTS", "1000")),
        "OPEN311_CONTACT": environ.get("OPEN311_CONTACT", "城市管理指挥中心 (city command centre)"),
    }


def database_url(instance_path: Path, environ=os.environ) -> str:
    """`DATABASE_URL` when set, otherwise the project's own embedded cluster."""
    url = environ.get("DATABASE_URL")
    if url:
        # Accept the common `postgres://` and driverless forms; we use psycopg 3.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url
    cluster = embedded_db.Cluster.for_instance(instance_path)
    if not cluster.credentials_path.exists():
        # Not initialised yet (`inspector db up` is about to do it): a URL that fails on use.
        return embedded_db.UNINITIALISED_URL
    return cluster.url()


def _local_secret_key(instance_path: Path) -> str:
    """A per-checkout random key kept in instance/, so no secret lives in the repository."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker created it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}
