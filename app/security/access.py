"""Access rules: role checks and object-level checks, one place for every route to use."""

from __future__ import annotations

from functools import wraps
from typing import NoReturn
from urllib.parse import urlsplit

from flask import abort, request
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
            select(TrajectMember.id).where(TrajectMember.traject_id == traject.id, TrajectMember.user_id == user.id)
        )
        is not None
    )


def can_edit(user: User, traject: Traject) -> bool:
    return user.role == "regisseur" and traject.archived_at is None and is_member(user, traject)


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def refuse_if_archived(traject: Traject) -> None:
    """An archived traject is read-only: a changing request gets 409 with a clear Dutch message."""
    if traject.archived_at is None or request.method in SAFE_METHODS:
        return
    from app.services.privacy import ARCHIVED_MESSAGE

    if request.path.startswith("/api/"):
        from app.errors import problem
        from app.i18n import translate

        abort(
            problem(409, translate(ARCHIVED_MESSAGE), title="Traject gearchiveerd", message_id=ARCHIVED_MESSAGE.msgid)
        )
    from flask import make_response, render_template
    from flask_babel import gettext as _

    abort(
        make_response(
            render_template(
                "errors/error.html",
                code=409,
                title=_("Traject gearchiveerd"),
                message=_(
                    "Dit traject is gearchiveerd en de persoonsgegevens zijn gewist; het is alleen nog te lezen. Wijzigingen zijn niet meer mogelijk."
                ),
            ),
            409,
        )
    )


def traject_for(user: User, traject_id: int, *, write: bool = False, allow_archived: bool = False) -> Traject:
    """The traject if `user` may see it (and edit it when `write`); else 404, or 403 for a
    member who may only read — a non-member learns nothing about whether it exists. Pages pass
    `current_user`, the API `g.api_user`; under /api/ the refusal is problem+json.
    A POST (or other changing request) on an archived traject answers 409, unless
    `allow_archived` (the privacy pages: export and retention stay possible)."""
    traject = db.session.get(Traject, traject_id)
    if traject is None or not is_member(user, traject):
        refuse(404, "Traject niet gevonden.")
    if write and user.role != "regisseur":
        refuse(403, "Alleen een regisseur mag dit traject wijzigen.")
    if not allow_archived:
        refuse_if_archived(traject)
    return traject


def refuse(status: int, detail: str) -> NoReturn:
    """Stop the request: problem+json with `detail` under /api/, else the error page (the same
    access rule answers pages and the API alike)."""
    if request.path.startswith("/api/"):
        from app.errors import problem

        abort(problem(status, detail))
    abort(status)


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are allowed as a post-login redirect."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")
