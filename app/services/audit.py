"""Recording audit events; the caller's transaction commits them with the change they describe."""

from __future__ import annotations

from flask import g, has_app_context
from flask_login import current_user

from app.extensions import db
from app.models import AuditEvent


def record(
    action: str,
    *,
    obj=None,
    object_type: str | None = None,
    object_id=None,
    traject_id: int | None = None,
    actor_id: int | None = None,
    **detail,
) -> AuditEvent:
    """Add an audit event to the session (no commit: it lands with the change it describes)."""
    if obj is not None:
        object_type = object_type or obj.__class__.__name__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    via_token = _api_token_actor()
    if via_token is not None:
        # An API request: the token's owner is the actor, and the event says it came by token.
        if actor_id is None:
            actor_id = via_token[0]
        detail.setdefault("via", "api_token")
        detail.setdefault("token", via_token[1])
    elif actor_id is None:
        try:
            actor_id = current_user.id if current_user and current_user.is_authenticated else None
        except (AttributeError, RuntimeError):  # outside a request (CLI, worker)
            actor_id = None
    event = AuditEvent(
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        traject_id=traject_id,
        actor_id=actor_id,
        detail=detail or None,
    )
    db.session.add(event)
    return event


def _api_token_actor() -> tuple[int, str] | None:
    """(user id, token prefix) when the current request authenticated with an API token."""
    if not has_app_context():
        return None
    user = g.get("api_user")
    if user is None:
        return None
    return user.id, g.get("api_token_prefix") or ""
