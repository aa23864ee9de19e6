"""Security headers on every response and CSRF on cookie-authenticated writes."""

import functools
import re
from urllib.parse import urlsplit

from flask import Flask, current_app, request

from inspector.extensions import csrf

# Strict: the PWA is built into same-origin files, with no inline script or style.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def register(app: Flask) -> None:
    app.before_request(protect_cookie_writes)
    app.after_request(add_security_headers)


def protect_cookie_writes() -> None:
    """CSRF applies to every write that a browser could forge with our cookies.

    Requests carrying a bearer token authenticate with that token alone (the session cookie is
    ignored for them), and browsers never attach such a header cross-site, so they need none.
    """
    if request.method in SAFE_METHODS or uses_bearer_token() or is_open311():
        return
    csrf.protect()


def is_open311() -> bool:
    """Open311 writes authenticate with the `api_key` parameter alone and never read the session
    cookie (GeoReport v2 clients are other servers, with no cookie and no CSRF token)."""
    return request.path.startswith("/open311/")


def uses_bearer_token() -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


def content_security_policy() -> str:
    """The strict policy, plus the map tile server's origin for images when one is configured."""
    return _policy_for(current_app.config.get("MAP_TILE_URL", ""))


@functools.lru_cache(maxsize=8)
def _policy_for(tile_url: str) -> str:
    tile_origin = tile_server_origin(tile_url)
    if not tile_origin:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data: blob:", f"img-src 'self' data: blob: {tile_origin}"
    )


def tile_server_origin(url: str) -> str | None:
    """https://t{s}.example.com/{z}/... -> https://*.example.com (CSP has no {s} templates)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    host = re.sub(r"^[^.]*\{s\}[^.]*\.", "*.", parts.netloc)
    return f"{parts.scheme}://{host}"


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")
    return response
