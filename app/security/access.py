"""Access rules: role checks and object-level checks, one place for every route to use."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db
from app.models import Traject, TrajectMember, User


def role_required(*roles: str):
    """Allow only logged-in users with one of `roles`; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def visible_trajects_query(user: User):
    """Trajects a user may see: those they are a member of (regisseurs and bestuurders alike)."""
    return (
        select(Traject)
        .join(TrajectMember, TrajectMember.traject_id == Traject.id)
        .where(TrajectMember.user_id == user.id)
        .order_by(Traject.created_at.desc(), Traject.id.desc())
    )


def is_member(user: User, traject: Traject) -> bool:
    return (
        db.session.scalar(
            select(TrajectMember.id).where(
                TrajectMember.traject_id == traject.id, TrajectMember.user_id == user.id
            )
        )
        is not None
    )


def can_edit(user: User, traject: Traject) -> bool:
    return user.role == "regisseur" and is_member(user, traject)


def traject_for(user: User, traject_id: int, *, write: bool = False) -> Traject:
    """The traject if `user` may see it (and edit it when `write`); else 404, or 403 for a
    member who may only read — a non-member learns nothing about whether it exists."""
    traject = db.session.get(Traject, traject_id)
    if traject is None or not is_member(user, traject):
        abort(404)
    if write and user.role != "regisseur":
        abort(403)
    return traject


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are allowed as a post-login redirect."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")
