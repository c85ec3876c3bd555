"""Outgoing mail kept in an outbox: the record of what was sent, or the mail itself without SMTP.

For invitations and reminders the row is also the delivery bookkeeping (app/services/delivery.py):
created with an idempotency key in the transaction that marks the participant, claimed with a
lease before it goes to SMTP, marked `sent` right after, each step its own small transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow

# outbox      waiting for the regisseur (no SMTP configured)
# pending     to be sent over SMTP
# sending     claimed by a worker (lease_until); the message has not been handed over yet
# handed      the final "." of SMTP DATA is on its way: from here on the server may have it
# sent        the server accepted it (250)
# retry       a temporary refusal (4xx) or a lost connection: sent again at next_attempt_at
# failed      refused for good (5xx), or too many temporary refusals
# unconfirmed a worker died after handing the message over and before the server's answer was
#             recorded: counted as delivered and never sent again (at most once; docs/distribution.md)
OUTBOX_STATES = ("outbox", "pending", "sending", "handed", "sent", "retry", "failed", "unconfirmed")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40), default="other")
    # The language the message is written in (the recipient's), for the outbox page's lang attribute.
    language: Mapped[str] = mapped_column(String(2), default="nl", server_default="nl")
    status: Mapped[str] = mapped_column(String(20), default="outbox")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Delivery bookkeeping of invitations and reminders (null for other mail).
    participant_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    questionnaire_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    job_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    # "<kind>:<participant id>:<n>": the n-th message of that kind to that participant; unique,
    # so two runs can never both create it.
    idempotency_key: Mapped[str | None] = mapped_column(String(120), unique=True, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
