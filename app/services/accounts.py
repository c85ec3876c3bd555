"""Account services: creating users, logging in with backoff, API tokens, password resets."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import ROLES, ApiToken, Organisation, User, hash_token
from app.models.accounts import LoginThrottle
from app.models.base import aware, utcnow
from app.services import audit
from app.services.errors import N_, ServiceError

MIN_PASSWORD_LENGTH = 10


class AccountError(ServiceError):
    """A Dutch, user-facing reason why an account action was refused."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(N_("Het wachtwoord moet minstens %(n)s tekens lang zijn.", n=MIN_PASSWORD_LENGTH))


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(
    *, email: str, name: str, role: str, password: str | None, organisation: Organisation | None = None
) -> User:
    """Create a user (no commit). Raises AccountError with a Dutch reason.

    `password=None` creates the account without a usable password (API `/members`): the user
    sets one through the reset mail, or works with an API token."""
    from app.services.trajects import BAD_TEXT_MESSAGE, unstorable_text

    email = normalise_email(email)
    if "@" not in email or "." not in email.split("@")[-1] or len(email) > 254 or unstorable_text(email):
        raise AccountError(N_("'%(email)s' is geen geldig e-mailadres.", email=email))
    if role not in ROLES:
        raise AccountError(N_("Onbekende rol '%(role)s'; kies uit %(roles)s.", role=role, roles=", ".join(ROLES)))
    if not (name or "").strip():
        raise AccountError(N_("Vul een naam in."))
    if len(name.strip()) > 200:
        raise AccountError(N_("De naam mag hoogstens 200 tekens lang zijn."))
    if unstorable_text(name):
        raise AccountError(BAD_TEXT_MESSAGE)
    if password is not None:
        validate_password(password)
    if find_user(email) is not None:
        raise AccountError(N_("Er bestaat al een account met e-mailadres %(email)s.", email=email))
    user = User(email=email, name=name.strip(), role=role, organisation=organisation, active=True)
    if password is None:
        # Not a hash: no password matches it; distinct per user (the session id uses its tail).
        user.password_hash = "!unusable$" + secrets.token_hex(16)
    else:
        user.set_password(password)
    db.session.add(user)
    return user


def _throttle_key(*parts: str) -> str:
    secret = (current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, "|".join(parts).encode(), hashlib.sha256).hexdigest()


def _throttle_keys(email: str, address: str | None) -> tuple[str, str, str]:
    """(account hash, key per account and address, key per account over all addresses)."""
    account = _throttle_key("account", normalise_email(email))
    return account, _throttle_key("pair", account, address or "-"), _throttle_key("all", account)


def _remaining(row: LoginThrottle | None, now: datetime) -> int:
    blocked = aware(row.blocked_until) if row is not None else None
    if blocked is None or blocked <= now:
        return 0
    return max(1, math.ceil((blocked - now).total_seconds()))


def _fail(key: str, account: str, *, after: int, base: int, cap: int, now: datetime) -> int:
    """Count a failure; returns the seconds the key is blocked now (0: not blocked)."""
    row = db.session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, account=account, failures=0)
        db.session.add(row)
    row.failures = (row.failures or 0) + 1
    if row.failures < after:
        return 0
    seconds = min(cap, base * 2 ** min(row.failures - after, 20))
    row.blocked_until = now + timedelta(seconds=seconds)
    return seconds


def login_wait(email: str, address: str | None) -> int:
    """Seconds before this address may try this account again (0: now)."""
    now = utcnow()
    _, pair, overall = _throttle_keys(email, address)
    return max(
        _remaining(db.session.get(LoginThrottle, pair), now), _remaining(db.session.get(LoginThrottle, overall), now)
    )


def clear_login_throttles(email: str) -> None:
    """Forget every failure of an account (after a password reset); no commit."""
    account, _, _ = _throttle_keys(email, None)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.account == account))


def authenticate(email: str, password: str, address: str | None = None) -> tuple[User | None, str | None, int]:
    """Check a login. Returns (user, None, 0), (None, "invalid", 0) or (None, "locked", seconds).

    No hard lock: failures back off per account *and* client address (after
    LOCKOUT_AFTER_FAILURES, LOGIN_BACKOFF_SECONDS, doubling up to LOGIN_BACKOFF_MAX_SECONDS), and
    per account over all addresses only briefly (after LOGIN_ACCOUNT_BACKOFF_AFTER failures,
    at most LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS), so an attacker's failures cannot keep the real
    user, on another address, out. Unknown emails are throttled exactly like known ones.
    Commits the attempt, so failures count even when the request ends in an error page."""
    cfg = current_app.config
    now = utcnow()
    wait = login_wait(email, address)
    if wait:
        return None, "locked", wait
    user = find_user(email)
    if user is None:
        # Spend the same time on a hash check so a missing account is not revealed by timing.
        User(password_hash="scrypt:32768:8:1$x$" + "0" * 128).check_password(password or "")
    if user is None or not user.check_password(password or "") or not user.active:
        account, pair, overall = _throttle_keys(email, address)
        blocked = _fail(
            pair,
            account,
            after=cfg["LOCKOUT_AFTER_FAILURES"],
            base=cfg["LOGIN_BACKOFF_SECONDS"],
            cap=cfg["LOGIN_BACKOFF_MAX_SECONDS"],
            now=now,
        )
        blocked_all = _fail(
            overall,
            account,
            after=cfg["LOGIN_ACCOUNT_BACKOFF_AFTER"],
            base=cfg["LOGIN_ACCOUNT_BACKOFF_SECONDS"],
            cap=cfg["LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS"],
            now=now,
        )
        if user is not None:
            user.failed_logins = (user.failed_logins or 0) + 1
            audit.record("login.failed", obj=user, actor_id=None)
            if blocked or blocked_all:
                audit.record(
                    "account.locked",
                    obj=user,
                    actor_id=user.id,
                    seconds=max(blocked, blocked_all),
                    scope="address" if blocked >= blocked_all else "account",
                )
        db.session.commit()
        return None, "invalid", 0
    _, pair, overall = _throttle_keys(email, address)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_((pair, overall))))
    user.failed_logins = 0
    user.locked_until = None
    audit.record("login", obj=user, actor_id=user.id)
    db.session.commit()
    return user, None, 0


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise AccountError(N_("Het huidige wachtwoord klopt niet."))
    validate_password(new)
    user.set_password(new)
    user.end_sessions()
    audit.record("password.changed", obj=user, actor_id=user.id)


def remember_language(user: User, lang: str) -> bool:
    """Store the interface language the user chose (no commit); their mails follow it. True if changed."""
    if lang not in ("nl", "en") or user.language == lang:
        return False
    user.language = lang
    return True


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
