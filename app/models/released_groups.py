"""The open-answers page's groups of a release, per comment threshold: written once, read a page at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

if TYPE_CHECKING:  # mypy cannot see through flask_sqlalchemy's dynamic db.Model; it is a subclass of Base
    from app.extensions import Base as Model
else:
    Model = db.Model


class ReleasedCommentGrouping(Model):
    """That a release's answers are grouped for a comment threshold, with the page's small summary:
    per question and domain the visible answers and, per block of groups, where it starts in the
    page's order and how many groups and answers (all, and those said at least twice) it holds.

    Derived from `released_comments` alone (app/results/open_groups.py); goes with its release
    (cascade), with a superseded release's rows and with the traject's erasure."""

    __tablename__ = "released_comment_groupings"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("indicator_snapshots.id", ondelete="CASCADE"), primary_key=True)
    threshold: Mapped[int] = mapped_column(Integer, primary_key=True)
    summary: Mapped[dict] = mapped_column(JSON)


class ReleasedCommentGroup(Model):
    """One group of identical answers (after `comment_words.normalise`) of one question, at its place
    in the open-answers page's order (`ordinal`, from 0): its count and the spelling most people
    used. Only answers of (school, role) groups that reach `threshold`; no school, role or person."""

    __tablename__ = "released_comment_groups"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("indicator_snapshots.id", ondelete="CASCADE"), primary_key=True)
    threshold: Mapped[int] = mapped_column(Integer, primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True)
    block: Mapped[int] = mapped_column(Integer)  # question and domain: the page's headings, numbered in order
    questionnaire: Mapped[str] = mapped_column(String(60))
    question: Mapped[str] = mapped_column(String(120))
    domain: Mapped[str] = mapped_column(String(20))
    normalised: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer)
