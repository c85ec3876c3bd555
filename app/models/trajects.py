"""Trajects (one cooperation exploration), their organisations (schools) and members."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

PHASES = ("ict_foto", "analyse", "voorstellen")
MIN_ANONYMITY_THRESHOLD = 3


class Traject(db.Model):
    __tablename__ = "trajects"
    __table_args__ = (
        CheckConstraint(f"phase IN {PHASES!r}", name="phase"),
        CheckConstraint(f"anonymity_threshold >= {MIN_ANONYMITY_THRESHOLD}", name="anonymity_threshold_min"),
        CheckConstraint("comment_threshold >= anonymity_threshold", name="comment_threshold_min"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    phase: Mapped[str] = mapped_column(String(20), default="ict_foto")
    anonymity_threshold: Mapped[int] = mapped_column(Integer, default=5)
    comment_threshold: Mapped[int] = mapped_column(Integer, default=10)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Index weights for the draagvlak model; None means the documented defaults.
    index_weights: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # Outbox flag: set in the same transaction as a submission, cleared by a recompute.
    indicators_stale: Mapped[bool] = mapped_column(Boolean, default=False)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # "Zelf verspreiden": a traject without SMTP in which the regisseur hands out the personal links
    # of anonymous questionnaires (links CSV, outbox). Off by default; every change is audited, and
    # the respondents' intro page and the report's method statement say when it is on.
    self_distribution: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # Padding rule of anonymous concerns (app/services/concerns.py), kept per traject and never per
    # concern: participants with an id up to this mark were on the list when the current batch
    # began (its first concern, then each release), and only their concerns count toward it; how
    # many concerns count in that batch so far; how many anonymous concerns (oldest first) are shown.
    concern_list_mark: Mapped[int | None] = mapped_column(Integer, nullable=True)
    concerns_counting: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    concerns_released: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    organisations = relationship(
        "Organisation",
        back_populates="traject",
        order_by="Organisation.code",
        cascade="all, delete-orphan",
    )
    memberships = relationship("TrajectMember", back_populates="traject", cascade="all, delete-orphan")

    @property
    def members(self):
        return [m.user for m in self.memberships]

    def organisation_by_code(self, code: str):
        return next((o for o in self.organisations if o.code == code), None)


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("traject_id", "code", name="uq_organisations_traject_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    staff: Mapped[int | None] = mapped_column(Integer, nullable=True)
    students: Mapped[int | None] = mapped_column(Integer, nullable=True)
    locations: Mapped[int | None] = mapped_column(Integer, nullable=True)
    region: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    traject = relationship("Traject", back_populates="organisations")


class TrajectMember(db.Model):
    __tablename__ = "traject_members"
    __table_args__ = (UniqueConstraint("traject_id", "user_id", name="uq_traject_members_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    traject = relationship("Traject", back_populates="memberships")
    user = relationship("User")
