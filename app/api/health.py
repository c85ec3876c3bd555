"""GET /api/v1/health: database and broker state, no token needed."""
from __future__ import annotations

from flask import jsonify
from sqlalchemy import text

from app.api import bp
from app.extensions import db, limiter
from app.jobs import broker_state


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
    return jsonify({"status": status, "database": database, "broker": broker}), (200 if database == "ok" else 503)
