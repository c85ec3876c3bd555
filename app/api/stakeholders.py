"""API: the stakeholder register, the engagement log and the concerns register of a traject."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import or_, select

from app.actions import api_action
from app.api import bp
from app.api.auth import ApiProblem, json_object, token_required
from app.api.pagination import paginate
from app.api.spec import CURSOR, LIMIT, TID, _errors, _json, _list_of, _ok, register
from app.api.trajects import api_traject
from app.models.stakeholders import Concern, Engagement, Stakeholder
from app.services import concerns as concern_service
from app.services import engagements as engagement_service
from app.services import stakeholders as stakeholder_service


def stakeholder_json(s: Stakeholder, measured: dict | None = None) -> dict:
    m = (measured or {}).get(s.id)
    return {
        "id": s.id,
        "name": s.name,
        "kind": s.kind,
        "category": s.category,
        "organisation": s.organisation_code,
        "influence": s.influence,
        "interest": s.interest,
        "quadrant": s.quadrant,
        "attitude": s.attitude,
        "engagement": s.engagement,
        "measured_role": s.measured_role,
        "owner": s.owner,
        "note": s.note,
        "measured": None
        if m is None
        else {k: m[k] for k in ("suppressed", "draagvlak", "weerstand", "n", "measured_attitude", "disagreement")},
    }


def engagement_json(e: Engagement) -> dict:
    return {
        "id": e.id,
        "date": e.held_on.isoformat(),
        "kind": e.kind,
        "phase": e.phase,
        "topic": e.topic,
        "outcome": e.outcome,
        "attendees": e.attendees,
        "domains": list(e.domains or []),
        "stakeholders": [s.id for s in e.stakeholders],
    }


def concern_json(c: Concern) -> dict:
    return {
        "id": c.id,
        "stakeholder": c.stakeholder_id,
        "engagement": c.engagement_id,
        "anonymous": c.anonymous,
        "domain": c.domain,
        "text": c.text,
        "status": c.status,
        "answer": c.answer,
        "raised_on": c.raised_on.isoformat() if c.raised_on else None,
        "swot_item": c.swot_item_id,
        "roadmap_action": c.roadmap_action_id,
    }


def _created(make, serialize):
    return jsonify(serialize(api_action(make))), 201


@bp.get("/trajects/<int:tid>/stakeholders")
@token_required
def list_stakeholders(tid: int):
    traject = api_traject(tid)
    # Measured figures come from the latest release only; hidden groups carry no figure.
    measured = stakeholder_service.measured(traject, stakeholder_service.register(traject))
    query = select(Stakeholder).where(Stakeholder.traject_id == traject.id)
    return jsonify(paginate(query, Stakeholder.id, lambda s: stakeholder_json(s, measured)))


@bp.post("/trajects/<int:tid>/stakeholders")
@token_required
def create_stakeholder(tid: int):
    traject = api_traject(tid, write=True)
    data = json_object()
    return _created(
        lambda: stakeholder_service.add(traject, data),
        lambda s: stakeholder_json(s, stakeholder_service.measured(traject, [s])),
    )


@bp.get("/trajects/<int:tid>/engagements")
@token_required
def list_engagements(tid: int):
    traject = api_traject(tid)
    return jsonify(
        paginate(select(Engagement).where(Engagement.traject_id == traject.id), Engagement.id, engagement_json)
    )


@bp.post("/trajects/<int:tid>/engagements")
@token_required
def create_engagement(tid: int):
    traject = api_traject(tid, write=True)
    data = json_object()
    return _created(lambda: engagement_service.log(traject, data), engagement_json)


@bp.get("/trajects/<int:tid>/concerns")
@token_required
def list_concerns(tid: int):
    traject = api_traject(tid)
    shown = [c.id for c in concern_service.visible(traject) if c.anonymous]
    query = select(Concern).where(
        Concern.traject_id == traject.id, or_(Concern.anonymous.is_(False), Concern.id.in_(shown))
    )
    return jsonify(paginate(query, Concern.id, concern_json))


@bp.post("/trajects/<int:tid>/concerns")
@token_required
def create_concern(tid: int):
    traject = api_traject(tid, write=True)
    data = json_object()
    # The web form sends ids as text; the API takes integers only (the schema says so).
    wrong = {
        key: ["Geef een geheel getal (id) of null."]
        for key in ("stakeholder", "engagement")
        if data.get(key) is not None and (isinstance(data[key], bool) or not isinstance(data[key], int))
    }
    if wrong:
        raise ApiProblem(422, "De zorg is niet geldig.", wrong)
    return _created(lambda: concern_service.record(traject, data), concern_json)


_ID_LIST = {"type": "array", "items": {"type": "integer"}}
_DOMAIN = {
    "type": ["string", "null"],
    "enum": ["overleg", "inkoop", "werkplek", "netwerk", "applicaties", "servicedesk", "ibp", "personeel", None],
}
_MEASURED = {
    "type": ["object", "null"],
    "description": "The released draagvlak-index and WEERSTAND of the questionnaire group (organisation or all, "
    "in measured_role) from the latest release; for a hidden group suppressed is true and every "
    "figure null. Null when the stakeholder names no questionnaire group.",
    "properties": {
        "suppressed": {"type": "boolean"},
        "draagvlak": {"type": ["number", "null"]},
        "weerstand": {"type": ["number", "null"]},
        "n": {"type": ["integer", "null"]},
        "measured_attitude": {"type": ["string", "null"]},
        "disagreement": {"type": ["string", "null"], "enum": ["opposite", "differs", "unjudged", None]},
    },
}
SCHEMAS = {
    "StakeholderCreate": {
        "type": "object",
        "required": ["name", "kind", "influence", "interest"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "kind": {"type": "string", "enum": ["person", "group"]},
            "category": {
                "type": "string",
                "enum": [
                    "board",
                    "school_leader",
                    "ict_lead",
                    "ict_staff",
                    "teachers",
                    "council",
                    "supplier",
                    "sivon",
                    "other",
                ],
            },
            "organisation": {"type": ["string", "null"], "description": "organisation code; null: traject-wide"},
            "influence": {"type": "integer", "minimum": 1, "maximum": 5},
            "interest": {"type": "integer", "minimum": 1, "maximum": 5},
            "attitude": {"type": "string", "enum": ["supporter", "neutral", "critical", "unknown"]},
            "engagement": {"type": "string", "enum": ["inform", "consult", "involve", "collaborate", "empower"]},
            "measured_role": {"type": ["string", "null"], "enum": ["ict_staff", "ict_lead", "board", None]},
            "owner": {"type": "string", "maxLength": 200},
            "note": {"type": "string", "maxLength": 5000},
        },
    },
    "Stakeholder": {
        "type": "object",
        "required": ["id", "name", "kind", "influence", "interest", "quadrant", "attitude", "engagement", "measured"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "category": {"type": "string"},
            "organisation": {"type": ["string", "null"]},
            "influence": {"type": "integer"},
            "interest": {"type": "integer"},
            "quadrant": {"type": "string", "enum": ["manage_closely", "keep_satisfied", "keep_informed", "monitor"]},
            "attitude": {"type": "string"},
            "engagement": {"type": "string"},
            "measured_role": {"type": ["string", "null"]},
            "owner": {"type": "string"},
            "note": {"type": "string"},
            "measured": _MEASURED,
        },
    },
    "EngagementCreate": {
        "type": "object",
        "required": ["date", "kind", "topic"],
        "properties": {
            "date": {"type": "string", "format": "date"},
            "kind": {"type": "string", "enum": ["workshop", "meeting", "information", "interview", "other"]},
            "phase": {
                "type": "string",
                "enum": ["ict_foto", "analyse", "voorstellen", "besluit"],
                "description": "default: the traject's phase",
            },
            "stakeholders": {
                **_ID_LIST,
                "description": "ids of this traject's stakeholders; another traject's id → 422",
            },
            "topic": {"type": "string", "minLength": 1, "maxLength": 300},
            "outcome": {"type": "string"},
            "attendees": {
                "type": ["integer", "null"],
                "minimum": 0,
                "maximum": 100000,
                "description": "a number of attendees; names of ICT staff are never recorded",
            },
            "domains": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": [
                        "overleg",
                        "inkoop",
                        "werkplek",
                        "netwerk",
                        "applicaties",
                        "servicedesk",
                        "ibp",
                        "personeel",
                    ],
                },
            },
        },
    },
    "Engagement": {
        "type": "object",
        "required": ["id", "date", "kind", "phase", "topic", "stakeholders"],
        "properties": {
            "id": {"type": "integer"},
            "date": {"type": "string", "format": "date"},
            "kind": {"type": "string"},
            "phase": {"type": "string"},
            "topic": {"type": "string"},
            "outcome": {"type": "string"},
            "attendees": {"type": ["integer", "null"]},
            "domains": {"type": "array", "items": {"type": "string"}},
            "stakeholders": _ID_LIST,
        },
    },
    "ConcernCreate": {
        "type": "object",
        "required": ["text"],
        "properties": {
            "stakeholder": {"type": ["integer", "null"]},
            "engagement": {"type": ["integer", "null"]},
            "domain": _DOMAIN,
            "text": {"type": "string", "minLength": 1, "maxLength": 5000},
            "status": {"type": "string", "enum": ["open", "answered", "resolved", "declined"], "default": "open"},
            "answer": {
                "type": "string",
                "maxLength": 5000,
                "description": "required when status is answered or resolved",
            },
        },
    },
    "Concern": {
        "type": "object",
        "required": ["id", "text", "status", "anonymous"],
        "properties": {
            "id": {"type": "integer"},
            "stakeholder": {"type": ["integer", "null"]},
            "engagement": {"type": ["integer", "null"]},
            "anonymous": {"type": "boolean"},
            "domain": {"type": ["string", "null"]},
            "text": {"type": "string"},
            "status": {"type": "string"},
            "answer": {"type": "string"},
            "raised_on": {
                "type": ["string", "null"],
                "format": "date",
                "description": "null for an anonymous concern (its date would be metadata)",
            },
            "swot_item": {"type": ["integer", "null"]},
            "roadmap_action": {"type": ["integer", "null"]},
        },
    },
}


def _paths(name: str, schema: str, summary: str, note: str = "") -> dict:
    return {
        "get": {
            "summary": f"{summary} of a traject",
            "description": note,
            "parameters": [TID, LIMIT, CURSOR],
            "responses": {"200": _ok(_list_of(f"#/components/schemas/{schema}")), **_errors(401, 404, 422)},
        },
        "post": {
            "summary": f"Add to the {summary.lower()} (regisseur)",
            "parameters": [TID],
            "requestBody": {"required": True, **_json({"$ref": f"#/components/schemas/{schema}Create"})},
            "responses": {
                "201": _ok({"$ref": f"#/components/schemas/{schema}"}, "Created"),
                **_errors(400, 401, 403, 404, 409, 422),
            },
        },
    }


register(
    "/api/v1/trajects/{tid}/stakeholders",
    _paths(
        "stakeholders",
        "Stakeholder",
        "Stakeholder register",
        "Each stakeholder with its Mendelow quadrant and, for a questionnaire group, the released measured "
        "attitude (hidden groups: no figure).",
    ),
    SCHEMAS,
)
register("/api/v1/trajects/{tid}/engagements", _paths("engagements", "Engagement", "Engagement log"))
register(
    "/api/v1/trajects/{tid}/concerns",
    _paths(
        "concerns",
        "Concern",
        "Concerns register",
        "Anonymous concerns of ICT staff appear only in whole batches of the comment threshold.",
    ),
)
