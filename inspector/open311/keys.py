"""API keys of Open311 integrations, and who may read and write through them.

`inspector apikeys create NAME` makes a service account `open311-NAME` (role inspector, a random
password nobody knows, so it cannot log in) and one key for it; cases the integration reports
carry that account as their reporter, so the archive says which system sent them. Revoking the
key also disables the account. Names stay taken after revocation, for the same record.

The key is sent as the `api_key` parameter, as the spec says, in the body of a POST or the query
string of a GET. It is a credential, not a field: missing or wrong, the answer is 403.
"""

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from inspector.auth import services as auth
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.open311.formats import Open311Error
from inspector.open311.models import Open311ApiKey

KEY_PREFIX = "o311_"  # makes a leaked key greppable
SERVICE_ACCOUNT_PREFIX = "open311-"
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,59}")
USE_RESOLUTION = timedelta(minutes=5)


def create_api_key(name: str) -> tuple[Open311ApiKey, str]:
    """A key and its service account; the clear key is returned once and never stored."""
    name = name.strip().lower()
    if not NAME_PATTERN.fullmatch(name):
        raise ApiError(400, "validation_error", "NAME: 1 to 60 of a-z, 0-9, dot, dash, underscore")
    if db.session.scalar(select(Open311ApiKey.id).where(Open311ApiKey.name == name)):
        raise ApiError(400, "validation_error", f"NAME: {name} is taken (revoked keys keep theirs)")
    user = auth.create_user(
        SERVICE_ACCOUNT_PREFIX + name,
        "inspector",
        secrets.token_urlsafe(32),
        display_name=f"Open311: {name}",
    )
    clear = KEY_PREFIX + secrets.token_urlsafe(32)
    key = Open311ApiKey(name=name, key_hash=_digest(clear), prefix=clear[:12], user=user)
    db.session.add(key)
    db.session.flush()
    return key, clear


def list_api_keys() -> list[Open311ApiKey]:
    query = select(Open311ApiKey).options(joinedload(Open311ApiKey.user))
    return list(db.session.scalars(query.order_by(Open311ApiKey.name)))


def revoke_api_key(name_or_prefix: str) -> Open311ApiKey:
    value = name_or_prefix.strip()
    key = db.session.scalar(
        select(Open311ApiKey).where(
            or_(Open311ApiKey.name == value.lower(), Open311ApiKey.prefix == value[:12]),
            Open311ApiKey.revoked_at.is_(None),
        )
    )
    if key is None:
        raise ApiError(404, "not_found", f"no active API key named or starting with {value[:12]}")
    key.revoked_at = _now()
    key.user.active = False
    db.session.flush()
    return key


def authenticate(clear: str | None) -> Open311ApiKey:
    if not clear:
        raise Open311Error(403, "api_key was not provided")
    key = db.session.scalar(
        select(Open311ApiKey)
        .options(joinedload(Open311ApiKey.user))
        .where(Open311ApiKey.key_hash == _digest(clear), Open311ApiKey.revoked_at.is_(None))
    )
    if key is None or not key.user.active:
        raise Open311Error(403, "api_key is invalid or revoked")
    _note_use(key)
    return key


def check_read_access(clear: str | None) -> None:
    """Reads need a key unless an admin set OPEN311_PUBLIC_READ; a key that is sent must work."""
    if clear or not current_app.config["OPEN311_PUBLIC_READ"]:
        authenticate(clear)


def _note_use(key: Open311ApiKey) -> None:
    """At most one write every few minutes: a write per call would double a read's cost."""
    now = _now()
    if key.last_used_at is None or now - key.last_used_at > USE_RESOLUTION:
        key.last_used_at = now
        db.session.commit()  # nothing else has happened in this request yet


def _digest(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # the column is naive UTC, as for api_tokens
