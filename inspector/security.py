"""Security headers on every response and CSRF on cookie-authenticated writes."""

from flask import Flask, request

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
    if request.method in SAFE_METHODS or uses_bearer_token():
        return
    csrf.protect()


def uses_bearer_token() -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
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
