"""Authentication: password hashing, login throttling, tokens, and who may do what."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import wraps

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import LoginManager, current_user
from psycopg.pq import TransactionStatus
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, make_transient_to_detached
from werkzeug.security import check_password_hash, generate_password_hash

from inspector.auth.models import ROLES, ApiToken, LoginAttempt, User
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.security import uses_bearer_token
from inspector.units.models import Unit
from inspector.zones.index import CURRENT_GENERATION_SQL, note_routing_generation

TOKEN_PREFIX = "insp_"  # noqa: S105 (a marker that makes leaked tokens greppable)
MIN_PASSWORD_LENGTH = 8
TOKEN_USE_RESOLUTION = timedelta(minutes=5)
# A real hash to compare against when the user does not exist, so timing does not tell.
_DUMMY_HASH = generate_password_hash("not-a-password", method="scrypt")


# -- login manager wiring ---------------------------------------------------------------------


def init_login_manager(manager: LoginManager) -> None:
    manager.user_loader(_load_session_user)
    manager.request_loader(_load_token_user)
    manager.unauthorized_handler(_unauthorized)
    manager.session_protection = "basic"


def _load_session_user(user_id: str) -> User | None:
    if uses_bearer_token():  # a token request authenticates with the token alone
        return None
    user = db.session.get(User, int(user_id))
    return user if user and user.active else None


# The owner of an active token, and the routing generation: the route API is the busiest token
# endpoint, and reading the generation here spares it a second round trip.
_USER_COLUMNS = tuple(column.key for column in User.__table__.columns)
_TOKEN_OWNER_SQL = (  # noqa: S608 (only constants: a subquery and the model's columns)
    "SELECT t.id, t.last_used_at, ({generation}), {user_columns} "
    "FROM api_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE t.token_hash = %(digest)s AND t.revoked_at IS NULL AND u.active"
).format(
    generation=CURRENT_GENERATION_SQL,
    user_columns=", ".join(f"u.{name}" for name in _USER_COLUMNS),
)


def _load_token_user(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    digest = _token_digest(header.removeprefix("Bearer ").strip())
    row = _read_without_transaction(_TOKEN_OWNER_SQL, {"digest": digest})
    if row is None:  # unknown, revoked, or its user disabled: refused at once, nothing cached
        return None
    token_id, last_used_at, generation, *user_values = row
    note_routing_generation(generation)
    if _token_use_is_stale(last_used_at):
        _note_token_use(token_id)
    return _session_user(dict(zip(_USER_COLUMNS, user_values, strict=True)))


def _read_without_transaction(sql: str, params: dict) -> tuple | None:
    """One row of one read statement, on the session's connection, without BEGIN and ROLLBACK.

    They were two of the four round trips of a token request, and psycopg forgets its prepared
    statements at every ROLLBACK; a single statement reads one snapshot anyway. Once a
    transaction is open (later in a request, or a test's outer transaction) the read joins it.
    This goes to psycopg directly: SQLAlchemy's execution layer cost twice the query itself.
    """
    raw = db.session.connection().connection.dbapi_connection
    if raw.info.transaction_status != TransactionStatus.IDLE:
        return raw.execute(sql, params).fetchone()
    raw.autocommit = True
    try:
        return raw.execute(sql, params).fetchone()
    finally:
        if not raw.closed:
            raw.autocommit = False


def _session_user(values: dict) -> User:
    """The User of these column values, in the session as if it had loaded them itself."""
    existing = db.session.identity_map.get(db.session.identity_key(User, values["id"]))
    if existing is not None:
        return existing
    user = User(**values)
    make_transient_to_detached(user)
    db.session.add(user)
    return user


def _token_use_is_stale(last_used_at: datetime | None) -> bool:
    now = datetime.now(UTC).replace(tzinfo=None)
    return last_used_at is None or now - last_used_at > TOKEN_USE_RESOLUTION


def _note_token_use(token_id: int) -> None:
    """Record use at most every few minutes: a write per API call would double its cost."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id)
        .values(last_used_at=datetime.now(UTC).replace(tzinfo=None))
    )
    db.session.commit()  # nothing else has happened in this request yet


def _unauthorized():
    raise ApiError(401, "unauthorized", _("Please log in."))


# -- passwords and login ----------------------------------------------------------------------


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ApiError(
            400,
            "weak_password",
            _("Passwords need at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            {"password": _("too short")},
        )


def authenticate(username: str, password: str, ip: str) -> User:
    """The user for these credentials, or an error; failures count towards throttling."""
    username = username.strip().lower()
    if login_is_throttled(username, ip):
        raise ApiError(429, "too_many_attempts", _("Too many failed logins; wait 15 minutes."))
    user = db.session.scalar(select(User).where(User.username == username))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and valid and user.active):
        record_failed_login(username, ip)
        raise ApiError(401, "bad_credentials", _("Wrong user name or password."))
    return user


def login_is_throttled(username: str, ip: str) -> bool:
    config = current_app.config
    since = datetime.now(UTC).replace(tzinfo=None) - timedelta(
        seconds=config["LOGIN_WINDOW_SECONDS"]
    )
    recent = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since)
    by_user = db.session.scalar(recent.where(LoginAttempt.username == username))
    by_ip = db.session.scalar(recent.where(LoginAttempt.ip == ip))
    return by_user >= config["LOGIN_MAX_FAILURES"] or by_ip >= config["LOGIN_MAX_FAILURES_PER_IP"]


def record_failed_login(username: str, ip: str) -> None:
    db.session.add(LoginAttempt(username=username[:80], ip=ip[:64]))
    db.session.flush()


def forget_failed_logins(username: str) -> None:
    db.session.execute(db.delete(LoginAttempt).where(LoginAttempt.username == username))


# -- users ------------------------------------------------------------------------------------


def create_user(
    username: str, role: str, password: str, unit_code: str | None = None, display_name=None
) -> User:
    username = username.strip().lower()
    errors = {}
    if not username or len(username) > 80:
        errors["username"] = _("1 to 80 characters")
    elif db.session.scalar(select(User.id).where(User.username == username)):
        errors["username"] = _("already taken")
    if role not in ROLES:
        errors["role"] = _("one of %(roles)s", roles=", ".join(ROLES))
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code)) if unit_code else None
    if unit_code and unit is None:
        errors["unit"] = _("unknown unit code %(code)s", code=unit_code)
    if role == "staff" and not unit_code:
        errors["unit"] = _("staff must belong to a unit")
    if errors:
        raise ApiError(400, "validation_error", _("Some fields are invalid; see fields."), errors)
    check_password_strength(password)
    user = User(
        username=username,
        role=role,
        unit=unit,
        display_name=display_name,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def get_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ApiError(404, "not_found", _("No user named %(name)s.", name=username))
    return user


def set_user_active(username: str, active: bool) -> User:
    user = get_user(username)
    user.active = active
    db.session.flush()
    return user


# -- personal access tokens ---------------------------------------------------------------------


def create_token(user: User, name: str) -> str:
    """A new token for `user`; the clear text is returned once and never stored."""
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(user=user, name=name, token_hash=_token_digest(clear), prefix=clear[:12])
    )
    db.session.flush()
    return clear


def revoke_token(prefix_or_token: str) -> ApiToken:
    value = prefix_or_token.strip()
    token = _find_token(value) or db.session.scalar(
        select(ApiToken).where(ApiToken.prefix == value[:12], ApiToken.revoked_at.is_(None))
    )
    if token is None:
        raise ApiError(404, "not_found", _("No active token matches %(value)s.", value=value[:12]))
    token.revoked_at = datetime.now(UTC).replace(tzinfo=None)
    db.session.flush()
    return token


def _find_token(clear: str) -> ApiToken | None:
    return db.session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == _token_digest(clear), ApiToken.revoked_at.is_(None))
    )


def _token_digest(clear: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough (no KDF needed, unlike passwords).
    return hashlib.sha256(clear.encode()).hexdigest()


# -- access checks ----------------------------------------------------------------------------


def roles_required(*roles: str):
    """View decorator: 401 when not logged in, 403 when the role may not do this."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                raise ApiError(401, "unauthorized", _("Please log in."))
            if roles and current_user.role not in roles:
                raise ApiError(403, "forbidden", _("Your role may not do this."))
            return view(*args, **kwargs)

        return wrapped

    return decorator


login_required = roles_required()


def client_ip() -> str:
    # Behind a proxy, ProxyFix (TRUSTED_PROXIES) makes remote_addr the real client.
    return request.remote_addr or "unknown"
