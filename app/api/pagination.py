"""Cursor pagination for API lists: {"items": [...], "next": cursor or null}."""

from __future__ import annotations

import base64
import binascii

from flask import request

from app.api.auth import ApiProblem
from app.extensions import db

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def _decode(cursor: str) -> int:
    try:
        value = base64.urlsafe_b64decode(cursor.encode() + b"==").decode()
        return int(value.removeprefix("id:"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ApiProblem(422, "Ongeldige cursor.", errors={"cursor": ["Ongeldige cursor."]}) from None


def _encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def read_limit() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise ApiProblem(
            422, "limit moet een geheel getal zijn.", errors={"limit": ["Geheel getal tussen 1 en 500."]}
        ) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiProblem(422, "limit moet tussen 1 en 500 liggen.", errors={"limit": ["Geheel getal tussen 1 en 500."]})
    return limit


def paginate(query, id_column, serialize) -> dict:
    """Keyset pagination on an increasing integer id: stable while rows are added."""
    limit = read_limit()
    cursor = request.args.get("cursor")
    if cursor:
        query = query.where(id_column > _decode(cursor))
    rows = db.session.scalars(query.order_by(None).order_by(id_column).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [serialize(r) for r in rows], "next": _encode(rows[-1].id) if has_more and rows else None}
