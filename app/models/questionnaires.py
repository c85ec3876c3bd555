"""Questionnaires (frozen definitions per version), participants with hashed tokens, and responses."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
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

QUESTIONNAIRE_STATES = ("draft", "open", "closed")
# staff and pupil: the schools' ICT users (the ict_users instrument), beside the ICT staff and boards.
PARTICIPANT_ROLES = ("ict_staff", "ict_lead", "board", "staff", "pupil")


def random_id() -> str:
    """Random response ids: for anonymous questionnaires an id must not reveal submission order."""
    return uuid.uuid4().hex


class Questionnaire(db.Model):
    __tablename__ = "questionnaires"
    __table_args__ = (CheckConstraint(f"status IN {QUESTIONNAIRE_STATES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    template_key: Mapped[str | None] = mapped_column(String(40), nullable=True)
    key: Mapped[str] = mapped_column(String(60))
    title: Mapped[dict] = mapped_column(JSON)  # {"nl": ..., "en": ...}
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The previous version this one was made from (editing a published questionnaire).
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaires.id", ondelete="SET NULL"), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    audience: Mapped[str] = mapped_column(String(20), default="ict_staff")
    # The full surveys definition (surveys.model.Questionnaire.to_dict()); frozen once published.
    definition: Mapped[dict] = mapped_column(JSON)
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    max_reminders: Mapped[int] = mapped_column(Integer, default=2)
    reminder_interval_days: Mapped[int] = mapped_column(Integer, default=7)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    traject = relationship("Traject")
    participants = relationship("Participant", back_populates="questionnaire", cascade="all, delete-orphan")


class Participant(db.Model):
    """An invitation: who was asked, by which token (hash only), and whether they completed."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "email", name="uq_participants_questionnaire_email"),
        CheckConstraint(f"role IN {PARTICIPANT_ROLES!r}", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)  # None after erasure
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), nullable=True, index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    # Random per-token salt for the HMAC derivation (app/services/tokens.py); not a secret by itself.
    token_salt: Mapped[str | None] = mapped_column(String(32), nullable=True)
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    # Only *that* the invitation was used; for anonymous questionnaires no time and no link to the response.
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    # SHA-256 of (participant id, the random secret in the cookie of the browser that started the
    # draft): the draft is readable only from that browser (app/services/tokens.py).
    browser_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # On the list before the first response of its (organisation, role) group: only such
    # responses can unlock a group (padding rule, analysis/disclosure.py). Set at that first response.
    early: Mapped[bool] = mapped_column(Boolean, default=False)
    # Language of the invitation and reminders ('nl' or 'en'); None: the account's, else Dutch.
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    questionnaire = relationship("Questionnaire", back_populates="participants")
    organisation = relationship("Organisation")
    user = relationship("User")
    # The saved draft, read with the participant on the respondent's path (one query per page, not
    # one per use). View only: drafts are written and deleted through their own rows.
    draft = relationship("ResponseDraft", uselist=False, viewonly=True)


class ResponseDraft(db.Model):
    """Answers saved per page so a respondent can resume with the same link; deleted on submit."""

    __tablename__ = "response_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    section_key: Mapped[str | None] = mapped_column(String(60), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Response(db.Model):
    """A submitted response. Anonymous: no participant, user, IP, agent or time — a date only."""

    __tablename__ = "responses"
    __table_args__ = (
        # Identified questionnaires keep every revision; one row per (participant, revision).
        UniqueConstraint("participant_id", "revision", name="uq_responses_participant_revision"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True)
    organisation_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    role: Mapped[str] = mapped_column(String(20))
    submitted_on: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict] = mapped_column(JSON)
    # Identified questionnaires only (ict_foto, board_commitment); always None for anonymous ones.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), nullable=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The likert answers again, one byte each, for the recompute's read (app/models/packed_answers.py);
    # None: read them from `answers`.
    likert: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, default=None)


class ReleaseBatch(db.Model):
    """The release that first included a response (no row: not released yet). Responses released
    together are interchangeable in every figure: the release audit works on these batches.

    A narrow table of its own, so a release writes two integers per response with COPY instead of
    rewriting the wide response rows. A batch number, never a moment; rows go in sorted by the
    random response id, so their order says nothing either. No foreign key: its per-row check was
    most of the COPY's time (bench/README.md); a trigger on `responses` deletes a response's mark
    with it, as the cascade did (app/models/packed_answers.py).
    """

    __tablename__ = "release_batches"

    response_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    number: Mapped[int] = mapped_column(Integer)


class IndicatorSnapshot(db.Model):
    """A *release* of a traject's indicators: every page, export and API answer reads the latest.

    Only releases are stored (recomputes that may not be released stay in memory). A release
    carries its date, never a time of day: ``computed_at`` is midnight UTC of ``released_on``.
    """

    __tablename__ = "indicator_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajects.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    released_on: Mapped[date] = mapped_column(Date, default=date.today)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    input_fingerprint: Mapped[str] = mapped_column(String(64))
    code_version: Mapped[str] = mapped_column(String(40))
    responses: Mapped[int] = mapped_column(Integer, default=0)
    anonymity_threshold: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)  # constructs, indices, board, comparisons
    message: Mapped[str] = mapped_column(Text, default="")


class ReleasedComment(db.Model):
    """One free-text answer a release shows, in the release's own order (never the order of submission).

    Exactly what the release's payload held per comment: instrument, question, group (school code,
    role) and text; `form`, `normalised` and `domain` are derived from the text alone and
    `group_size` from the release's own rows, so the
    open-answers page can filter and page in SQL. No response id, participant or time: nothing
    links a row to a person or a moment. The rows go with their release (cascade), are cleared
    with a superseded release's payload, and are erased with the traject's personal data.
    """

    __tablename__ = "released_comments"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("indicator_snapshots.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    questionnaire: Mapped[str] = mapped_column(String(60))
    question: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(20), nullable=True)
    role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    form: Mapped[str] = mapped_column(Text, default="")  # the text without surrounding whitespace
    normalised: Mapped[str] = mapped_column(Text, default="")  # comment_words.normalise(text)
    domain: Mapped[str] = mapped_column(String(20), default="")  # comment_words.domain_of(normalised)
    # Non-empty answers of the row's (instrument, question, school, role) in this release: the page
    # applies the current comment threshold with it, without counting per request.
    group_size: Mapped[int] = mapped_column(Integer, default=0)
