"""Account services: creating users, logging in with lockout, API tokens, password resets."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.extensions import db
from app.models import ROLES, ApiToken, Organisation, User, hash_token
from app.models.base import utcnow
from app.services import audit

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A Dutch, user-facing reason why an account action was refused."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn.")


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(*, email: str, name: str, role: str, password: str,
                organisation: Organisation | None = None) -> User:
    """Create a user (no commit). Raises AccountError with a Dutch reason."""
    email = normalise_email(email)
    if "@" not in email or "." not in email.split("@")[-1]:
        raise AccountError(f"'{email}' is geen geldig e-mailadres.")
    if role not in ROLES:
        raise AccountError(f"Onbekende rol '{role}'; kies uit {', '.join(ROLES)}.")
    if not (name or "").strip():
        raise AccountError("Vul een naam in.")
    validate_password(password)
    if find_user(email) is not None:
        raise AccountError(f"Er bestaat al een account met e-mailadres {email}.")
    user = User(email=email, name=name.strip(), role=role, organisation=organisation, active=True)
    user.set_password(password)
    db.session.add(user)
    return user


def _aware(value: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes; they are stored as UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def authenticate(email: str, password: str) -> tuple[User | None, str | None, int]:
    """Check a login. Returns (user, None, 0), (None, "invalid", 0) or (None, "locked", minutes).

    Commits the attempt, so failures count even when the request ends in an error page."""
    cfg = current_app.config
    user = find_user(email)
    if user is None:
        # Spend the same time on a hash check so a missing account is not revealed by timing.
        User(password_hash="scrypt:32768:8:1$x$" + "0" * 128).check_password(password or "")
        return None, "invalid", 0
    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > utcnow():
        minutes = max(1, int((locked_until - utcnow()).total_seconds() // 60) + 1)
        return None, "locked", minutes
    if not user.check_password(password or "") or not user.active:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= cfg["LOCKOUT_AFTER_FAILURES"]:
            user.locked_until = utcnow() + timedelta(minutes=cfg["LOCKOUT_MINUTES"])
            user.failed_logins = 0
            audit.record("account.locked", obj=user, actor_id=user.id)
        audit.record("login.failed", obj=user, actor_id=None)
        db.session.commit()
        return None, "invalid", 0
    user.failed_logins = 0
    user.locked_until = None
    audit.record("login", obj=user, actor_id=user.id)
    db.session.commit()
    return user, None, 0


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise AccountError("Het huidige wachtwoord klopt niet.")
    validate_password(new)
    user.set_password(new)
    audit.record("password.changed", obj=user, actor_id=user.id)


def issue_api_token(user: User) -> str:
    """Create an API token for a user (no commit); the secret is returned once, stored hashed."""
    secret = ApiToken.new_secret()
    db.session.add(ApiToken(user=user, token_hash=hash_token(secret), prefix=secret[:8]))
    audit.record("api_token.created", obj=user, actor_id=user.id)
    return secret


def user_for_api_token(secret: str) -> User | None:
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked.is_(False))
    )
    if token is None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def reset_token_for(user: User) -> str:
    # The hash tail makes the link single-use: after a reset the old link no longer matches.
    return _reset_serializer().dumps({"id": user.id, "h": user.password_hash[-12:]})


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or user.password_hash[-12:] != data.get("h"):
        return None
    return user
