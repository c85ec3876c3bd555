"""Invitation and reminder mails in batches, personal links without stored tokens, opt-out.

Mail bodies are stored with placeholders (`[[link:<participant id>]]`, `[[afmelden:<id>]]`) and the
personal link is derived from the token only when a message is sent over SMTP, shown in the
regisseur's outbox or written to the mail-merge CSV: the database never holds a token.
Mails contain the link and nothing about answers, so no mail ties a participant to a response.
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from babel.dates import format_date, format_datetime, get_timezone
from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import delete, func, or_, select

from app.extensions import db
from app.models import Participant, Questionnaire, TrajectMember, User
from app.models.base import aware
from app.services import audit
from app.services.mail import deliver, queue_mail, smtp_configured
from app.services.participants import (
    MAIL_LANGUAGES,
    ROLE_NAMES,
    ROLE_NAMES_EN,
    is_closed,
    links_visible,
    recipient_language,
)
from app.services.tokens import participant_for_token, personal_link, rotate_token, token_for
from surveys import duration
from surveys.model import Questionnaire as Definition

log = logging.getLogger("draagvlak.mail")
PLACEHOLDER = re.compile(r"\[\[(link|afmelden):(\d+)\]\]")
TZ = "Europe/Amsterdam"

Progress = Callable[[int, int], None]


def utcnow() -> datetime:
    return datetime.now(UTC)


@contextlib.contextmanager
def url_context():
    """url_for needs a request; a worker has none, so give it one on the public base URL."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["PUBLIC_BASE_URL"]):
        yield


def optout_link(token: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("distribution.opt_out", token=token)


def links_for(participant: Participant) -> tuple[str, str] | None:
    """(personal link, opt-out link), or None when the token is gone (erased or rotated key)."""
    token = token_for(participant)
    if token is None:
        return None
    return personal_link(token), optout_link(token)


def render_links(body: str, traject_id: int | None) -> str:
    """Fill the link placeholders of a stored mail body; only participants of `traject_id`."""

    def fill(match: re.Match) -> str:
        participant = db.session.get(Participant, int(match.group(2)))
        if participant is None or participant.questionnaire.traject_id != traject_id:
            return "(link niet beschikbaar)"
        links = links_for(participant)
        if links is None:
            return "(link niet meer geldig)"
        return links[0] if match.group(1) == "link" else links[1]

    if "[[" not in body:
        return body
    with url_context():
        return PLACEHOLDER.sub(fill, body)


HIDDEN_LINK = "(persoonlijke link: alleen in de mail aan de deelnemer)"
HIDDEN_OPTOUT = "(afmeldlink: alleen in de mail aan de deelnemer)"


def display_links(body: str, traject_id: int | None) -> str:
    """A stored mail body as the regisseur may read it (outbox page): links of identified
    questionnaires, and of anonymous ones only in a self-distribution traject, are filled in;
    other personal links stay with their participant."""

    def fill(match: re.Match) -> str:
        participant = db.session.get(Participant, int(match.group(2)))
        if participant is None or participant.questionnaire.traject_id != traject_id:
            return "(link niet beschikbaar)"
        if not links_visible(participant.questionnaire):
            return HIDDEN_LINK if match.group(1) == "link" else HIDDEN_OPTOUT
        links = links_for(participant)
        if links is None:
            return "(link niet meer geldig)"
        return links[0] if match.group(1) == "link" else links[1]

    if "[[" not in body:
        return body
    with url_context():
        return PLACEHOLDER.sub(fill, body)


def mailable(questionnaire: Questionnaire, now: datetime | None = None) -> bool:
    """Mails go out only for an open questionnaire, after it opens and before it closes."""
    now = now or utcnow()
    opens_at = aware(questionnaire.opens_at)
    return (
        questionnaire.status == "open" and not is_closed(questionnaire, now) and (opens_at is None or opens_at <= now)
    )


def deadline_text(questionnaire: Questionnaire, lang: str = "nl") -> str | None:
    if questionnaire.closes_at is not None:
        pattern = "EEEE d MMMM yyyy 'at' HH:mm" if lang == "en" else "EEEE d MMMM yyyy 'om' HH:mm 'uur'"
        return format_datetime(aware(questionnaire.closes_at), pattern, tzinfo=get_timezone(TZ), locale=lang)
    if questionnaire.traject is not None and questionnaire.traject.deadline is not None:
        return format_date(questionnaire.traject.deadline, "EEEE d MMMM yyyy", locale=lang)
    return None


def minutes_needed(questionnaire: Questionnaire) -> int:
    """The same estimate as the start page (surveys.duration), for the mail."""
    return duration.minutes_needed(Definition.from_dict(questionnaire.definition))


def sender_name(questionnaire: Questionnaire, user_id: int | None = None) -> str:
    """Who asks: the regisseur who sent the invitations, else the traject's first regisseur."""
    user = db.session.get(User, user_id) if user_id else None
    if user is None or user.role != "regisseur":
        user = db.session.scalar(
            select(User)
            .join(TrajectMember, TrajectMember.user_id == User.id)
            .where(TrajectMember.traject_id == questionnaire.traject_id, User.role == "regisseur")
            .order_by(TrajectMember.added_at, TrajectMember.id)
            .limit(1)
        )
    return user.name if user is not None else "de regisseur van de verkenning"


SUBJECTS = {
    ("invitation", "nl"): "Uitnodiging: {title}",
    ("reminder", "nl"): "Herinnering: {title}",
    ("invitation", "en"): "Invitation: {title}",
    ("reminder", "en"): "Reminder: {title}",
}


def compose(
    kind: str, participant: Participant, questionnaire: Questionnaire, sender: str, lang: str | None = None
) -> tuple[str, str]:
    """Subject and body (with link placeholders) of an invitation or a reminder, in the
    participant's language (`recipient_language`) unless `lang` asks for another."""
    lang = lang if lang in MAIL_LANGUAGES else recipient_language(participant)
    title = (questionnaire.title or {}).get(lang) or (questionnaire.title or {}).get("nl") or questionnaire.key
    roles = ROLE_NAMES_EN if lang == "en" else ROLE_NAMES
    context = {
        "participant": participant,
        "questionnaire": questionnaire,
        "title": title,
        "traject": questionnaire.traject,
        "sender": sender,
        "role_name": roles.get(participant.role, participant.role),
        "organisation": participant.organisation,
        "minutes": minutes_needed(questionnaire),
        "deadline": deadline_text(questionnaire, lang),
        "threshold": questionnaire.traject.anonymity_threshold,
        "link": f"[[link:{participant.id}]]",
        "optout": f"[[afmelden:{participant.id}]]",
    }
    suffix = ".en" if lang == "en" else ""
    body = render_template(f"distribution/mail/{kind}{suffix}.txt", **context)
    return SUBJECTS[(kind, lang)].format(title=title), body


# --- who gets a mail --------------------------------------------------------------------------


def _reachable():
    return (Participant.email.is_not(None), Participant.opted_out.is_(False), Participant.completed.is_(False))


def invitation_conditions(resend: bool = False) -> list:
    conditions = list(_reachable())
    if not resend:
        conditions.append(Participant.invited_at.is_(None))
    return conditions


def reminder_conditions(questionnaire: Questionnaire, now: datetime) -> list:
    due = now - timedelta(days=questionnaire.reminder_interval_days or 0)
    return [
        *_reachable(),
        Participant.invited_at.is_not(None),
        Participant.reminders_sent < (questionnaire.max_reminders or 0),
        func.coalesce(Participant.last_reminded_at, Participant.invited_at) <= due,
    ]


def _ids(questionnaire: Questionnaire, conditions: list, participant_ids: list[int] | None = None) -> list[int]:
    query = select(Participant.id).where(Participant.questionnaire_id == questionnaire.id, *conditions)
    if participant_ids is not None:
        query = query.where(Participant.id.in_(participant_ids))
    return list(db.session.scalars(query.order_by(Participant.id)))


def pending_invitations(questionnaire: Questionnaire) -> int:
    return len(_ids(questionnaire, invitation_conditions()))


def pending_participants(questionnaire: Questionnaire, limit: int | None = None) -> list[Participant]:
    """Who the next "Uitnodigingen versturen" mails: not yet invited (and reachable)."""
    query = (
        select(Participant)
        .where(Participant.questionnaire_id == questionnaire.id, *invitation_conditions())
        .order_by(Participant.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def without_links(text: str, lang: str = "nl") -> str:
    words = ("(personal link)", "(opt-out link)") if lang == "en" else ("(persoonlijke link)", "(afmeldlink)")
    return PLACEHOLDER.sub(lambda m: words[0] if m.group(1) == "link" else words[1], text)


def sample_mail(
    kind: str, questionnaire: Questionnaire, participant: Participant, sender_id: int | None = None
) -> dict:
    """What `participant` will get, with the links left out: {"subject", "lang"} of the mail in their own
    language, and the same mail in each language (`"nl"`, `"en"`: (subject, body)) for the review."""
    sender = sender_name(questionnaire, sender_id)
    lang = recipient_language(participant)
    parts = {code: compose(kind, participant, questionnaire, sender, code) for code in MAIL_LANGUAGES}
    return {
        "subject": parts[lang][0],
        "lang": lang,
        **{code: (s, without_links(b, code)) for code, (s, b) in parts.items()},
    }


def sample_invitation(
    questionnaire: Questionnaire, participant: Participant, sender_id: int | None = None, lang: str | None = None
) -> tuple[str, str]:
    """Subject and body of the invitation `participant` will get (in their language, or `lang`),
    with the links left out."""
    lang = lang if lang in MAIL_LANGUAGES else recipient_language(participant)
    subject, body = compose("invitation", participant, questionnaire, sender_name(questionnaire, sender_id), lang)
    return subject, without_links(body, lang)


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
    return len(_ids(questionnaire, reminder_conditions(questionnaire, now))) if mailable(questionnaire, now) else 0


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
    work = [(q, _ids(q, conditions, participant_ids)) for q in targets]
    total = sum(len(ids) for _, ids in work)
    done = 0
    for questionnaire, ids in work:
        done = _run_and_record(
            "invitation",
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
        "Uitnodigingen: %s aangemaakt, %s verstuurd, %s mislukt, %s later opnieuw",
        result.queued,
        result.sent,
        result.failed,
        result.retry + result.pending,
    )
    return result


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
    work = [(q, conditions, _ids(q, conditions)) for q, conditions in work]
    total = sum(len(ids) for _, _, ids in work)
    done = 0
    for questionnaire, conditions, ids in work:
        done = _run_and_record(
            "reminder",
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
        "Herinneringen: %s aangemaakt, %s verstuurd, %s mislukt, %s later opnieuw",
        result.queued,
        result.sent,
        result.failed,
        result.retry + result.pending,
    )
    return result


# --- opt-out and the mail-merge CSV -----------------------------------------------------------


def opt_out(token: str) -> Participant | None:
    """Stop further mails for the participant of `token` (no commit); None for an unknown token."""
    participant = participant_for_token(token)
    if participant is None:
        return None
    if not participant.opted_out:
        participant.opted_out = True
        # No participant id in the trail: only that someone of this questionnaire opted out.
        audit.record(
            "participant.opted_out",
            object_type="Questionnaire",
            object_id=participant.questionnaire_id,
            traject_id=participant.questionnaire.traject_id,
            actor_id=None,
        )
    return participant


LINK_COLUMNS = ("name", "email", "role", "organisation", "link")


def _cell(value: str | None) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula; quote it.
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class LinksNotAvailable(PermissionError):
    """An anonymous questionnaire's links go by mail only (unless the traject self-distributes)."""


def link_rows(questionnaire: Questionnaire) -> list[list[str]]:
    """Rows for the mail-merge CSV: participants who have not completed and did not opt out.

    Raises LinksNotAvailable for an anonymous questionnaire outside self-distribution."""
    if not links_visible(questionnaire):
        raise LinksNotAvailable("De persoonlijke links van een anonieme vragenlijst gaan alleen per mail.")
    # Anonymous (self-distribution): every participant, so the list does not tell who answered.
    conditions = [Participant.email.is_not(None)] if questionnaire.anonymous else list(_reachable())
    participants = db.session.scalars(
        select(Participant)
        .where(Participant.questionnaire_id == questionnaire.id, *conditions)
        .order_by(Participant.id)
    ).all()
    rows = []
    with url_context():
        for participant in participants:
            links = links_for(participant)
            if links is None:
                continue
            rows.append(
                [
                    _cell(participant.name),
                    _cell(participant.email),
                    participant.role,
                    participant.organisation.code if participant.organisation else "",
                    links[0],
                ]
            )
    audit.record("export.links", obj=questionnaire, traject_id=questionnaire.traject_id, count=len(rows))
    return rows
