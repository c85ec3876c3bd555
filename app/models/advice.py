"""The advice a regisseur builds on the indicators: SWOT items and scores, feasibility overrides, roadmap, reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

QUADRANTS = ("S", "W", "O", "T")
ITEM_SOURCES = ("auto", "manual")
HORIZONS = ("kort", "middellang", "lang")
ACTION_STATES = ("open", "bezig", "klaar")
REPORT_STATES = ("queued", "running", "done", "failed")


class SwotItem(db.Model):
    """A SWOT item for a traject (organisation null) or one organisation; auto items carry their rule."""

    __tablename__ = "swot_items"
    __table_args__ = (
        CheckConstraint(f"quadrant IN {QUADRANTS!r}", name="quadrant"),
        CheckConstraint(f"source IN {ITEM_SOURCES!r}", name="source"),
        # One auto item per rule key and scope, so a recompute updates instead of duplicating.
        UniqueConstraint("traject_id", "organisation_code", "key", name="uq_swot_items_scope_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    organisation_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    quadrant: Mapped[str] = mapped_column(String(1))
    text_nl: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default="manual")
    key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    rule: Mapped[str | None] = mapped_column(String(60), nullable=True)
    evidence: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    selected: Mapped[bool] = mapped_column(Boolean, default=False)
    # False when the latest derivation no longer produces this auto item (kept for its scores).
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ConfrontationScore(db.Model):
    """The score −2..+2 of one internal (S/W) against one external (O/T) item."""

    __tablename__ = "confrontation_scores"
    __table_args__ = (
        CheckConstraint("score BETWEEN -2 AND 2", name="score_range"),
        UniqueConstraint("internal_id", "external_id", name="uq_confrontation_scores_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    internal_id: Mapped[int] = mapped_column(ForeignKey("swot_items.id", ondelete="CASCADE"))
    external_id: Mapped[int] = mapped_column(ForeignKey("swot_items.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class FeasibilityOverride(db.Model):
    """The regisseur's written judgement replacing the computed score of one domain × form."""

    __tablename__ = "feasibility_overrides"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),
        CheckConstraint("length(reason) > 0", name="reason_required"),
        UniqueConstraint("traject_id", "domain", "form", name="uq_feasibility_overrides_cell"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(20))
    form: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user = relationship("User")


class RoadmapAction(db.Model):
    """One step of the roadmap: horizon, owner, quarter, dependencies and status."""

    __tablename__ = "roadmap_actions"
    __table_args__ = (
        CheckConstraint(f"horizon IN {HORIZONS!r}", name="horizon"),
        CheckConstraint(f"status IN {ACTION_STATES!r}", name="status"),
        # Proposals carry the stable key of analysis.roadmap, so generating again never duplicates.
        UniqueConstraint("traject_id", "key", name="uq_roadmap_actions_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    horizon: Mapped[str] = mapped_column(String(12), default="kort")
    domain: Mapped[str | None] = mapped_column(String(20), nullable=True)
    form: Mapped[str | None] = mapped_column(String(20), nullable=True)
    owner: Mapped[str] = mapped_column(String(200), default="")
    quarter: Mapped[str | None] = mapped_column(String(7), nullable=True)  # "2027-K1"
    depends_on: Mapped[list] = mapped_column(JSON, default=list)  # ids of other actions
    status: Mapped[str] = mapped_column(String(10), default="open")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Report(db.Model):
    """A build of the advice report (PDF and XLSX) and the state fingerprint it was built from."""

    __tablename__ = "reports"
    __table_args__ = (CheckConstraint(f"state IN {REPORT_STATES!r}", name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    fingerprint: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict] = mapped_column(JSON, default=dict)  # {"pdf": path, "xlsx": path, "html": path}
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    built_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


DECISIONS = ("yes", "yes_with_conditions", "no", "deferred")
MR_COUNCILS = ("mr", "gmr")
MR_OUTCOMES = ("positief", "negatief", "onder_voorwaarden", "nog_niet_ontvangen")
CHAPTERS = ("samenvatting", "ict_foto", "analyse", "voorstellen")  # the case's three steps


class AdviceText(db.Model):
    """The regisseur's own text opening a chapter of the advice (current; frozen into each version)."""

    __tablename__ = "advice_texts"
    __table_args__ = (UniqueConstraint("traject_id", "chapter", name="uq_advice_texts_chapter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    chapter: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class AdviceVersion(db.Model):
    """A published, frozen advice: `document` never changes after publishing; its files are built once."""

    __tablename__ = "advice_versions"
    __table_args__ = (UniqueConstraint("traject_id", "number", name="uq_advice_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator_snapshots.id", ondelete="SET NULL"), nullable=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[dict] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical document
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    decisions_closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decisions_closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    @property
    def status(self) -> str:
        return "published"

    @property
    def round_open(self) -> bool:
        return self.decisions_closed_at is None


class AdviceVersionFile(db.Model):
    """A report file of a version, written once: the same bytes are served on every download."""

    __tablename__ = "advice_version_files"
    __table_args__ = (UniqueConstraint("version_id", "format", name="uq_advice_version_files_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("advice_versions.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BoardDecision(db.Model):
    """One revision of a board's intention decision on a version; revisions are never changed."""

    __tablename__ = "board_decisions"
    __table_args__ = (
        CheckConstraint(f"decision IN {DECISIONS!r}", name="decision"),
        UniqueConstraint("version_id", "organisation_code", "revision", name="uq_board_decisions_revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("advice_versions.id", ondelete="CASCADE"), index=True)
    organisation_code: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(24))
    conditions: Mapped[str] = mapped_column(Text, default="")
    #: ``{domain: condition}`` when conditions are given per domain
    domain_conditions: Mapped[dict] = mapped_column(JSON, default=dict)
    motivation: Mapped[str] = mapped_column(Text, default="")
    signed_name: Mapped[str] = mapped_column(String(200))
    signed_function: Mapped[str] = mapped_column(String(200), default="")
    signed_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MrAdvice(db.Model):
    """Medezeggenschap per school on a version: the MR/GMR advice and, where staff move, the PMR consent."""

    __tablename__ = "mr_advice"
    __table_args__ = (
        CheckConstraint(f"council IN {MR_COUNCILS!r}", name="council"),
        CheckConstraint(f"outcome IN {MR_OUTCOMES!r}", name="outcome"),
        CheckConstraint(f"pmr_outcome IS NULL OR pmr_outcome IN {MR_OUTCOMES!r}", name="pmr_outcome"),
        UniqueConstraint("version_id", "organisation_code", name="uq_mr_advice_school"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("advice_versions.id", ondelete="CASCADE"), index=True)
    organisation_code: Mapped[str] = mapped_column(String(20))
    council: Mapped[str] = mapped_column(String(4), default="mr")
    sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str] = mapped_column(String(24), default="nog_niet_ontvangen")
    staff_move: Mapped[bool] = mapped_column(Boolean, default=False)
    pmr_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    pmr_received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    pmr_outcome: Mapped[str | None] = mapped_column(String(24), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


STEPS = ("ict_foto", "analyse", "voorstellen", "besluit", "uitwerking")


class PhaseGate(db.Model):
    """The regisseur went on past a step that still lacked something, with a written reason (audited)."""

    __tablename__ = "phase_gates"
    __table_args__ = (
        CheckConstraint(f"step IN {STEPS!r}", name="step"),
        CheckConstraint("length(reason) > 0", name="reason_required"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    #: what the step still lacked when the regisseur went on (the page's texts, frozen)
    lacking: Mapped[list] = mapped_column(JSON, default=list)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Consultation(db.Model):
    """A short consultation on the proposals of a published version: an anonymous questionnaire
    (one support item per domain recommendation, an optional concern) for ICT staff and boards."""

    __tablename__ = "consultations"
    __table_args__ = (UniqueConstraint("version_id", name="uq_consultations_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("advice_versions.id", ondelete="CASCADE"), index=True)
    questionnaire_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="SET NULL"), nullable=True
    )
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
