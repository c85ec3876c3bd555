"""Privacy settings per traject: how long raw responses are kept after the traject is archived."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

#: Raw responses of an archived traject are deleted this many days after the archive by default.
DEFAULT_RETENTION_DAYS = 365
MAX_RETENTION_DAYS = 3650


class PrivacySettings(db.Model):
    """One row per traject (created on first use); without a row the defaults apply."""

    __tablename__ = "privacy_settings"
    __table_args__ = (
        CheckConstraint(f"retention_days >= 0 AND retention_days <= {MAX_RETENTION_DAYS}", name="retention_days_range"),
    )

    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), primary_key=True)
    retention_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_RETENTION_DAYS)
    # When the raw responses were deleted (by the erase form or the retention task); None = kept.
    responses_deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    traject = relationship("Traject")
