"""Recording audit events; the caller's transaction commits them with the change they describe."""
from __future__ import annotations

from flask_login import current_user

from app.extensions import db
from app.models import AuditEvent


def record(action: str, *, obj=None, object_type: str | None = None, object_id=None,
           traject_id: int | None = None, actor_id: int | None = None, **detail) -> AuditEvent:
    """Add an audit event to the session (no commit: it lands with the change it describes)."""
    if obj is not None:
        object_type = object_type or obj.__class__.__name__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    if actor_id is None:
        try:
            actor_id = current_user.id if current_user and current_user.is_authenticated else None
        except (AttributeError, RuntimeError):  # outside a request (CLI, worker)
            actor_id = None
    event = AuditEvent(action=action, object_type=object_type,
                       object_id=str(object_id) if object_id is not None else None,
                       traject_id=traject_id, actor_id=actor_id, detail=detail or None)
    db.session.add(event)
    return event
