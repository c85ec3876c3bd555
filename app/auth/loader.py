"""Flask-Login's user loader: the session id carries a password-hash tail and the session
generation (see User.get_id), so a password change and a logout end earlier sessions."""

from __future__ import annotations

from app.extensions import db
from app.models import User


def load_user(session_id: str) -> User | None:
    parts = (session_id or "").split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
        return None
    user_id, tail, generation = parts
    user = db.session.get(User, int(user_id))
    if (
        user is None
        or user.password_hash[-8:] != tail
        or int(generation) != (user.session_generation or 0)
        or not user.active
    ):
        return None
    return user
