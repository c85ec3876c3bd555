"""What the small includes on other pages read: upcoming communication, answered concerns, the staff link."""
from __future__ import annotations


def upcoming(traject, limit: int = 5) -> list:
    from app.services.engagements import upcoming as upcoming_items

    return upcoming_items(traject, limit=limit)


def answered(traject) -> list:
    """Concerns with an answer that may be shown (anonymous ones only in whole batches)."""
    from app.services.concerns import visible

    return [c for c in visible(traject) if c.status != "open" and c.answer]


def may_raise(token: str | None) -> bool:
    from app.services.concerns import may_raise as allowed
    from app.services.tokens import participant_for_token

    return bool(token) and allowed(participant_for_token(token))


def includes() -> dict:
    return {"stakeholder_upcoming": upcoming, "answered_concerns": answered, "may_raise_concern": may_raise}
