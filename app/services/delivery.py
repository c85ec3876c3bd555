"""Exactly-once delivery of invitations and reminders over SMTP, kept in the outbox table.

Three small transactions per message (docs/distribution.md, "Delivery guarantee"):

1. **Create** (`create_messages`): under the participant's row lock, re-checked, one outbox row
   with an idempotency key (`<kind>:<participant>:<n>`, unique) is inserted and the participant is
   marked (`invited_at`, or `reminders_sent + 1`) in the same commit. A rerun, a second worker or
   a redelivered task finds the participant marked and creates nothing.
2. **Claim** (`_claim_next`): one message at a time, `FOR UPDATE SKIP LOCKED`, set to `sending`
   with a lease (`MAIL_CLAIM_LEASE` seconds) and committed before anything goes to SMTP.
3. **Hand over and mark**: MAIL, RCPT and the DATA content are sent; then the message is
   committed as `handed` and only then the final "." goes out; the server's 250 is committed as
   `sent` right away.

A worker that dies leaves at most one message behind in `sending` or `handed`. When its lease
has passed, `sending` means the server never saw the final "." (it cannot have accepted the
message): it is sent again. `handed` means it may have: it is marked `unconfirmed`, counted as
delivered and never sent again (at most once). So the only message that can be lost is one whose
final "." was in flight at the moment of the crash and that the server did not accept — a window
of one network write, for one message per crash.

Per recipient: a 4xx answer (451, 452, a 421 that closes the connection) is retried with backoff
(`MAIL_RETRY_BACKOFF`, at most `MAIL_MAX_ATTEMPTS` attempts), a 5xx answer marks the message
`failed` and undoes the participant's mark (a later run may try again). A closed connection is
opened again for the rest of the batch. A server that cannot be reached at all leaves the
messages `pending`; the task plans a retry (worker/tasks/mail.py).
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import generator
from email.message import EmailMessage
from io import BytesIO

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from app.extensions import db
from app.models import OutboxMessage, Participant
from app.models.base import aware
from app.services.participants import recipient_language

log = logging.getLogger("draagvlak.mail")

ACTIVE = ("pending", "sending", "handed", "retry")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retry: int = 0  # waiting for a retry after a temporary refusal
    unconfirmed: int = 0  # handed over by a worker that died before the answer
    pending: int = 0  # not sent because the server could not be reached
    in_flight: int = 0  # claimed by another worker right now
    retry_at: datetime | None = None
    server_down: bool = False
    error: str | None = None
    errors: dict = field(default_factory=dict)  # SMTP code -> count, for the job's message


# --- 1. create ----------------------------------------------------------------------------------


def create_messages(
    kind: str,
    questionnaire,
    participants: list[Participant],
    compose: Callable,
    mark: Callable[[Participant], None],
    *,
    job_id: str | None,
    smtp: bool,
) -> int:
    """Insert one outbox row per participant (already locked and re-checked); no commit."""
    if not participants:
        return 0
    ids = [p.id for p in participants]
    counts = dict(
        db.session.execute(
            select(OutboxMessage.participant_id, func.count())
            .where(OutboxMessage.participant_id.in_(ids), OutboxMessage.kind == kind)
            .group_by(OutboxMessage.participant_id)
        ).all()
    )
    for participant in participants:
        subject, body = compose(participant)
        n = counts.get(participant.id, 0) + 1
        db.session.add(
            OutboxMessage(
                recipient=participant.email,
                subject=subject,
                body=body,
                kind=kind,
                traject_id=questionnaire.traject_id,
                questionnaire_id=questionnaire.id,
                participant_id=participant.id,
                job_id=job_id,
                idempotency_key=f"{kind}:{participant.id}:{n}",
                status="pending" if smtp else "outbox",
                attempts=0,
                language=recipient_language(participant),
            )
        )
        mark(participant)
    return len(participants)


# --- 2. claim -----------------------------------------------------------------------------------


def _scope(kind: str, questionnaire_ids: list[int] | None):
    conditions = [OutboxMessage.kind == kind]
    if questionnaire_ids is not None:
        conditions.append(OutboxMessage.questionnaire_id.in_(questionnaire_ids))
    return conditions


def recover_expired(kind: str, questionnaire_ids: list[int] | None = None, now: datetime | None = None) -> dict:
    """Claims of dead workers: `sending` is sent again, `handed` becomes `unconfirmed` (commits)."""
    now = now or utcnow()
    scope = _scope(kind, questionnaire_ids)
    resend = (
        db.session.execute(
            update(OutboxMessage)
            .where(*scope, OutboxMessage.status == "sending", OutboxMessage.lease_until < now)
            .values(
                status="retry",
                next_attempt_at=now,
                lease_until=None,
                last_error="claim verlopen (worker gestopt voor verzending)",
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    unconfirmed = (
        db.session.execute(
            update(OutboxMessage)
            .where(*scope, OutboxMessage.status == "handed", OutboxMessage.lease_until < now)
            .values(
                status="unconfirmed",
                lease_until=None,
                last_error="worker gestopt tijdens overdracht; niet opnieuw verstuurd",
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    db.session.commit()
    if resend or unconfirmed:
        log.warning("Verlopen claims (%s): %s opnieuw, %s onbevestigd", kind, resend, unconfirmed)
    return {"resent": resend, "unconfirmed": unconfirmed}


def _claim_next(kind: str, questionnaire_ids: list[int] | None, lease: float) -> OutboxMessage | None:
    now = utcnow()
    message = db.session.scalar(
        select(OutboxMessage)
        .where(
            *_scope(kind, questionnaire_ids),
            or_(
                OutboxMessage.status == "pending",
                and_(OutboxMessage.status == "retry", OutboxMessage.next_attempt_at <= now),
            ),
        )
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if message is None:
        db.session.commit()
        return None
    message.status, message.lease_until = "sending", now + timedelta(seconds=lease)
    message.attempts = (message.attempts or 0) + 1
    db.session.commit()
    return message


def _set(message_id: int, **values) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


# --- 3. hand over -------------------------------------------------------------------------------


class _Unsure(Exception):
    """The connection broke after the final "." went out: the server may have the message."""


def _flatten(message: EmailMessage) -> bytes:
    buffer = BytesIO()
    generator.BytesGenerator(buffer, policy=message.policy.clone(linesep="\r\n")).flatten(message)
    data = re.sub(rb"(?m)^\.", b"..", buffer.getvalue())
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _send_one(
    smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes, handed: Callable[[], None]
) -> tuple[int, str]:
    """MAIL, RCPT, DATA; `handed()` commits before the final "." goes out. Returns the answer."""
    code, reply = smtp.mail(sender)
    if code != 250:
        return code, reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    code, reply = smtp.rcpt(recipient)
    if code not in (250, 251):
        return code, reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        return code, reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    smtp.send(data)
    try:
        handed()
    except BaseException:
        # The database is gone before the hand-over was recorded: drop the connection without the
        # final "." (and without QUIT, which would become part of the message), so the server
        # discards it. The row stays `sending` and is sent again once its lease has passed.
        smtp.close()
        raise
    try:
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
    except (OSError, smtplib.SMTPException) as exc:
        raise _Unsure(type(exc).__name__) from exc
    return code, reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _connect() -> smtplib.SMTP:
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=float(cfg.get("MAIL_TIMEOUT") or 30))
    smtp.ehlo()
    if cfg.get("MAIL_USE_TLS"):
        smtp.starttls()
        smtp.ehlo()
    if cfg.get("MAIL_USERNAME"):
        smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
    return smtp


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _backoff(attempts: int) -> float:
    steps = list(current_app.config.get("MAIL_RETRY_BACKOFF") or (60, 300, 900))
    return float(steps[min(max(attempts, 1) - 1, len(steps) - 1)])


def _undo_mark(message: OutboxMessage) -> None:
    """A message that failed for good: the participant counts as not mailed again (no commit)."""
    participant = db.session.get(Participant, message.participant_id) if message.participant_id else None
    if participant is None:
        return
    delivered = (
        OutboxMessage.participant_id == participant.id,
        OutboxMessage.kind == message.kind,
        OutboxMessage.id != message.id,
        OutboxMessage.status.in_(("sent", "unconfirmed", *ACTIVE)),
    )
    if message.kind == "invitation":
        if db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*delivered)) == 0:
            participant.invited_at = None
    elif message.kind == "reminder":
        participant.reminders_sent = max(0, (participant.reminders_sent or 0) - 1)
        participant.last_reminded_at = db.session.scalar(select(func.max(OutboxMessage.sent_at)).where(*delivered))


def _after_sent(message: OutboxMessage, now: datetime) -> None:
    """The participant's time of the mail is when the server accepted it (no commit)."""
    if message.participant_id is None:
        return
    column = "invited_at" if message.kind == "invitation" else "last_reminded_at"
    db.session.execute(
        update(Participant)
        .where(Participant.id == message.participant_id)
        .values({column: now})
        .execution_options(synchronize_session=False)
    )


def deliver_pending(
    kind: str,
    questionnaire_ids: list[int] | None,
    render: Callable[[OutboxMessage], str],
    progress: Callable[[int, int], None] | None = None,
) -> DeliveryReport:
    """Send every due message of `kind` (of these questionnaires, None: all), one by one."""
    cfg = current_app.config
    report = DeliveryReport()
    lease = float(cfg.get("MAIL_CLAIM_LEASE") or 120)
    max_attempts = int(cfg.get("MAIL_MAX_ATTEMPTS") or 5)
    pause = float(cfg.get("MAIL_TEST_DELAY") or 0)
    recover_expired(kind, questionnaire_ids)
    total = (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(*_scope(kind, questionnaire_ids), OutboxMessage.status.in_(("pending", "retry")))
        )
        or 0
    )
    done = 0
    smtp: smtplib.SMTP | None = None
    try:
        while True:
            message = _claim_next(kind, questionnaire_ids, lease)
            if message is None:
                break
            message_id, recipient = message.id, message.recipient
            if smtp is None:
                try:
                    smtp = _connect()
                except (OSError, smtplib.SMTPException) as exc:
                    # Nothing was handed over: the message waits, like all others, for the retry.
                    _set(
                        message_id,
                        status="pending",
                        lease_until=None,
                        attempts=max(0, message.attempts - 1),
                        last_error=f"mailserver onbereikbaar ({type(exc).__name__})",
                    )
                    report.server_down = True
                    report.error = f"Mailserver niet bereikbaar ({type(exc).__name__})."
                    break
            email = EmailMessage()
            email["From"] = cfg["MAIL_SENDER"]
            email["To"] = recipient
            email["Subject"] = message.subject
            email["Message-ID"] = f"<{message.idempotency_key or message_id}.{message_id}@draagvlak>"
            email.set_content(render(message))
            data = _flatten(email)
            if pause:
                import time

                time.sleep(pause)
            try:
                code, reply = _send_one(
                    smtp,
                    email["From"],
                    recipient,
                    data,
                    handed=lambda message_id=message_id: _set(message_id, status="handed"),
                )
            except _Unsure as exc:
                _set(
                    message_id,
                    status="unconfirmed",
                    lease_until=None,
                    last_error=f"verbinding verbroken na overdracht ({exc})",
                )
                report.unconfirmed += 1
                smtp.close()  # broken or silent: no QUIT (it would wait for an answer)
                smtp = None
                continue
            except (OSError, smtplib.SMTPException) as exc:
                # Before the final ".": the server cannot have accepted it; send it again now.
                _set(
                    message_id,
                    status="retry",
                    lease_until=None,
                    next_attempt_at=utcnow(),
                    last_error=f"verbinding verbroken ({type(exc).__name__})",
                )
                smtp.close()  # possibly mid-DATA: a QUIT would become part of the message
                smtp = None
                if message.attempts >= max_attempts:
                    _fail(message_id, "te veel verbroken verbindingen")
                    report.failed += 1
                continue
            now = utcnow()
            if code == 250:
                db.session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == message_id)
                    .values(status="sent", sent_at=now, lease_until=None, last_error=None)
                    .execution_options(synchronize_session=False)
                )
                _after_sent(message, now)
                db.session.commit()
                report.sent += 1
            else:
                report.errors[str(code)] = report.errors.get(str(code), 0) + 1
                text = f"{code} {reply}"[:300]
                if 400 <= code < 500 and message.attempts < max_attempts:
                    _set(
                        message_id,
                        status="retry",
                        lease_until=None,
                        next_attempt_at=now + timedelta(seconds=_backoff(message.attempts)),
                        last_error=text,
                    )
                else:
                    _fail(message_id, text)
                    report.failed += 1
                if code == 421:  # the server closes the connection: a new one for the rest
                    smtp.close()
                    smtp = None
                else:
                    try:
                        smtp.rset()
                    except (OSError, smtplib.SMTPException):
                        _close(smtp)
                        smtp = None
            done += 1
            if progress is not None and (done % 10 == 0 or done == total):
                progress(done, max(total, done))
    except BaseException:
        if smtp is not None:
            smtp.close()  # mid-transaction: no QUIT, the server discards what it has not accepted
        smtp = None
        raise
    finally:
        _close(smtp)
        try:
            db.session.rollback()
        except Exception as exc:  # noqa: BLE001 - the database may be what failed; the task retries
            log.warning("Rollback na verzenden mislukt: %s", type(exc).__name__)
    _summarise(report, kind, questionnaire_ids)
    return report


def _fail(message_id: int, text: str) -> None:
    message = db.session.get(OutboxMessage, message_id)
    message.status, message.lease_until, message.last_error = "failed", None, text[:300]
    _undo_mark(message)
    db.session.commit()


def _summarise(report: DeliveryReport, kind: str, questionnaire_ids: list[int] | None) -> None:
    """What is still open after the run: retries (and when), claims of other workers, waiting."""
    scope = _scope(kind, questionnaire_ids)
    rows = db.session.execute(
        select(
            OutboxMessage.status,
            func.count(),
            func.min(OutboxMessage.next_attempt_at),
            func.min(OutboxMessage.lease_until),
        )
        .where(*scope, OutboxMessage.status.in_(ACTIVE))
        .group_by(OutboxMessage.status)
    ).all()
    moments = []
    for status, count, next_attempt, lease_until in rows:
        if status == "retry":
            report.retry = count
            moments.append(aware(next_attempt))
        elif status in ("sending", "handed"):
            report.in_flight += count
            moments.append(aware(lease_until))  # check back when the other worker's lease ends
        elif status == "pending":
            report.pending = count
    moments = [m for m in moments if m is not None]
    report.retry_at = min(moments) if moments else None
    db.session.commit()


def counts(kind: str | None = None, questionnaire_id: int | None = None, job_id: str | None = None) -> dict:
    """Messages per status, for the page and the job."""
    conditions = []
    if kind:
        conditions.append(OutboxMessage.kind == kind)
    if questionnaire_id is not None:
        conditions.append(OutboxMessage.questionnaire_id == questionnaire_id)
    if job_id is not None:
        conditions.append(OutboxMessage.job_id == job_id)
    return dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).where(*conditions).group_by(OutboxMessage.status)
        ).all()
    )
