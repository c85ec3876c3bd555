"""Background jobs as rows the UI and the API can poll for state and progress."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow

JOB_STATES = ("queued", "running", "done", "failed")


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (CheckConstraint(f"state IN {JOB_STATES!r}", name="state"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    kind: Mapped[str] = mapped_column(String(40))
    traject_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    # The questionnaire a mail job belongs to (its participants page lists only its own jobs).
    questionnaire_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    # The task name and its arguments, so the sweep and the retry button can send it again.
    task_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    task_kwargs: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # How often the job was handed to the broker; when it last was (None: never, the broker was
    # down); when a planned retry (mail: SMTP unreachable or 4xx) runs.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def not_queued(self) -> bool:
        """Waiting, but never handed to the broker (it was down): the page offers a retry."""
        return self.state == "queued" and self.sent_at is None and self.task_name is not None

    def as_api(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "progress": float(self.progress or 0.0),
            "message": self.message,
            "retry_at": self.retry_at.isoformat() if self.retry_at else None,
        }
