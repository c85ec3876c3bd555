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

    if not token:
        return False
    return allowed(participant_for_token(token))


def concern_backlink(traject, *, swot_item: int | None = None, action: int | None = None):
    """A link from a SWOT item or roadmap action back to the concern it came from (or nothing)."""
    from flask import g, url_for
    from flask_babel import gettext as _
    from markupsafe import Markup, escape

    from app.services.concerns import links_for

    # One query per page, not one per item: the links of the traject, kept for this request.
    cache = g.setdefault("concern_links", {})
    if traject.id not in cache:
        cache[traject.id] = links_for(traject)
    concern_id = cache[traject.id].get(("swot", swot_item) if swot_item else ("action", action))
    if concern_id is None:
        return ""
    href = url_for("stakeholders.concern", traject_id=traject.id, concern_id=concern_id)
    return Markup(f' <a class="from-concern" href="{escape(href)}">{escape(_("uit een zorg of bezwaar"))}</a>')  # nosec B704  # href and label escaped


def includes() -> dict:
    return {
        "stakeholder_upcoming": upcoming,
        "answered_concerns": answered,
        "may_raise_concern": may_raise,
        "concern_backlink": concern_backlink,
    }
