"""API: submitting a response by invitation token, and the streamed responses CSV."""

from __future__ import annotations

from flask import abort, current_app, g, jsonify, request

from app.actions import commit
from app.api import bp
from app.api.auth import ApiProblem, json_object, require_role, token_required
from app.api.questionnaires import api_questionnaire
from app.api.spec import QID, _errors, _json, _ok, register
from app.api.validation import validated_body
from app.errors import problem
from app.extensions import limiter
from app.services import audit
from app.services import responses as service
from app.services.tokens import participant_for_token

STATE_PROBLEMS = {
    "used": (409, "Deze uitnodiging is al gebruikt: de vragenlijst is al ingevuld."),
    "not_open": (410, "Deze vragenlijst is (nog) niet open."),
    "closed": (410, "Deze vragenlijst is gesloten."),
    "opted_out": (410, "Deze deelnemer heeft zich afgemeld."),
}


def _submit_limit() -> str:
    return current_app.config["SUBMIT_RATE_LIMIT"]


@bp.post("/responses")
@limiter.limit(_submit_limit, key_func=lambda: f"api-submit:{request.remote_addr}")
@validated_body
def submit_response():
    data = json_object()
    token, answers = data["token"], data["answers"]
    participant = participant_for_token(token.strip())
    if participant is None:
        raise ApiProblem(404, "Onbekend token.")
    if participant.browser_hash is not None and service.participant_state(participant) == "open":
        # A draft started in a browser is answered from that browser only (no submit in its name).
        raise ApiProblem(409, "Deze link is al in gebruik op een ander apparaat; vraag via de link een nieuwe aan.")
    try:
        service.submit(participant, answers)
    except service.SubmitError as exc:
        if exc.reason == "invalid":
            raise ApiProblem(422, "Niet alle antwoorden zijn geldig; er is niets opgeslagen.", exc.errors) from None
        status, detail = STATE_PROBLEMS[exc.reason]
        raise ApiProblem(status, detail) from None
    return jsonify({"status": "submitted"}), 201


@bp.get("/questionnaires/<int:qid>/responses.csv")
@token_required
def responses_csv(qid: int):
    questionnaire = api_questionnaire(qid)
    # Bestuurders read aggregated results only, never raw answers.
    require_role("regisseur")
    from app.services import responses_csv as csv_service

    try:
        labels = csv_service.labels_for(questionnaire, questionnaire.traject)
    except csv_service.ExportRefused as refused:
        abort(problem(409, str(refused)))
    audit.record(
        "export.responses_csv",
        obj=questionnaire,
        traject_id=questionnaire.traject_id,
        actor_id=g.api_user.id,
        via="api",
    )
    commit()
    from app.respond.routes import csv_response

    return csv_response(questionnaire, labels)


register(
    "/api/v1/responses",
    {
        "post": {
            "summary": "Submit a response with an invitation token (no bearer token needed)",
            "security": [],
            "requestBody": {"required": True, **_json({"$ref": "#/components/schemas/ResponseSubmit"})},
            "responses": {
                "201": _ok({"$ref": "#/components/schemas/ResponseSubmitted"}, "Submitted"),
                **_errors(400, 404, 409, 410, 422, 429),
            },
        }
    },
    schemas={
        "ResponseSubmit": {
            "type": "object",
            "required": ["token", "answers"],
            "properties": {
                "token": {"type": "string", "minLength": 1},
                "answers": {"type": "object", "description": "Answers keyed by question key"},
            },
        },
        "ResponseSubmitted": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string", "enum": ["submitted"]}},
        },
    },
)

register(
    "/api/v1/questionnaires/{qid}/responses.csv",
    {
        "get": {
            "summary": "All responses as a streamed CSV (regisseur of the traject)",
            "description": (
                "Columns response_id, organisation, role, submitted_on, then one per question "
                "key. Lists are joined with '|', booleans are 'ja'/'nee'. Anonymous "
                "questionnaires: 409 while open or before the closing release; then every "
                "response, random ids in random order, a date only, labels that keep small "
                "groups hidden, text of groups below the comment threshold left out."
            ),
            "parameters": [QID],
            "responses": {
                "200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
                **_errors(401, 403, 404, 409),
            },
        }
    },
)
