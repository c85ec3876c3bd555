"""Retention: delete raw responses of archived trajects past their retention; snapshots stay."""

from __future__ import annotations

from celery import shared_task

from app.extensions import db
from app.jobs import JobTask
from app.services import privacy


@shared_task(name="worker.tasks.privacy.apply_retention", base=JobTask)
def apply_retention() -> dict:
    """Run by beat once a day; safe to run more often (a traject already done is skipped)."""
    try:
        done = privacy.apply_retention()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {str(k): v for k, v in done.items()}
