"""What a send button will do, shown before it is pressed: who is reached and the mail in each language.

Invitations: the participants not yet invited, by name (they have not answered anything yet).
Reminders: for an identified questionnaire the participants due, by name; for an anonymous one
only the number of non-responders as the response figures already show it (the same rule and the
same hidden groups as the follow-up page) — never who, never the live number due, and a sample mail
addressed to nobody, so the review cannot become a completion list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Participant, Questionnaire
from app.services import invitations
from app.services import participants as participant_service

MAX_LISTED = 200


def invitation_review(questionnaire: Questionnaire, sender_id: int | None) -> dict:
    pending = invitations.pending_participants(questionnaire)
    sample = invitations.sample_mail("invitation", questionnaire, pending[0], sender_id) if pending else None
    return {"recipients": pending[:MAX_LISTED], "count": len(pending), "sample": sample}


def _nobody(questionnaire: Questionnaire) -> Participant:
    """A stand-in participant for the sample (never added to the session): 'Beste collega'."""
    role = participant_service.allowed_roles(questionnaire)[0]
    return Participant(id=0, name=None, email=None, role=role)


def _due(questionnaire: Questionnaire, now: datetime) -> list[Participant]:
    if not invitations.mailable(questionnaire, now):
        return []
    return list(
        db.session.scalars(
            select(Participant)
            .where(
                Participant.questionnaire_id == questionnaire.id, *invitations.reminder_conditions(questionnaire, now)
            )
            .order_by(Participant.id)
        )
    )


def reminder_review(questionnaire: Questionnaire, sender_id: int | None, now: datetime | None = None) -> dict:
    """Whom the next "Herinnering versturen" reaches, told as far as the questionnaire allows."""
    now = now or invitations.utcnow()
    identified = participant_service.person_status_visible(questionnaire)
    total = participant_service.response_rates(questionnaire)[2]
    hidden = bool(total.suppressed)
    non_responders = None if hidden else max(0, total.invited - total.completed - total.opted_out)
    review: dict[str, Any] = {
        "identified": identified,
        "invited": total.invited,
        "non_responders": non_responders,
        "hidden": hidden,
        "recipients": [],
        "count": None,
        "max_reminders": questionnaire.max_reminders,
        "interval": questionnaire.reminder_interval_days,
    }
    if identified:
        due = _due(questionnaire, now)
        review.update(recipients=due[:MAX_LISTED], count=len(due))
        sample_for = due[0] if due else _nobody(questionnaire)
    else:
        sample_for = _nobody(questionnaire)
    review["sample"] = invitations.sample_mail("reminder", questionnaire, sample_for, sender_id)
    return review
