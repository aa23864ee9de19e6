"""Photos across the Open311 boundary: signed links out, and (when allowed) fetching links in.

Out: `media_url` is a link to the display copy (EXIF stripped, ~1600 px) signed with the app's
SECRET_KEY and valid OPEN311_MEDIA_URL_SECONDS (1 h by default). Whoever holds the link sees
that one photo, without a session or a key; originals and other photos stay out of reach.

In: a request's `media_url` is fetched only when OPEN311_FETCH_MEDIA is on. The fetch is
plain HTTP(S) with no redirects, a deadline and a byte limit, and by default only to public
addresses (the server must not become a way to reach the intranet); the connection goes to the
address that was checked, so a DNS answer cannot change between the check and the fetch. Cities
whose 12345 platform keeps photos on the government network set OPEN311_FETCH_MEDIA_PRIVATE.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SIGNING_SALT = "open311-media"
FETCH_TIMEOUT_SECONDS = 10
FETCH_DEADLINE_SECONDS = 20
CHUNK = 64 * 1024


class MediaFetchError(ValueError):
    """The media_url could not be used; the message says why, for the caller to fix."""


# -- signed links -----------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SIGNING_SALT)


def sign_photo(photo_id: int) -> str:
    return _serializer().dumps(photo_id)


def photo_id_from_token(token: str) -> int | None:
    """The photo id, or None when the token is expired, tampered with or not ours."""
    try:
        photo_id = _serializer().loads(
            token, max_age=current_app.config["OPEN311_MEDIA_URL_SECONDS"]
        )
    except (SignatureExpired, BadSignature):
        return None
    return photo_id if isinstance(photo_id, int) else None


# -- fetching a caller's media_url ----------------------------------------------------------


def fetch(url: str, max_bytes: int, allow_private: bool) -> bytes:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MediaFetchError("media_url must be an http or https URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise MediaFetchError("media_url has an invalid port") from None
    address = _checked_address(parts.hostname, port, allow_private)
    connection_class = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path, headers={"Accept": "image/*", "User-Agent": "Inspector"})
        response = connection.getresponse()
        if response.status != 200:
            raise MediaFetchError(
                f"media_url answered HTTP {response.status} (redirects are not followed)"
            )
        return _read_limited(response, max_bytes)
    except (OSError, http.client.HTTPException) as exc:
        raise MediaFetchError(f"media_url could not be fetched ({type(exc).__name__})") from None
    finally:
        connection.close()


def _checked_address(host: str, port: int, allow_private: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise MediaFetchError("media_url: the host name does not resolve") from None
    addresses = [info[4][0] for info in infos]
    if not allow_private and not all(ipaddress.ip_address(a).is_global for a in addresses):
        raise MediaFetchError("media_url points to a private or local address")
    return addresses[0]


def _read_limited(response, max_bytes: int) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise MediaFetchError(f"media_url is larger than {max_bytes // (1024 * 1024)} MB")
    deadline = time.monotonic() + FETCH_DEADLINE_SECONDS
    data = bytearray()
    while chunk := response.read(CHUNK):
        data += chunk
        if len(data) > max_bytes:
            raise MediaFetchError(f"media_url is larger than {max_bytes // (1024 * 1024)} MB")
        if time.monotonic() > deadline:
            raise MediaFetchError("media_url took too long to download")
    return bytes(data)


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to by now."""

    def __init__(self, host: str, port: int, address: str):
        super().__init__(host, port, timeout=FETCH_TIMEOUT_SECONDS)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same, with TLS verified against the host name of the URL."""

    def __init__(self, host: str, port: int, address: str):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=FETCH_TIMEOUT_SECONDS, context=self.tls)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
