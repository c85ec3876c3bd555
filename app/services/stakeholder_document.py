"""The involvement part of the advice document: register with grid places, engagement log and concerns.

Plain, JSON-safe data (codes, not labels); the report renderers translate. Measured attitude comes
from the same released payload as the rest of the document, so a hidden group carries no figure.
"""

from __future__ import annotations

from app.models import Traject
from app.services import concerns as concern_service
from app.services import engagements as engagement_service
from app.services import stakeholders as stakeholder_service


def involvement(traject: Traject, payload: dict) -> dict:
    people = stakeholder_service.register(traject)
    measured = stakeholder_service.measured(traject, people, payload)
    names: dict[int | None, str] = {s.id: s.name for s in people}  # a concern without a stakeholder finds None
    return {
        "stakeholders": [
            {
                "number": number,
                "name": s.name,
                "kind": s.kind,
                "category": s.category,
                "organisation": s.organisation_code,
                "influence": s.influence,
                "interest": s.interest,
                "quadrant": s.quadrant,
                "attitude": s.attitude,
                "engagement": s.engagement,
                "owner": s.owner,
                "measured": measured.get(s.id),
            }
            for number, s in enumerate(people, start=1)
        ],
        "engagements": [
            {
                "date": e.held_on.isoformat(),
                "kind": e.kind,
                "phase": e.phase,
                "topic": e.topic,
                "outcome": e.outcome,
                "attendees": e.attendees,
                "domains": list(e.domains or []),
                "stakeholders": [s.name for s in e.stakeholders],
            }
            for e in engagement_service.engagements(traject)
        ],
        "concerns": [
            {
                "text": c.text,
                "anonymous": c.anonymous,
                "stakeholder": names.get(c.stakeholder_id),
                "domain": c.domain,
                "status": c.status,
                "answer": c.answer,
                "threat": c.swot_item_id is not None,
                "action": c.roadmap_action_id is not None,
            }
            for c in concern_service.visible(traject)
        ],
    }


def fingerprint_parts(traject: Traject) -> list:
    """What the report shows of involvement, for the report's state fingerprint."""
    doc = involvement(traject, {})
    for s in doc["stakeholders"]:
        s.pop("measured", None)  # follows the snapshot, which the fingerprint already holds
    return [doc["stakeholders"], doc["engagements"], doc["concerns"]]
