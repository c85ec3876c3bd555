"""Who is on the list of each anonymous questionnaire, per organisation, and who was added after publishing.

The padding defence (docs/privacy.md): responses of participants added after a group's first
response cannot unlock it, and every participant a regisseur adds is visible to the bestuurder of
that organisation — with the date of adding when it came after publishing. No completion status
is shown for anyone: that stays with the system, which alone knows whom to remind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, Participant, Questionnaire, Traject
from app.models.base import aware


@dataclass
class ListedParticipant:
    questionnaire: dict  # the title in each language: {"nl", "en"}
    organisation: str | None
    name: str | None
    email: str | None
    role: str
    added_after_publishing_on: date | None


def listed(traject: Traject, organisation_id: int | None = None) -> list[ListedParticipant]:
    """Participants of the traject's published anonymous questionnaires (of one organisation)."""
    stmt = (
        select(Participant, Questionnaire, Organisation.code)
        .join(Questionnaire, Participant.questionnaire_id == Questionnaire.id)
        .outerjoin(Organisation, Participant.organisation_id == Organisation.id)
        .where(
            Questionnaire.traject_id == traject.id,
            Questionnaire.anonymous.is_(True),
            Questionnaire.published_at.is_not(None),
            Participant.email.is_not(None),
        )
    )
    if organisation_id is not None:
        stmt = stmt.where(Participant.organisation_id == organisation_id)
    rows = []
    for participant, questionnaire, code in db.session.execute(stmt).all():
        published, created = aware(questionnaire.published_at), aware(participant.created_at)
        late = created.date() if created is not None and published is not None and created > published else None
        rows.append(
            ListedParticipant(
                questionnaire=questionnaire.title,
                organisation=code,
                name=participant.name,
                email=participant.email,
                role=participant.role,
                added_after_publishing_on=late,
            )
        )
    return sorted(rows, key=lambda r: (str(r.questionnaire), str(r.organisation), r.role, str(r.name)))


def added_after_publishing(traject: Traject) -> dict:
    """``{organisation code: number of participants added after publishing}`` (the report's method)."""
    counts: dict = {}
    for row in listed(traject):
        if row.added_after_publishing_on is not None:
            counts[row.organisation] = counts.get(row.organisation, 0) + 1
    return counts
