"""Who gets an invitation or a reminder mail (reachable, not yet invited or due), and opting out."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Participant, Questionnaire
from app.services import audit
from app.services.tokens import participant_for_token


def reachable() -> tuple:
    """Conditions on a participant who can get a mail: an address, not opted out, not completed."""
    return (Participant.email.is_not(None), Participant.opted_out.is_(False), Participant.completed.is_(False))


def invitation_conditions(resend: bool = False) -> list:
    conditions = list(reachable())
    if not resend:
        conditions.append(Participant.invited_at.is_(None))
    return conditions


def reminder_conditions(questionnaire: Questionnaire, now: datetime) -> list:
    due = now - timedelta(days=questionnaire.reminder_interval_days or 0)
    return [
        *reachable(),
        Participant.invited_at.is_not(None),
        Participant.reminders_sent < (questionnaire.max_reminders or 0),
        func.coalesce(Participant.last_reminded_at, Participant.invited_at) <= due,
    ]


def recipient_ids(
    questionnaire: Questionnaire, conditions: list, participant_ids: list[int] | None = None
) -> list[int]:
    query = select(Participant.id).where(Participant.questionnaire_id == questionnaire.id, *conditions)
    if participant_ids is not None:
        query = query.where(Participant.id.in_(participant_ids))
    return list(db.session.scalars(query.order_by(Participant.id)))


def pending_invitations(questionnaire: Questionnaire) -> int:
    return len(recipient_ids(questionnaire, invitation_conditions()))


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
