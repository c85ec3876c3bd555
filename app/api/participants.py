"""API: participants of a questionnaire, sending their invitations, and response rates.

Tokens are answered only for identified questionnaires (ICT-foto, board statements); an anonymous
questionnaire's links reach their participants by mail only (`/invitations`)."""

from __future__ import annotations

from flask import g, jsonify, request

from app.actions import commit
from app.api import bp
from app.api.auth import ApiProblem, json_object, token_required
from app.api.questionnaires import api_questionnaire
from app.api.spec import PROBLEM, QID, register
from app.api.validation import body_errors, validated_body
from app.extensions import db
from app.jobs import enqueue
from app.services import invitations
from app.services import participants as participant_service
from app.services.tokens import personal_link

INVITATIONS_TASK = "worker.tasks.mail.send_invitations"


@bp.post("/questionnaires/<int:qid>/participants")
@token_required
@validated_body
def add_participants(qid: int):
    questionnaire = api_questionnaire(qid, write=True)
    data = json_object(validate=False)
    # The schema's errors and the service's (unknown organisation, a role that does not fit, a
    # duplicate) are answered together, so one correction round suffices.
    schema_errors = body_errors(data)
    rows = data.get("participants") or []
    if schema_errors and not (isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows)):
        raise ApiProblem(422, "Geef een niet-lege lijst participants.", errors=schema_errors)
    if participant_service.is_closed(questionnaire):
        raise ApiProblem(409, "Deze vragenlijst is gesloten; er kunnen geen deelnemers meer bij.")
    try:
        added = participant_service.add_participants(questionnaire, rows, source="api")
    except participant_service.ParticipantError as exc:
        db.session.rollback()
        if exc.only_conflicts and not schema_errors:
            raise ApiProblem(
                409,
                "Een of meer e-mailadressen zijn al uitgenodigd voor deze vragenlijst; er is niets aangemaakt.",
                errors=_errors(exc.issues),
            ) from None
        invalid = [issue for issue in exc.issues if not issue.conflict]
        raise ApiProblem(422, str(exc), errors=_merge(schema_errors, _errors(invalid))) from None
    if schema_errors:
        db.session.rollback()
        raise ApiProblem(422, "De deelnemers zijn niet geldig; er is niets aangemaakt.", errors=schema_errors)
    if questionnaire.anonymous:
        result = [{"email": a.participant.email} for a in added]
    else:
        result = [{"email": a.participant.email, "token": a.token, "url": personal_link(a.token)} for a in added]
    commit()  # adding participants sends nothing: POST .../invitations does
    response = jsonify({"invitations": result})
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/questionnaires/<int:qid>/invitations")
@token_required
@validated_body
def send_invitations(qid: int):
    """Mail every participant not yet invited their personal link (an open questionnaire only)."""
    questionnaire = api_questionnaire(qid, write=True)
    if request.get_data(cache=True):
        json_object()  # `{}`; anything but a JSON object answers 400/422
    if not invitations.mailable(questionnaire):
        raise ApiProblem(409, "De vragenlijst is niet open; er zijn geen uitnodigingen verstuurd.")
    job = enqueue(
        INVITATIONS_TASK,
        kind="invitations",
        traject_id=questionnaire.traject_id,
        created_by=g.api_user.id,
        task_kwargs={"questionnaire_id": questionnaire.id},
    )
    return jsonify({"job": job.id}), 202


def _merge(*sources: dict[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for errors in sources:
        for key, messages in errors.items():
            merged.setdefault(key, []).extend(m for m in messages if m not in merged[key])
    return merged


def _errors(issues) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for issue in issues:
        key = "participants" if issue.field == "participants" else f"participants[{issue.index}].{issue.field}"
        errors.setdefault(key, []).append(issue.message)
    return errors


@bp.get("/questionnaires/<int:qid>/response-rate")
@token_required
def response_rate(qid: int):
    questionnaire = api_questionnaire(qid)
    # Suppressed for an anonymous questionnaire (threshold and complementary): see response_rates.
    rows, roles, total = participant_service.response_rates(questionnaire)
    return jsonify(
        {
            "questionnaire": questionnaire.id,
            "anonymous": bool(questionnaire.anonymous),
            "closes_at": questionnaire.closes_at.isoformat() if questionnaire.closes_at else None,
            "groups": [r.as_dict() for r in rows],
            "roles": [r.as_dict() for r in roles],
            "total": total.as_dict(),
        }
    )


_ROLE = {"type": "string", "enum": ["ict_staff", "ict_lead", "board", "staff", "pupil"]}
_RATE = {
    "type": "object",
    "required": ["organisation", "role", "invited", "completed", "response_rate", "suppressed"],
    "properties": {
        "organisation": {"type": ["string", "null"]},
        "role": {"type": ["string", "null"]},
        "invited": {"type": "integer", "description": "participants on the list"},
        "completed": {"type": ["integer", "null"]},
        "opted_out": {"type": ["integer", "null"]},
        "response_rate": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
        "suppressed": {
            "type": "boolean",
            "description": "anonymous questionnaire: completed, opted_out and response_rate "
            "are null for a group below the anonymity threshold or hidden by "
            "complementary suppression",
        },
    },
}

register(
    "/api/v1/questionnaires/{qid}/participants",
    {
        "post": {
            "summary": "Add participants; nothing is sent (see /invitations)",
            "description": "All rows or none. A bad row answers 422 with errors keyed `participants[i].field`; "
            "an email already invited to this questionnaire answers 409. For an identified "
            "questionnaire (ICT-foto, board statements) each invitation carries its token and "
            "url, only here; for an anonymous one no token or url is ever returned: the link "
            "reaches the participant by mail only. Adding participants sends nothing.",
            "parameters": [QID],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ParticipantsCreate"}}},
            },
            "responses": {
                "201": {
                    "description": "Created",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Invitations"}}},
                },
                "400": PROBLEM,
                "401": PROBLEM,
                "403": PROBLEM,
                "404": PROBLEM,
                "409": PROBLEM,
                "422": PROBLEM,
            },
        }
    },
    schemas={
        "ParticipantCreate": {
            "type": "object",
            "required": ["email", "role", "organisation"],
            "properties": {
                "email": {"type": "string", "format": "email", "maxLength": 254},
                "name": {"type": "string", "maxLength": 200},
                "role": _ROLE,
                "organisation": {"type": "string", "description": "organisation code"},
            },
        },
        "ParticipantsCreate": {
            "type": "object",
            "required": ["participants"],
            "properties": {
                "participants": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": participant_service.MAX_ROWS,
                    "items": {"$ref": "#/components/schemas/ParticipantCreate"},
                }
            },
        },
        "Invitations": {
            "type": "object",
            "required": ["invitations"],
            "properties": {
                "invitations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["email"],
                        "properties": {
                            "email": {"type": "string"},
                            "token": {"type": "string"},
                            "url": {"type": "string", "format": "uri"},
                        },
                    },
                }
            },
        },
        "InvitationsJob": {"type": "object", "required": ["job"], "properties": {"job": {"type": "string"}}},
        "ResponseRate": {
            "type": "object",
            "required": ["questionnaire", "closes_at", "groups", "roles", "total"],
            "properties": {
                "questionnaire": {"type": "integer"},
                "anonymous": {"type": "boolean"},
                "closes_at": {"type": ["string", "null"], "format": "date-time"},
                "groups": {"type": "array", "items": _RATE},
                "roles": {"type": "array", "items": _RATE},
                "total": _RATE,
            },
        },
    },
)

register(
    "/api/v1/questionnaires/{qid}/invitations",
    {
        "post": {
            "summary": "Mail an invitation with the personal link to every participant not yet invited",
            "description": "An open questionnaire only, else 409. Answers 202 with the job to poll at /api/v1/jobs/{id}.",
            "parameters": [QID],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {
                "202": {
                    "description": "Accepted",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InvitationsJob"}}},
                },
                "400": PROBLEM,
                "401": PROBLEM,
                "403": PROBLEM,
                "404": PROBLEM,
                "409": PROBLEM,
                "422": PROBLEM,
            },
        }
    },
)

register(
    "/api/v1/questionnaires/{qid}/response-rate",
    {
        "get": {
            "summary": "Response per organisation × role, per role and in total, from the current database",
            "description": "For an anonymous questionnaire, completed, opted_out and response_rate are null "
            "(suppressed: true) for every group with fewer completed than the anonymity "
            "threshold, and for as many more as complementary suppression needs.",
            "parameters": [QID],
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ResponseRate"}}},
                },
                "401": PROBLEM,
                "404": PROBLEM,
            },
        }
    },
)
