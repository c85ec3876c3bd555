"""Invitation tokens: 256-bit, derived with HMAC from the secret key, stored only as a hash.

Deriving the token (rather than storing it) lets the server rebuild a participant's personal link
for reminders and the mail-merge CSV while the database holds nothing but SHA-256 hashes. Rotating
SECRET_KEY therefore invalidates open links; `rotate_token` issues a fresh one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app, url_for
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Participant, Questionnaire, hash_token


def _derive(participant_id: int, salt: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"invitation:{participant_id}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue_token(participant: Participant) -> str:
    """Give a (flushed) participant a new token; returns the token, stores only its hash."""
    salt = secrets.token_urlsafe(16)
    participant.token_salt = salt
    token = _derive(participant.id, salt)
    participant.token_hash = hash_token(token)
    return token


def token_for(participant: Participant) -> str | None:
    """Rebuild the participant's current token (None after erasure)."""
    if not participant.token_salt or not participant.token_hash:
        return None
    token = _derive(participant.id, participant.token_salt)
    return token if hmac.compare_digest(hash_token(token), participant.token_hash) else None


def participant_for_token(token: str, *, with_draft: bool = False) -> Participant | None:
    """The participant whose token hashes to `token`'s SHA-256 (the tokens are 256-bit random, so
    one hash is enough), read in one query with its questionnaire (without the definition, which
    `responses.definition` keeps parsed per process), its organisation and, `with_draft`, its draft."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(_BY_HASH[with_draft], {"token_hash": hash_token(token)})


def _by_hash(with_draft: bool):
    options = [
        joinedload(Participant.questionnaire).defer(Questionnaire.definition),
        joinedload(Participant.organisation),
    ]
    if with_draft:
        options.append(joinedload(Participant.draft))
    return select(Participant).where(Participant.token_hash == bindparam("token_hash")).options(*options)


# Built once: the lookup runs on every request of a personal link.
_BY_HASH = {with_draft: _by_hash(with_draft) for with_draft in (False, True)}


def personal_link(token: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("respond.start", token=token)


# -- one browser per draft -------------------------------------------------------------------------
# The first browser that saves an answer with a personal link gets a random secret in a cookie;
# the participant row keeps only a hash of (participant id, secret). Any other browser — no cookie
# or another one — cannot read the draft or submit, and can only ask for a fresh link by mail.

BROWSER_COOKIE = "draagvlak_apparaat"


def new_browser_secret() -> str:
    return secrets.token_urlsafe(32)


def browser_hash(participant: Participant, secret: str) -> str:
    return hashlib.sha256(f"browser:{participant.id}:{secret}".encode()).hexdigest()


def bind_browser(participant: Participant, secret: str) -> bool:
    """Tie the participant's draft to the browser holding `secret`, unless another browser got
    it first (a conditional UPDATE, so two browsers cannot both win); no commit."""
    value = browser_hash(participant, secret)
    done = db.session.execute(
        update(Participant)
        .where(Participant.id == participant.id, Participant.browser_hash.is_(None))
        .values(browser_hash=value)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(participant, ["browser_hash"])
    return bool(done) and participant.browser_hash == value


def browser_matches(participant: Participant, secret: str | None) -> bool:
    """True when no browser holds the link yet, or `secret` is that browser's."""
    if participant.browser_hash is None:
        return True
    if not secret or len(secret) > 100:
        return False
    return hmac.compare_digest(browser_hash(participant, secret), participant.browser_hash)


def rotate_token(participant: Participant) -> str:
    """Void the participant's link (a new salt, so a new token and hash) and free it from its
    browser; returns the new token (no commit)."""
    participant.browser_hash = None
    return issue_token(participant)
