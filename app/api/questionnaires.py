"""API: templates, and a traject's questionnaires (create from a template, read, publish, close)."""

from __future__ import annotations

from datetime import datetime

from flask import abort, g, jsonify, request

from app.actions import api_action
from app.api import bp
from app.api.auth import ApiProblem, json_object, token_required
from app.api.spec import QID, TID, _errors, _json, _ok, register
from app.api.trajects import api_traject
from app.api.validation import validated_body
from app.errors import problem
from app.extensions import db
from app.models import Questionnaire
from app.models.base import iso_utc
from app.security.access import is_member, refuse_if_archived
from app.services import questionnaires as service
from surveys.templates import list_templates
from surveys.types import QUESTION_TYPES


def questionnaire_json(q: Questionnaire) -> dict:
    definition = service.definition_of(q)
    return {
        "id": q.id,
        "traject": q.traject_id,
        "template": q.template_key,
        "title": q.title["nl"],
        "status": q.status,
        "anonymous": q.anonymous,
        "questions": definition.api_questions(),
        "key": q.key,
        "version": q.version,
        "audience": q.audience,
        "previous": q.previous_id,
        "fingerprint": q.fingerprint,
        "opens_at": iso_utc(q.opens_at),
        "closes_at": iso_utc(q.closes_at),
    }


def api_questionnaire(qid: int, *, write: bool = False) -> Questionnaire:
    """Object-level check for every questionnaire path of the API, as api_traject: another
    traject's questionnaire answers 404, a bestuurder's write 403, and a changing request on an
    archived traject 409 (an archived traject is read-only, on the web and in the API alike)."""
    q = db.session.get(Questionnaire, qid)
    if q is None or not is_member(g.api_user, q.traject):
        abort(problem(404, "Vragenlijst niet gevonden."))
    if write and g.api_user.role != "regisseur":
        abort(problem(403, "Alleen een regisseur mag deze vragenlijst wijzigen."))
    refuse_if_archived(q.traject)
    return q


@bp.get("/templates")
@token_required
def list_questionnaire_templates():
    return jsonify(list_templates())


@bp.post("/trajects/<int:tid>/questionnaires")
@token_required
@validated_body
def create_questionnaire(tid: int):
    traject = api_traject(tid, write=True)
    key = json_object()["template"]
    q = api_action(lambda: service.create_from_template(traject, key))
    return jsonify(questionnaire_json(q)), 201


@bp.get("/questionnaires/<int:qid>")
@token_required
def get_questionnaire(qid: int):
    return jsonify(questionnaire_json(api_questionnaire(qid)))


def _moment(data: dict, name: str, errors: dict) -> datetime | None:
    """The schema checked `format: date-time` (RFC 3339, so with a zone); Python reads it here."""
    value = data.get(name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        moment = None
    if moment is not None and moment.tzinfo is not None:
        return moment
    errors[name] = ["Een tijdstip in ISO 8601 met tijdzone, bv. 2026-03-01T08:00:00Z."]
    return None


@bp.post("/questionnaires/<int:qid>/publish")
@token_required
@validated_body
def publish_questionnaire(qid: int):
    q = api_questionnaire(qid, write=True)
    data = {}
    if request.get_data(cache=True).strip():
        data = json_object()
    errors: dict[str, list[str]] = {}
    opens_at = _moment(data, "opens_at", errors)
    closes_at = _moment(data, "closes_at", errors)
    if errors:
        raise ApiProblem(422, "De datums zijn niet geldig.", errors)
    # Not a draft: the service refuses with 409, in the caller's language and with its message id.
    api_action(lambda: service.publish(q, opens_at, closes_at))
    return jsonify(questionnaire_json(q))


@bp.post("/questionnaires/<int:qid>/close")
@token_required
def close_questionnaire(qid: int):
    q = api_questionnaire(qid, write=True)
    api_action(lambda: service.close(q))
    service.after_close(q)
    return jsonify(questionnaire_json(db.session.get(type(q), q.id)))


_TEXT = {"type": "object", "required": ["nl", "en"], "properties": {"nl": {"type": "string"}, "en": {"type": "string"}}}
SCHEMAS = {
    "Template": {
        "type": "object",
        "required": ["key", "title", "audience", "anonymous", "constructs"],
        "properties": {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "audience": {"type": "string", "enum": ["ict_staff", "ict_lead", "board", "all", "users"]},
            "anonymous": {"type": "boolean"},
            "constructs": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Question": {
        "type": "object",
        "required": ["key", "type", "construct", "domain", "reverse", "required", "scale", "options", "text"],
        "properties": {
            "key": {"type": "string"},
            "type": {"type": "string", "enum": list(QUESTION_TYPES)},
            "construct": {"type": ["string", "null"]},
            "domain": {"type": ["string", "null"]},
            "reverse": {"type": "boolean"},
            "required": {"type": "boolean"},
            "scale": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["min", "max"],
                        "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
                    },
                ]
            },
            "options": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["value", "label"],
                            "properties": {"value": {"type": "string"}, "label": {"type": "string"}},
                        },
                    },
                ]
            },
            "text": _TEXT,
        },
    },
    "Questionnaire": {
        "type": "object",
        "required": ["id", "traject", "template", "title", "status", "anonymous", "questions"],
        "properties": {
            "id": {"type": "integer"},
            "traject": {"type": "integer"},
            "template": {"type": ["string", "null"]},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": ["draft", "open", "closed"]},
            "anonymous": {"type": "boolean"},
            "questions": {"type": "array", "items": {"$ref": "#/components/schemas/Question"}},
            "key": {"type": "string"},
            "version": {"type": "integer", "minimum": 1},
            "audience": {"type": "string"},
            "previous": {"type": ["integer", "null"]},
            "fingerprint": {"type": ["string", "null"]},
            "opens_at": {"type": ["string", "null"], "format": "date-time"},
            "closes_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "QuestionnaireCreate": {
        "type": "object",
        "required": ["template"],
        "properties": {
            "template": {
                "type": "string",
                "enum": ["ict_foto", "ict_staff", "board_commitment", "motives", "ict_users"],
            }
        },
    },
    "QuestionnairePublish": {
        "type": "object",
        "properties": {
            "opens_at": {"type": ["string", "null"], "format": "date-time"},
            "closes_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
}
_Q = {"$ref": "#/components/schemas/Questionnaire"}

register(
    "/api/v1/templates",
    {
        "get": {
            "summary": "Built-in questionnaire templates",
            "responses": {
                "200": _ok({"type": "array", "items": {"$ref": "#/components/schemas/Template"}}),
                **_errors(401),
            },
        }
    },
    SCHEMAS,
)
register(
    "/api/v1/trajects/{tid}/questionnaires",
    {
        "post": {
            "summary": "Create a draft questionnaire from a template (regisseur)",
            "parameters": [TID],
            "requestBody": {"required": True, **_json({"$ref": "#/components/schemas/QuestionnaireCreate"})},
            "responses": {"201": _ok(_Q, "Created"), **_errors(400, 401, 403, 404, 422)},
        }
    },
)
register(
    "/api/v1/questionnaires/{qid}",
    {
        "get": {
            "summary": "One questionnaire with its questions",
            "parameters": [QID],
            "responses": {"200": _ok(_Q), **_errors(401, 404)},
        }
    },
)
register(
    "/api/v1/questionnaires/{qid}/publish",
    {
        "post": {
            "summary": "Publish a draft (status open); the definition is frozen from then on",
            "parameters": [QID],
            "requestBody": {"required": False, **_json({"$ref": "#/components/schemas/QuestionnairePublish"})},
            "responses": {"200": _ok(_Q), **_errors(400, 401, 403, 404, 409, 422)},
        }
    },
)
register(
    "/api/v1/questionnaires/{qid}/close",
    {
        "post": {
            "summary": "Close an open questionnaire (status closed)",
            "parameters": [QID],
            "responses": {"200": _ok(_Q), **_errors(401, 403, 404, 409)},
        }
    },
)
