"""GET /api/v1/health: database, broker and rate-limit storage state, no token needed."""

from __future__ import annotations

from flask import current_app, jsonify
from limits.storage import MemoryStorage
from sqlalchemy import text

from app.api import bp
from app.extensions import db, limiter
from app.jobs import broker_state


def rate_limit_state() -> str:
    """Where the rate limits count: 'redis' (shared), 'memory' (per process) or 'off'.

    'memory' is also the answer while the limiter's Redis storage is unreachable: Flask-Limiter
    then falls back to in-memory counting (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) instead of failing
    the request, and goes back to Redis by itself once it answers.
    """
    if not current_app.config.get("RATELIMIT_ENABLED", True) or not limiter.enabled:
        return "off"
    storage = getattr(limiter, "_storage", None)
    if storage is None or isinstance(storage, MemoryStorage):
        return "memory"
    if getattr(limiter, "_storage_dead", False):
        return "memory"
    try:
        return "redis" if storage.check() else "memory"
    except Exception:  # an unreachable storage reads as the fallback the limiter will use
        return "memory"


@bp.get("/health")
@limiter.exempt
def health():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any database failure reads as "down" to a monitor
        db.session.rollback()
        database = "down"
    broker = broker_state()
    status = "ok" if database == "ok" and broker != "down" else "degraded"
    return jsonify({"status": status, "database": database, "broker": broker, "rate_limits": rate_limit_state()}), (
        200 if database == "ok" else 503
    )
