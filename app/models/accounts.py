"""Accounts: users with a role, and API tokens stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.base import utcnow

ROLES = ("regisseur", "bestuurder", "ict_lead")


def hash_token(token: str) -> str:
    """SHA-256 of a random token; random tokens need no salt or slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), nullable=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Part of the session id: logout and a password change or reset raise it, so every cookie
    # issued before (a copied session cookie, a remember cookie) stops working on the server.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The language the user last chose in the interface ('nl' or 'en'): their mails follow it.
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation = relationship("Organisation", foreign_keys=[organisation_id])

    def set_password(self, password: str) -> None:
        # scrypt by default; the test configuration picks a cheap method so suites stay fast.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login consults this on every request
        return bool(self.active)

    def get_id(self) -> str:
        # Part of the password hash and the session generation in the session id: a password
        # change logs out other sessions, and logout ends the session on the server.
        return f"{self.id}:{self.password_hash[-8:]}:{self.session_generation or 0}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember cookie of this user (no commit)."""
        self.session_generation = (self.session_generation or 0) + 1

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user = relationship("User")

    @staticmethod
    def new_secret() -> str:
        return "dv_" + secrets.token_urlsafe(32)


class LoginThrottle(db.Model):
    """Failed sign-ins per account and client address (and per account overall), for backoff.

    `key` is a keyed hash (SECRET_KEY) of the normalised email and the address, so the table
    holds no address or email in the clear and unknown emails are throttled like known ones."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    account: Mapped[str] = mapped_column(String(64), index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
