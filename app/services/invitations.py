"""Invitation and reminder mails in batches (the sending), and the one entry point to the rest.

Mail bodies are stored with placeholders and the personal link is filled in only when a message is
sent, shown or exported (`invitation_links`: the database never holds a token); what a mail says
is `invitation_texts`, who gets one `invitation_recipients`. Their names are re-exported here, so
callers keep using `app.services.invitations`. Mails contain the link and nothing about answers,
so no mail ties a participant to a response.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import delete, or_, select

from app.extensions import db
from app.models import Participant, Questionnaire
from app.models.base import aware
from app.services import audit
from app.services.invitation_links import (
    LINK_COLUMNS,
    PLACEHOLDER,
    LinksNotAvailable,
    display_links,
    link_rows,
    render_links,
    url_context,
)
from app.services.invitation_recipients import (
    invitation_conditions,
    opt_out,
    pending_invitations,
    pending_participants,
    recipient_ids,
    reminder_conditions,
)
from app.services.invitation_texts import compose, minutes_needed, sample_invitation, sample_mail, sender_name
from app.services.mail import deliver, queue_mail, smtp_configured
from app.services.participants import is_closed, recipient_language
from app.services.tokens import rotate_token

# The parts' names that callers reach through this module.
__all__ = [
    "LINK_COLUMNS",
    "PLACEHOLDER",
    "LinksNotAvailable",
    "compose",
    "display_links",
    "link_rows",
    "minutes_needed",
    "opt_out",
    "pending_invitations",
    "pending_participants",
    "reminder_conditions",
    "sample_invitation",
    "sample_mail",
]

log = logging.getLogger("draagvlak.mail")

Progress = Callable[[int, int], None]


def utcnow() -> datetime:
    return datetime.now(UTC)


def mailable(questionnaire: Questionnaire, now: datetime | None = None) -> bool:
    """Mails go out only for an open questionnaire, after it opens and before it closes."""
    now = now or utcnow()
    opens_at = aware(questionnaire.opens_at)
    return (
        questionnaire.status == "open" and not is_closed(questionnaire, now) and (opens_at is None or opens_at <= now)
    )


def send_fresh_link(participant: Participant) -> None:
    """The respondent asked for a fresh link (their link is in use on another device): void the
    old token, free the link from its browser and mail the invitation again through the normal
    mail path (commits). Delivered over SMTP, the message is not kept (nobody needs the record,
    and it would tell the regisseur who is answering); without SMTP it waits in the outbox.
    Without SMTP the draft is deleted too, since the new link passes through the regisseur."""
    from app.models import ResponseDraft

    questionnaire = participant.questionnaire
    rotate_token(participant)
    if not smtp_configured():
        db.session.execute(delete(ResponseDraft).where(ResponseDraft.participant_id == participant.id))
        db.session.expire(participant, ["draft"])
    with url_context():
        subject, body = compose("invitation", participant, questionnaire, sender_name(questionnaire))
    message = queue_mail(
        participant.email,
        subject,
        body,
        kind="invitation",
        traject_id=questionnaire.traject_id,
        language=recipient_language(participant),
    )
    audit.record(
        "participant.fresh_link",
        object_type="Questionnaire",
        object_id=questionnaire.id,
        traject_id=questionnaire.traject_id,
        actor_id=None,
    )
    db.session.commit()
    if smtp_configured():
        try:
            deliver([message], body_for=lambda m: render_links(m.body, questionnaire.traject_id))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("Nieuwe link niet verstuurd: %s", type(exc).__name__)
            message.status = "failed"
        if message.status == "sent":
            db.session.delete(message)
        db.session.commit()


def due_reminders(questionnaire: Questionnaire, now: datetime | None = None) -> int:
    now = now or utcnow()
    return (
        len(recipient_ids(questionnaire, reminder_conditions(questionnaire, now)))
        if mailable(questionnaire, now)
        else 0
    )


# --- sending ----------------------------------------------------------------------------------


@dataclass
class SendResult:
    queued: int = 0  # messages created (in the outbox, or to be sent over SMTP)
    sent: int = 0  # accepted by the SMTP server
    failed: int = 0  # refused for good (5xx, or too many 4xx); the participant counts as not mailed
    skipped: int = 0  # no longer eligible when their batch came up
    retry: int = 0  # refused for now (4xx) or cut off: sent again at `retry_at`
    unconfirmed: int = 0  # handed over by a worker that died before the answer: not sent again
    pending: int = 0  # waiting because the mail server could not be reached
    retry_at: datetime | None = None
    error: str | None = None
    server_down: bool = False

    def as_dict(self) -> dict:
        return {
            "queued": self.queued,
            "sent": self.sent,
            "failed": self.failed,
            "skipped": self.skipped,
            "retry": self.retry,
            "unconfirmed": self.unconfirmed,
            "pending": self.pending,
            "retry_at": self.retry_at.isoformat() if self.retry_at else None,
        }

    def add(self, report) -> None:
        """Fold in a delivery report (app/services/delivery.py)."""
        self.sent += report.sent
        self.failed += report.failed
        self.unconfirmed += report.unconfirmed
        self.retry, self.pending = self.retry + report.retry, self.pending + report.pending
        if report.retry_at is not None:
            self.retry_at = min(self.retry_at, report.retry_at) if self.retry_at else report.retry_at
        if report.server_down:
            self.server_down, self.error = True, report.error


class MailServerDown(RuntimeError):
    pass


def _send_batch(
    kind: str,
    questionnaire: Questionnaire,
    ids: list[int],
    conditions: list,
    sender: str,
    now: datetime,
    result: SendResult,
    job_id: str | None = None,
) -> None:
    """Lock the batch's rows (skip rows another worker holds), re-check, and create one outbox
    row per participant with the participant's mark in the same commit. Nothing is sent here:
    `delivery.deliver_pending` sends the rows one by one (claim, hand over, mark sent)."""
    from app.services import delivery

    participants = db.session.scalars(
        select(Participant)
        .where(Participant.id.in_(ids), *conditions)
        .order_by(Participant.id)
        .with_for_update(skip_locked=True)
    ).all()
    result.skipped += len(ids) - len(participants)

    def mark(participant: Participant) -> None:
        if kind == "invitation":
            participant.invited_at = now
        else:
            participant.reminders_sent = (participant.reminders_sent or 0) + 1
            participant.last_reminded_at = now

    result.queued += delivery.create_messages(
        kind,
        questionnaire,
        participants,
        lambda p: compose(kind, p, questionnaire, sender),
        mark,
        job_id=job_id,
        smtp=smtp_configured(),
    )
    db.session.commit()


def _deliver(
    kind: str,
    questionnaire_ids: list[int] | None,
    result: SendResult,
    progress: Progress | None = None,
    done_before: int = 0,
    total: int = 0,
) -> None:
    """Send the due messages of `kind` over SMTP (nothing without SMTP)."""
    from app.services import delivery

    if not smtp_configured():
        return

    def step(done: int, count: int) -> None:
        if progress is not None:
            progress(min(done_before + done, max(total, done_before + count)), max(total, done_before + count))

    with url_context():
        report = delivery.deliver_pending(
            kind, questionnaire_ids, render=lambda m: render_links(m.body, m.traject_id), progress=step
        )
    result.add(report)


def _run(
    kind: str,
    questionnaire: Questionnaire,
    ids: list[int],
    conditions: list,
    *,
    created_by: int | None,
    progress: Progress | None,
    done_before: int,
    total: int,
    result: SendResult,
    job_id: str | None = None,
) -> int:
    size = max(1, int(current_app.config.get("MAIL_BATCH_SIZE") or 50))
    sender = sender_name(questionnaire, created_by)
    now = utcnow()
    outbox_only = not smtp_configured()
    done = done_before
    with url_context():
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            _send_batch(kind, questionnaire, chunk, conditions, sender, now, result, job_id)
            done += len(chunk)
            if outbox_only and progress is not None:  # without SMTP a message is done once stored
                progress(done, total)
    if not outbox_only:
        _deliver(kind, [questionnaire.id], result, progress, done_before, total)
        if progress is not None:
            progress(done, total)
    return done


def _run_and_record(
    kind: str,
    questionnaire: Questionnaire,
    ids: list[int],
    conditions: list,
    *,
    created_by: int | None,
    progress: Progress | None,
    done_before: int,
    total: int,
    result: SendResult,
    job_id: str | None = None,
) -> int:
    """Send one questionnaire's mails and leave one audit event with its counts (also on failure)."""
    if not ids:
        # Nobody new, but messages of an earlier run may still wait (a crash, a retry).
        part = SendResult()
        _deliver(kind, [questionnaire.id], part)
        _fold(result, part)
        return done_before
    part = SendResult()
    try:
        return _run(
            kind,
            questionnaire,
            ids,
            conditions,
            created_by=created_by,
            progress=progress,
            done_before=done_before,
            total=total,
            result=part,
            job_id=job_id,
        )
    finally:
        _fold(result, part)
        counts = {k: v for k, v in part.as_dict().items() if k != "retry_at"}
        audit.record(
            f"{kind}s.sent", obj=questionnaire, traject_id=questionnaire.traject_id, actor_id=created_by, **counts
        )
        db.session.commit()


def _fold(result: SendResult, part: SendResult) -> None:
    for key in ("queued", "sent", "failed", "skipped", "retry", "unconfirmed", "pending"):
        setattr(result, key, getattr(result, key) + getattr(part, key))
    if part.retry_at is not None:
        result.retry_at = min(result.retry_at, part.retry_at) if result.retry_at else part.retry_at
    if part.server_down:
        result.server_down, result.error = True, part.error


def deliver_waiting(kind: str, questionnaire_id: int | None = None, progress: Progress | None = None) -> SendResult:
    """A planned retry: only send what waits in the outbox (4xx, SMTP down, a dead worker's claim);
    nobody new is selected."""
    result = SendResult()
    _deliver(kind, [questionnaire_id] if questionnaire_id is not None else None, result, progress)
    log.info(
        "Nieuwe poging (%s): %s verstuurd, %s mislukt, %s wachten",
        kind,
        result.sent,
        result.failed,
        result.retry + result.pending,
    )
    return result


def open_questionnaires(now: datetime | None = None) -> list[Questionnaire]:
    now = now or utcnow()
    candidates = db.session.scalars(
        select(Questionnaire)
        .where(Questionnaire.status == "open", or_(Questionnaire.closes_at.is_(None), Questionnaire.closes_at > now))
        .order_by(Questionnaire.id)
    ).all()
    return [q for q in candidates if mailable(q, now)]


def _targets(questionnaire_id: int | None, now, result: SendResult, what: str) -> list[Questionnaire] | None:
    """The questionnaires to mail: every open one, or the given one if it can be mailed now.

    None (with `result.error` set) when the given questionnaire is gone or not open.
    """
    if questionnaire_id is None:
        return open_questionnaires(now)
    questionnaire = db.session.get(Questionnaire, questionnaire_id)
    if questionnaire is None:
        result.error = "Vragenlijst bestaat niet meer."
        return None
    if not mailable(questionnaire, now):
        result.error = f"De vragenlijst is niet open; er zijn geen {what} verstuurd."
        return None
    return [questionnaire]


def send_invitations(
    questionnaire_id: int | None = None,
    *,
    participant_ids: list[int] | None = None,
    resend: bool = False,
    created_by: int | None = None,
    progress: Progress | None = None,
    job_id: str | None = None,
) -> SendResult:
    """Invite participants who were not invited yet (or, with `resend`, again the given ones).

    Exactly once: a participant is marked in the same transaction as their outbox row, a rerun
    skips them, and each row is sent once (app/services/delivery.py). A resend is tied to its job:
    a rerun of the same job sends nothing again. Without `questionnaire_id`, every open
    questionnaire's pending invitations.
    """
    from sqlalchemy import exists

    from app.models import OutboxMessage

    result = SendResult()
    now = utcnow()
    targets = _targets(questionnaire_id, now, result, "uitnodigingen")
    if targets is None:
        return result
    resending = resend and participant_ids is not None
    conditions = invitation_conditions(resend=resending)
    if resending and job_id:
        conditions.append(
            ~exists().where(
                OutboxMessage.participant_id == Participant.id,
                OutboxMessage.kind == "invitation",
                OutboxMessage.job_id == job_id,
            )
        )
    work = [(q, conditions, recipient_ids(q, conditions, participant_ids)) for q in targets]
    return _run_all("invitation", work, result, created_by=created_by, progress=progress, job_id=job_id)


def send_reminders(
    questionnaire_id: int | None = None,
    *,
    created_by: int | None = None,
    progress: Progress | None = None,
    job_id: str | None = None,
) -> SendResult:
    """Remind non-responders only: invited, not completed, not opted out, below the maximum
    number of reminders and at least the interval after the last mail; never after closing.
    Two runs at once remind nobody twice: the participant row lock and the re-checked
    conditions decide who gets an outbox row, and each row is sent once."""
    result = SendResult()
    now = utcnow()
    targets = _targets(questionnaire_id, now, result, "herinneringen")
    if targets is None:
        return result
    work = [(q, reminder_conditions(q, now)) for q in targets]
    work = [(q, conditions, recipient_ids(q, conditions)) for q, conditions in work]
    return _run_all("reminder", work, result, created_by=created_by, progress=progress, job_id=job_id)


def _run_all(
    kind: str,
    work: list[tuple[Questionnaire, list, list[int]]],
    result: SendResult,
    *,
    created_by: int | None,
    progress: Progress | None,
    job_id: str | None,
) -> SendResult:
    """Send `kind` to the (questionnaire, conditions, participant ids) of `work`, one progress over
    all of them, and log the totals."""
    total = sum(len(ids) for _, _, ids in work)
    done = 0
    for questionnaire, conditions, ids in work:
        done = _run_and_record(
            kind,
            questionnaire,
            ids,
            conditions,
            created_by=created_by,
            progress=progress,
            done_before=done,
            total=total,
            result=result,
            job_id=job_id,
        )
    log.info(
        "%s: %s aangemaakt, %s verstuurd, %s mislukt, %s later opnieuw",
        "Uitnodigingen" if kind == "invitation" else "Herinneringen",
        result.queued,
        result.sent,
        result.failed,
        result.retry + result.pending,
    )
    return result
