"""Test builders for distribution: questionnaires from a template and participants with a token."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.models import Participant, Questionnaire, Traject
from app.services.tokens import issue_token
from surveys.templates import load_template

_seq = itertools.count(1)


def gen_questionnaire(
    traject: Traject,
    template: str = "ict_staff",
    *,
    status: str = "open",
    closes_at: datetime | None = None,
    max_reminders: int = 2,
    reminder_interval_days: int = 7,
    **kwargs,
) -> Questionnaire:
    definition = load_template(template).to_dict()
    questionnaire = Questionnaire(
        traject=traject,
        template_key=template,
        key=definition["key"],
        title=definition["title"],
        status=status,
        anonymous=definition["anonymous"],
        audience=definition["audience"],
        definition=definition,
        closes_at=closes_at,
        max_reminders=max_reminders,
        reminder_interval_days=reminder_interval_days,
        published_at=datetime.now(UTC) if status != "draft" else None,
        **kwargs,
    )
    db.session.add(questionnaire)
    db.session.commit()
    return questionnaire


def gen_participant(
    questionnaire: Questionnaire,
    *,
    email: str | None = None,
    name: str | None = None,
    role: str | None = None,
    organisation: str | None = None,
    invited_days_ago: float | None = None,
    **kwargs,
) -> tuple[Participant, str]:
    """A participant with a token (returned; only its hash is stored)."""
    n = next(_seq)
    role = role or (
        "board"
        if questionnaire.audience == "board"
        else "ict_lead"
        if questionnaire.audience == "ict_lead"
        else "ict_staff"
    )
    code = organisation or questionnaire.traject.organisations[0].code
    invited_at = datetime.now(UTC) - timedelta(days=invited_days_ago) if invited_days_ago is not None else None
    participant = Participant(
        questionnaire=questionnaire,
        email=email or f"deelnemer{n}@school.nl",
        name=name or f"Deelnemer {n}",
        role=role,
        organisation=questionnaire.traject.organisation_by_code(code),
        invited_at=invited_at,
        **kwargs,
    )
    db.session.add(participant)
    db.session.flush()
    token = issue_token(participant)
    db.session.commit()
    return participant, token


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)
