"""Sending mail: over SMTP when configured, else into the outbox table the regisseur can read."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app

from app.extensions import db
from app.models import OutboxMessage
from app.models.base import utcnow


def queue_mail(
    recipient: str, subject: str, body: str, *, kind: str = "other", traject_id: int | None = None, language: str = "nl"
) -> OutboxMessage:
    """Store a message in the outbox (no commit). `deliver_pending` sends it when SMTP is set.
    `language` is the one the message is written in (the recipient's)."""
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body=body,
        kind=kind,
        traject_id=traject_id,
        status="outbox",
        language=language,
    )
    db.session.add(message)
    return message


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def deliver(messages: list[OutboxMessage], body_for=None) -> tuple[int, int]:
    """Send messages over one SMTP connection; returns (sent, failed). No-op without SMTP.

    `body_for(message)` gives the text to send when it differs from the stored body (invitations
    store placeholders for personal links, so the database never holds a token).
    """
    if not smtp_configured() or not messages:
        return 0, 0
    cfg = current_app.config
    sent = failed = 0
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        for message in messages:
            email = EmailMessage()
            email["From"] = cfg["MAIL_SENDER"]
            email["To"] = message.recipient
            email["Subject"] = message.subject
            email.set_content(body_for(message) if body_for else message.body)
            try:
                smtp.send_message(email)
                message.status, message.sent_at = "sent", utcnow()
                sent += 1
            except smtplib.SMTPException:
                message.status = "failed"
                failed += 1
    return sent, failed


def send_now(
    recipient: str,
    subject: str,
    body: str,
    *,
    kind: str = "other",
    traject_id: int | None = None,
    body_for=None,
    language: str = "nl",
) -> OutboxMessage:
    """Queue one message and deliver it right away when SMTP is configured (commits).

    `body_for(message)`, as in `deliver`: the text sent when the stored body holds a placeholder
    (the password-reset link is never stored)."""
    message = queue_mail(recipient, subject, body, kind=kind, traject_id=traject_id, language=language)
    db.session.commit()
    if smtp_configured():
        try:
            deliver([message], body_for=body_for)
        except (OSError, smtplib.SMTPException) as exc:
            current_app.logger.warning("Mail niet verstuurd: %s", type(exc).__name__)
            message.status = "failed"
        db.session.commit()
    return message
