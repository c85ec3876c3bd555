"""Stakeholder engagement: the register, the engagement log, concerns and the communication plan."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from analysis.stakeholders import ATTITUDES, CATEGORIES, ENGAGEMENT_LEVELS, KINDS, MEASURED_ROLES, quadrant
from app.extensions import db
from app.models.base import utcnow

if TYPE_CHECKING:  # mypy cannot see through flask_sqlalchemy's dynamic db.Model; it is a subclass of Base
    from app.extensions import Base as Model
else:
    Model = db.Model

ENGAGEMENT_KINDS = ("workshop", "meeting", "information", "interview", "other")
#: The exploration's steps an engagement belongs to (the traject phases and the decision round).
ENGAGEMENT_PHASES = ("ict_foto", "analyse", "voorstellen", "besluit")
CONCERN_STATES = ("open", "answered", "resolved", "declined")

engagement_stakeholders = Table(
    "engagement_stakeholders",
    db.metadata,
    Column("engagement_id", ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True),
    Column("stakeholder_id", ForeignKey("stakeholders.id", ondelete="CASCADE"), primary_key=True),
)


class Stakeholder(Model):
    """A person or group in the register, placed on the power/interest grid."""

    __tablename__ = "stakeholders"
    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS!r}", name="kind"),
        CheckConstraint(f"category IN {CATEGORIES!r}", name="category"),
        CheckConstraint(f"attitude IN {ATTITUDES!r}", name="attitude"),
        CheckConstraint(f"engagement IN {ENGAGEMENT_LEVELS!r}", name="engagement"),
        CheckConstraint(f"measured_role IS NULL OR measured_role IN {MEASURED_ROLES!r}", name="measured_role"),
        CheckConstraint("influence BETWEEN 1 AND 5", name="influence_range"),
        CheckConstraint("interest BETWEEN 1 AND 5", name="interest_range"),
        UniqueConstraint("traject_id", "name", name="uq_stakeholders_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="group")
    category: Mapped[str] = mapped_column(String(20), default="other")
    organisation_code: Mapped[str | None] = mapped_column(String(20), nullable=True)  # None: traject-wide
    influence: Mapped[int] = mapped_column(Integer, default=3)
    interest: Mapped[int] = mapped_column(Integer, default=3)
    attitude: Mapped[str] = mapped_column(String(10), default="unknown")
    engagement: Mapped[str] = mapped_column(String(12), default="inform")
    #: The questionnaire group (this organisation or all, in this role) whose released figures it shows.
    measured_role: Mapped[str | None] = mapped_column(String(10), nullable=True)
    owner: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def quadrant(self) -> str:
        return quadrant(self.influence, self.interest)


class Engagement(Model):
    """One entry of the engagement log: a session, workshop, meeting, information evening or interview."""

    __tablename__ = "engagements"
    __table_args__ = (
        CheckConstraint(f"kind IN {ENGAGEMENT_KINDS!r}", name="kind"),
        CheckConstraint(f"phase IN {ENGAGEMENT_PHASES!r}", name="phase"),
        CheckConstraint("attendees IS NULL OR attendees >= 0", name="attendees_min"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))
    phase: Mapped[str] = mapped_column(String(12))
    topic: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(Text, default="")
    domains: Mapped[list] = mapped_column(JSON, default=list)
    # A count, never names: ICT staff who attend stay unnamed in the log.
    attendees: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    stakeholders = relationship("Stakeholder", secondary=engagement_stakeholders, order_by="Stakeholder.name")


class Concern(Model):
    """A concern or objection (zorg of bezwaar): raised by a stakeholder, or anonymously by an ICT
    staff member through their personal link (then no stakeholder, no date, a random id, nothing
    that links it to the person)."""

    __tablename__ = "concerns"
    __table_args__ = (CheckConstraint(f"status IN {CONCERN_STATES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    stakeholder_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholders.id", ondelete="SET NULL"), nullable=True, index=True
    )
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagements.id", ondelete="SET NULL"), nullable=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    domain: Mapped[str | None] = mapped_column(String(20), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    answer: Mapped[str] = mapped_column(Text, default="")
    # The date a named concern was recorded; None for an anonymous one (its day would be metadata).
    raised_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Arrival order of anonymous concerns, for releasing them in batches; never shown. Their ids
    # are random, so an id says nothing about when a concern came in relative to others.
    arrival: Mapped[int | None] = mapped_column(Integer, nullable=True)
    swot_item_id: Mapped[int | None] = mapped_column(ForeignKey("swot_items.id", ondelete="SET NULL"), nullable=True)
    roadmap_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("roadmap_actions.id", ondelete="SET NULL"), nullable=True
    )

    stakeholder = relationship("Stakeholder")
    engagement = relationship("Engagement")


class CommunicationItem(Model):
    """One line of the communication plan: what is communicated to a stakeholder, when, how and by whom."""

    __tablename__ = "communication_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholders.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(300))
    channel: Mapped[str] = mapped_column(String(100), default="")
    planned_on: Mapped[date] = mapped_column(Date)
    by_whom: Mapped[str] = mapped_column(String(200), default="")
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    derived: Mapped[bool] = mapped_column(Boolean, default=False)  # made from the defaults, not typed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    stakeholder = relationship("Stakeholder")
