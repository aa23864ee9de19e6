"""Open311 integrations: their API keys, and what each request brought beyond the case itself."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspector.auth.models import User
from inspector.extensions import db


class Open311ApiKey(db.Model):
    """One key per integration (a 12345 hotline, a city platform), tied to its own service account.

    The key is not an `ApiToken`: it opens the Open311 endpoints only, never /api/v1. Only its
    SHA-256 is stored (keys carry 256 random bits, so a fast hash is enough).
    """

    __tablename__ = "open311_api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class Open311Request(db.Model):
    """The Open311 side of a case: which key sent it, the address as given, and the private
    reporter contact (email, names, phone, device and account ids), never returned by GET."""

    __tablename__ = "open311_requests"

    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cases.id"), primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("open311_api_keys.id"), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    address_id: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[dict] = mapped_column(JSONB, default=dict, server_default="{}")
    media_url: Mapped[str | None] = mapped_column(Text)  # as sent, kept for the record
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
