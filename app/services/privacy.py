"""Privacy (AVG): archive a traject and erase its personal data, export what is stored about one
participant, and retention of raw responses after an archive.

What stays after an erasure: the traject, its organisations, questionnaires, indicator snapshots
(aggregated and suppressed below the anonymity threshold) and, unless asked otherwise, the
responses without any link to a person. What goes: e-mail addresses, names, token hashes and salts
of participants, drafts, the traject's outbox, and the accounts (bestuurder, ict_lead) that
belonged to this traject only (deactivated, name and address pseudonymised). Services never
commit: the route or task that calls them owns the transaction.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import delete, false, func, or_, select, update

from app.extensions import db
from app.models import (
    ApiToken,
    AuditEvent,
    IndicatorSnapshot,
    OutboxMessage,
    Participant,
    Questionnaire,
    ReleaseBatch,
    Response,
    ResponseDraft,
    Traject,
    TrajectMember,
    User,
)
from app.models.base import aware, utcnow
from app.models.privacy import DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, PrivacySettings
from app.services import audit
from app.services.errors import N_, ServiceError

ARCHIVED_MESSAGE = N_(
    "Dit traject is gearchiveerd en de persoonsgegevens zijn gewist; het is alleen "
    "nog te lezen. Wijzigingen zijn niet meer mogelijk."
)
ERASED = "[verwijderd]"
#: Roles whose account is deactivated with the traject when it is their only traject.
ERASABLE_ACCOUNT_ROLES = ("bestuurder", "ict_lead")
ANONYMOUS_STATEMENT = (
    "Antwoorden op anonieme vragenlijsten zijn niet aan personen gekoppeld: het antwoord bevat geen "
    "deelnemer-id, geen IP-adres, geen browsergegevens en alleen de datum van insturen. Ze zijn "
    "daarom niet op te zoeken of te exporteren per persoon. Dat is zo ontworpen. Van de uitnodiging "
    "is alleen vastgelegd dát die is gebruikt."
)

ANONYMOUS_DRAFT_STATEMENT = (
    "Een concept van een anonieme vragenlijst staat niet in deze export: het is alleen te lezen in de "
    "browser waarin de deelnemer het begon, en wordt bij het insturen verwijderd."
)
ANONYMOUS_STATUS_STATEMENT = (
    "Of en wanneer deze persoon een anonieme vragenlijst heeft ingevuld, herinneringen kreeg of zich "
    "afmeldde, staat niet in deze export: dat toont Draagvlak per persoon aan niemand. De deelnemer "
    "ziet het zelf met de eigen link."
)


class PrivacyError(ServiceError):
    """A Dutch, user-facing reason why a privacy action was refused."""


def is_archived(traject: Traject) -> bool:
    return traject.archived_at is not None


def ensure_writable(traject: Traject) -> None:
    """Services that change a traject call this: an archived traject is read-only."""
    if is_archived(traject):
        raise PrivacyError(ARCHIVED_MESSAGE)


# -- settings -----------------------------------------------------------------------------------


def settings_for(traject: Traject) -> PrivacySettings:
    """The traject's privacy settings; an unsaved row with the defaults when there is none."""
    settings = db.session.get(PrivacySettings, traject.id)
    if settings is None:
        settings = PrivacySettings(traject_id=traject.id, retention_days=DEFAULT_RETENTION_DAYS)
    return settings


def set_retention(traject: Traject, days) -> PrivacySettings:
    """Set how many days raw responses are kept after the archive (no commit)."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise PrivacyError(N_("Vul een geheel aantal dagen in.")) from None
    if not 0 <= days <= MAX_RETENTION_DAYS:
        raise PrivacyError(N_("De bewaartermijn ligt tussen 0 en %(n)s dagen.", n=MAX_RETENTION_DAYS))
    settings = settings_for(traject)
    previous = settings.retention_days
    settings.retention_days = days
    db.session.add(settings)
    audit.record(
        "privacy.retention_changed", obj=traject, traject_id=traject.id, retention_days=days, previous=previous
    )
    return settings


def retention_due(traject: Traject, settings: PrivacySettings | None = None) -> datetime | None:
    """When the raw responses of an archived traject are due for deletion (None if not archived)."""
    if traject.archived_at is None:
        return None
    settings = settings or settings_for(traject)
    days = DEFAULT_RETENTION_DAYS if settings.retention_days is None else settings.retention_days
    return aware(traject.archived_at) + timedelta(days=days)


# -- what is stored -----------------------------------------------------------------------------


def _questionnaire_ids(traject: Traject):
    return select(Questionnaire.id).where(Questionnaire.traject_id == traject.id)


def _participant_ids(traject: Traject):
    return (
        select(Participant.id)
        .join(Questionnaire, Participant.questionnaire_id == Questionnaire.id)
        .where(Questionnaire.traject_id == traject.id)
    )


def _count(query) -> int:
    return int(db.session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def accounts_only_in(traject: Traject) -> list[User]:
    """Bestuurder and ict_lead accounts that belong to this traject and to no other one."""
    linked = select(TrajectMember.user_id).where(TrajectMember.traject_id == traject.id)
    via_participants = select(Participant.user_id).where(
        Participant.id.in_(_participant_ids(traject)), Participant.user_id.is_not(None)
    )
    elsewhere = select(TrajectMember.user_id).where(TrajectMember.traject_id != traject.id)
    query = (
        select(User)
        .where(
            or_(User.id.in_(linked), User.id.in_(via_participants)),
            User.id.not_in(elsewhere),
            User.role.in_(ERASABLE_ACCOUNT_ROLES),
        )
        .order_by(User.id)
    )
    return list(db.session.scalars(query))


def overview(traject: Traject) -> dict[str, int]:
    """Counts of what the traject stores, for the privacy page."""
    q_ids = _questionnaire_ids(traject)
    p_ids = _participant_ids(traject)
    return {
        "participants": _count(select(Participant.id).where(Participant.id.in_(p_ids), Participant.email.is_not(None))),
        "drafts": _count(select(ResponseDraft.id).where(ResponseDraft.participant_id.in_(p_ids))),
        "outbox": _count(select(OutboxMessage.id).where(OutboxMessage.traject_id == traject.id)),
        "accounts": len(accounts_only_in(traject)),
        "identified_responses": _count(
            select(Response.id).where(
                Response.questionnaire_id.in_(q_ids),
                or_(Response.participant_id.is_not(None), Response.user_id.is_not(None)),
            )
        ),
        "responses": _count(select(Response.id).where(Response.questionnaire_id.in_(q_ids))),
        "snapshots": _count(select(IndicatorSnapshot.id).where(IndicatorSnapshot.traject_id == traject.id)),
    }


# -- archive and erase --------------------------------------------------------------------------


def _scrub(value, emails: set[str]):
    """Replace every string in a JSON value that contains an erased address."""
    if isinstance(value, str):
        lowered = value.lower()
        return ERASED if any(e in lowered for e in emails) else value
    if isinstance(value, list):
        return [_scrub(v, emails) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, emails) for k, v in value.items()}
    return value


def delete_responses(traject: Traject) -> int:
    """Delete the raw responses of a traject; snapshots stay (no commit). Returns the count."""
    # Their release marks first (PostgreSQL cascades; SQLite does not enforce the foreign key).
    responses = select(Response.id).where(Response.questionnaire_id.in_(_questionnaire_ids(traject)))
    db.session.execute(
        delete(ReleaseBatch).where(ReleaseBatch.response_id.in_(responses)).execution_options(synchronize_session=False)
    )
    deleted = (
        db.session.execute(
            delete(Response)
            .where(Response.questionnaire_id.in_(_questionnaire_ids(traject)))
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    settings = settings_for(traject)
    settings.responses_deleted_at = utcnow()
    db.session.add(settings)
    return int(deleted)


def erase_traject(traject: Traject, *, confirm_name: str, delete_raw_responses: bool = False) -> dict:
    """Archive a traject and erase its personal data; aggregated results stay (no commit).

    `confirm_name` must be the traject's name: the action cannot be undone. Returns the counts
    that also go into the `privacy.erased` audit event (counts only, never the data).
    """
    if is_archived(traject):
        raise PrivacyError(N_("Dit traject is al gearchiveerd en gewist."))
    if (confirm_name or "").strip() != traject.name.strip():
        raise PrivacyError(N_("De naam komt niet overeen met de naam van het traject. Er is niets gewist."))
    db.session.flush()
    traject_id = traject.id
    q_ids = _questionnaire_ids(traject)
    p_ids = _participant_ids(traject)

    emails = {
        e.lower()
        for e in db.session.scalars(
            select(Participant.email).where(Participant.id.in_(p_ids), Participant.email.is_not(None))
        )
    }
    accounts = accounts_only_in(traject)
    account_ids = [u.id for u in accounts]
    account_emails = {u.email.lower() for u in accounts}
    emails |= account_emails

    counts: dict[str, int] = {}
    counts["drafts"] = (
        db.session.execute(
            delete(ResponseDraft)
            .where(ResponseDraft.participant_id.in_(p_ids))
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    counts["responses_unlinked"] = (
        db.session.execute(
            update(Response)
            .where(
                Response.questionnaire_id.in_(q_ids),
                or_(Response.participant_id.is_not(None), Response.user_id.is_not(None)),
            )
            .values(participant_id=None, user_id=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    counts["responses_deleted"] = delete_responses(traject) if delete_raw_responses else 0
    counts["participants"] = (
        db.session.execute(
            update(Participant)
            .where(Participant.id.in_(p_ids))
            .values(
                email=None,
                name=None,
                token_hash=None,
                token_salt=None,
                user_id=None,
                invited_at=None,
                last_reminded_at=None,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    outbox_filter = OutboxMessage.traject_id == traject_id
    if account_emails:
        # Password-reset mails of the accounts that go away carry no traject id.
        outbox_filter = or_(
            outbox_filter,
            (OutboxMessage.traject_id.is_(None)) & func.lower(OutboxMessage.recipient).in_(sorted(account_emails)),
        )
    counts["outbox"] = (
        db.session.execute(
            delete(OutboxMessage).where(outbox_filter).execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )

    if account_ids:
        db.session.execute(
            delete(ApiToken).where(ApiToken.user_id.in_(account_ids)).execution_options(synchronize_session=False)
        )
        db.session.execute(
            delete(TrajectMember)
            .where(TrajectMember.user_id.in_(account_ids))
            .execution_options(synchronize_session=False)
        )
        for user_id in account_ids:
            db.session.execute(
                update(User)
                .where(User.id == user_id)
                .values(
                    active=False,
                    name=f"Verwijderd account {user_id}",
                    email=f"verwijderd-{user_id}@verwijderd.invalid",
                    # A random password nobody knows: the account can never log in again.
                    password_hash="!" + secrets.token_hex(32),
                    organisation_id=None,
                    failed_logins=0,
                    locked_until=None,
                )
                .execution_options(synchronize_session=False)
            )
    counts["accounts"] = len(account_ids)

    # Addresses in the traject's own audit details (e.g. "member.added") are personal data too.
    scrubbed = 0
    if emails:
        for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.traject_id == traject_id, AuditEvent.detail.is_not(None))
        ):
            clean = _scrub(event.detail, emails)
            if clean != event.detail:
                event.detail = clean
                scrubbed += 1
    counts["audit_details_scrubbed"] = scrubbed
    from app.services.stakeholders import erase_people

    counts["stakeholder_persons"] = erase_people(traject)  # names in the stakeholder register
    from app.services import released_comments, released_groups

    # Released free text is raw answers, not aggregates: it goes; the releases' figures stay.
    counts["released_comments"] = released_comments.erase(traject_id)
    released_groups.erase(traject_id)  # the open-answers page's groups hold the same texts

    closed = db.session.execute(
        update(Questionnaire)
        .where(Questionnaire.traject_id == traject_id, Questionnaire.status != "closed")
        .values(status="closed", closed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    counts["questionnaires_closed"] = closed or 0
    db.session.flush()
    db.session.expire_all()

    traject = db.session.get(Traject, traject_id)
    traject.archived_at = utcnow()
    # Nothing may recompute over what is left: the last snapshot is the result that stays.
    traject.indicators_stale = False
    counts = {k: int(v) for k, v in counts.items()}
    audit.record(
        "privacy.erased", obj=traject, traject_id=traject_id, delete_raw_responses=bool(delete_raw_responses), **counts
    )
    return counts


# -- export for one participant -----------------------------------------------------------------


def _iso(value):
    if isinstance(value, datetime):
        return aware(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _questionnaire_json(questionnaire: Questionnaire) -> dict:
    return {
        "id": questionnaire.id,
        "key": questionnaire.key,
        "title": questionnaire.title,
        "version": questionnaire.version,
        "anonymous": bool(questionnaire.anonymous),
        "status": questionnaire.status,
    }


def export_participant(traject: Traject, email: str) -> dict | None:
    """Everything stored about one e-mail address within a traject, as a JSON-ready dict.

    None when nothing at all is stored about the address in this traject. Records the
    `privacy.exported` audit event (counts only) when there is something to export.
    """
    address = (email or "").strip().lower()
    if not address:
        raise PrivacyError(N_("Vul een e-mailadres in."))
    participants = list(
        db.session.scalars(
            select(Participant)
            .join(Questionnaire, Participant.questionnaire_id == Questionnaire.id)
            .where(Questionnaire.traject_id == traject.id, func.lower(Participant.email) == address)
            .order_by(Participant.id)
        )
    )
    account = db.session.scalar(select(User).where(func.lower(User.email) == address))
    if (
        account is not None
        and not db.session.scalar(
            select(TrajectMember.id).where(TrajectMember.traject_id == traject.id, TrajectMember.user_id == account.id)
        )
        and not any(p.user_id == account.id for p in participants)
    ):
        account = None  # an account elsewhere is not this regisseur's to export
    outbox = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                func.lower(OutboxMessage.recipient) == address,
                or_(
                    OutboxMessage.traject_id == traject.id,
                    OutboxMessage.traject_id.is_(None) if account is not None else false(),
                ),
            )
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    )
    if not participants and account is None and not outbox:
        return None
    # Reminders go to those who had not answered yet: for an anonymous questionnaire they would
    # tell who answered, so they stay out of the export (like the per-person status).
    anonymous_ids = {p.id for p in participants if p.questionnaire.anonymous}
    outbox = [m for m in outbox if not (m.kind == "reminder" and _mail_participant(m) in anonymous_ids)]

    participant_rows, responses, anonymous = [], [], []
    for p in participants:
        questionnaire = p.questionnaire
        if questionnaire.anonymous:
            # The regisseur makes this export: a draft, and whether (or how far) this person answered
            # an anonymous questionnaire, are not theirs to read. The respondent sees it with their link.
            participant_rows.append(
                {
                    "id": p.id,
                    "questionnaire": _questionnaire_json(questionnaire),
                    "email": p.email,
                    "name": p.name,
                    "role": p.role,
                    "organisation": p.organisation.code if p.organisation else None,
                    "invitation": {
                        "invited_at": _iso(p.invited_at),
                        "token": "alleen als hash opgeslagen; niet in deze export" if p.token_hash else None,
                        "status": ANONYMOUS_STATUS_STATEMENT,
                    },
                    "created_at": _iso(p.created_at),
                    "draft": ANONYMOUS_DRAFT_STATEMENT,
                }
            )
            anonymous.append({"questionnaire": _questionnaire_json(questionnaire), "statement": ANONYMOUS_STATEMENT})
            continue
        draft = db.session.scalar(select(ResponseDraft).where(ResponseDraft.participant_id == p.id))
        participant_rows.append(
            {
                "id": p.id,
                "questionnaire": _questionnaire_json(questionnaire),
                "email": p.email,
                "name": p.name,
                "role": p.role,
                "organisation": p.organisation.code if p.organisation else None,
                "invitation": {
                    "invited_at": _iso(p.invited_at),
                    "reminders_sent": p.reminders_sent,
                    "last_reminded_at": _iso(p.last_reminded_at),
                    "opted_out": bool(p.opted_out),
                    "completed": bool(p.completed),
                    "token": "alleen als hash opgeslagen; niet in deze export" if p.token_hash else None,
                },
                "created_at": _iso(p.created_at),
                "draft": (
                    {"answers": draft.answers, "section": draft.section_key, "updated_at": _iso(draft.updated_at)}
                    if draft is not None
                    else None
                ),
            }
        )
    conditions = [Response.participant_id.in_([p.id for p in participants])] if participants else []
    if account is not None:
        conditions.append(Response.user_id == account.id)
    if conditions:
        for r in db.session.scalars(
            select(Response)
            .join(Questionnaire, Response.questionnaire_id == Questionnaire.id)
            .where(Questionnaire.traject_id == traject.id, Questionnaire.anonymous.is_(False), or_(*conditions))
            .order_by(Response.questionnaire_id, Response.revision)
        ):
            responses.append(
                {
                    "id": r.id,
                    "questionnaire_id": r.questionnaire_id,
                    "revision": r.revision,
                    "is_latest": bool(r.is_latest),
                    "submitted_on": _iso(r.submitted_on),
                    "signed_at": _iso(r.signed_at),
                    "organisation": r.organisation_code,
                    "role": r.role,
                    "answers": r.answers,
                }
            )
    account_json = None
    if account is not None:
        logins = db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "User",
                AuditEvent.object_id == str(account.id),
                AuditEvent.action.in_(LOGIN_ACTIONS),
            )
            .order_by(AuditEvent.at.desc())
            .limit(100)
        )
        actions = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.traject_id == traject.id, AuditEvent.actor_id == account.id)
            .order_by(AuditEvent.at.desc())
            .limit(500)
        )
        account_json = {
            "id": account.id,
            "email": account.email,
            "name": account.name,
            "role": account.role,
            "organisation": account.organisation.code if account.organisation else None,
            "active": bool(account.active),
            "created_at": _iso(account.created_at),
            "credentials": "wachtwoord en API-tokens alleen als hash opgeslagen; niet in deze export",
            "api_tokens": db.session.scalar(
                select(func.count()).select_from(ApiToken).where(ApiToken.user_id == account.id)
            )
            or 0,
            "sign_ins": [{"at": _iso(e.at), "action": e.action} for e in logins],
            "actions_in_traject": [
                {"at": _iso(e.at), "action": e.action, "object_type": e.object_type, "object_id": e.object_id}
                for e in actions
            ],
        }
    result = {
        "generated_at": _iso(utcnow()),
        "email": address,
        "traject": {"id": traject.id, "name": traject.name},
        "participants": participant_rows,
        "identified_responses": responses,
        "anonymous_questionnaires": anonymous,
        "outbox": [
            {
                "subject": m.subject,
                "body": m.body,
                "kind": m.kind,
                "status": m.status,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
            }
            for m in outbox
        ],
        "account": account_json,
        "notes": [ANONYMOUS_STATEMENT] if anonymous else [],
    }
    audit.record(
        "privacy.exported",
        obj=traject,
        traject_id=traject.id,
        participants=len(participant_rows),
        identified_responses=len(responses),
        outbox=len(outbox),
        account=account_json is not None,
    )
    return result


def _mail_participant(message: OutboxMessage) -> int | None:
    """The participant a stored invitation or reminder is for (its link placeholder)."""
    import re

    match = re.search(r"\[\[(?:link|afmelden):(\d+)\]\]", message.body or "")
    return int(match.group(1)) if match else None


#: User-level events shown on the account page and in an export.
LOGIN_ACTIONS = (
    "login",
    "login.failed",
    "logout",
    "account.locked",
    "password.changed",
    "password.reset_requested",
    "password.reset",
)


def recent_sign_ins(user: User, limit: int = 10) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "User",
                AuditEvent.object_id == str(user.id),
                AuditEvent.action.in_(LOGIN_ACTIONS),
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


# -- retention ----------------------------------------------------------------------------------


def apply_retention(now: datetime | None = None) -> dict[int, int]:
    """Delete the raw responses of archived trajects past their retention (no commit).

    Returns {traject_id: responses deleted}. Snapshots are never touched.
    """
    now = now or utcnow()
    done: dict[int, int] = {}
    for traject in db.session.scalars(select(Traject).where(Traject.archived_at.is_not(None)).order_by(Traject.id)):
        settings = settings_for(traject)
        due = retention_due(traject, settings)
        if due is None or due > now:
            continue
        remaining = _count(select(Response.id).where(Response.questionnaire_id.in_(_questionnaire_ids(traject))))
        if not remaining and settings.responses_deleted_at is not None:
            continue
        deleted = delete_responses(traject)
        audit.record(
            "privacy.retention_applied",
            obj=traject,
            traject_id=traject.id,
            responses_deleted=deleted,
            retention_days=settings.retention_days,
        )
        done[traject.id] = deleted
    return done
