"""Flask-Login's user loader: the session id carries a password-hash tail (see User.get_id)."""
from __future__ import annotations

from app.extensions import db
from app.models import User


def load_user(session_id: str) -> User | None:
    user_id, _, tail = (session_id or "").partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.password_hash[-8:] != tail or not user.active:
        return None
    return user
