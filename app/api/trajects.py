"""API: trajects and their organisations."""

from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select

from app.actions import api_action
from app.api import bp
from app.api.auth import ApiProblem, json_object, require_role, token_required
from app.api.pagination import paginate
from app.api.serializers import organisation_json, traject_json
from app.api.validation import validated_body
from app.extensions import db
from app.models import Organisation, Traject
from app.security.access import is_member, traject_for, visible_trajects_query
from app.services import trajects as traject_service


def api_traject(traject_id: int, *, write: bool = False) -> Traject:
    """Object-level check for the API: the pages' rule (app.security.access.traject_for) for the
    token's user; another traject's id answers 404."""
    return traject_for(g.api_user, traject_id, write=write)


@bp.get("/trajects")
@token_required
def list_trajects():
    return jsonify(paginate(visible_trajects_query(g.api_user), Traject.id, traject_json))


@bp.post("/trajects")
@token_required
@validated_body
def create_traject():
    require_role("regisseur")
    data = json_object()
    name = data["name"]
    values = {
        "anonymity_threshold": data.get("anonymity_threshold", 5),
        "comment_threshold": data.get("comment_threshold", 10),
    }
    description = data.get("description", "")
    traject = api_action(
        lambda: traject_service.create_traject(g.api_user, name=name, description=description, **values)
    )
    return jsonify(traject_json(traject)), 201


@bp.get("/trajects/<int:tid>")
@token_required
def get_traject(tid: int):
    return jsonify(traject_json(api_traject(tid)))


@bp.get("/trajects/<int:tid>/organisations")
@token_required
def list_organisations(tid: int):
    traject = api_traject(tid)
    query = select(Organisation).where(Organisation.traject_id == traject.id)
    return jsonify(paginate(query, Organisation.id, organisation_json))


@bp.post("/trajects/<int:tid>/organisations")
@token_required
@validated_body
def create_organisation(tid: int):
    traject = api_traject(tid, write=True)
    data = json_object()
    code = data["code"].strip().upper()
    if traject.organisation_by_code(code) is not None:
        raise ApiProblem(409, f"De code {code} bestaat al in dit traject.")
    organisation = api_action(lambda: traject_service.add_organisation(traject, data))
    return jsonify(organisation_json(organisation)), 201


PATCH_FIELDS = ("name", "description", "deadline", "phase", "anonymity_threshold", "comment_threshold")


def _patch_values(data: dict) -> dict:
    """The PATCH body's known fields (checked against TrajectUpdate); unknown fields are ignored."""
    from datetime import date

    values = {key: data[key] for key in PATCH_FIELDS if key in data}
    if values.get("deadline") is not None:
        values["deadline"] = date.fromisoformat(values["deadline"])  # format: date in the schema
    return values


@bp.patch("/trajects/<int:tid>")
@token_required
@validated_body
def update_traject(tid: int):
    """Edit a traject; lowering a threshold after a questionnaire was published answers 409."""
    traject = api_traject(tid, write=True)
    values = _patch_values(json_object())
    api_action(lambda: traject_service.update_traject(traject, **values))  # ThresholdFrozen: 409
    return jsonify(traject_json(traject))


MEMBER_ROLES = ("regisseur", "bestuurder", "ict_lead")


@bp.post("/trajects/<int:tid>/members")
@token_required
@validated_body
def add_member(tid: int):
    """Add a member; creates the account (without a password) when the email is new."""
    from app.services import accounts

    traject = api_traject(tid, write=True)
    data = json_object()
    errors: dict[str, list[str]] = {}
    email, name, role = data["email"], data["name"], data["role"]
    code = data.get("organisation")
    organisation = None
    if code is not None:
        organisation = traject.organisation_by_code(code.strip().upper())
        if organisation is None:
            errors["organisation"] = [f"Onbekende organisatie {code!r} in dit traject."]
    if role in ("bestuurder", "ict_lead") and organisation is None and "organisation" not in errors:
        errors["organisation"] = ["Een bestuurder of ICT-leidinggevende hoort bij een organisatie."]
    if errors:
        raise ApiProblem(422, "Het lid is niet geldig.", errors)
    user = accounts.find_user(email)
    if user is not None and is_member(user, traject):
        raise ApiProblem(409, f"{user.email} is al lid van dit traject.")
    if user is not None and user.role != role:
        raise ApiProblem(422, "Het lid is niet geldig.", {"role": [f"Dit account bestaat al met de rol {user.role}."]})

    def add():
        member = user
        if member is None:
            member = accounts.create_user(email=email, name=name, role=role, password=None, organisation=organisation)
            db.session.flush()
        traject_service.add_member(traject, member)
        return member

    user = api_action(add)
    return jsonify(
        {
            "id": user.id,
            "email": user.email,
            "role": user.role,
            "organisation": user.organisation.code if user.organisation is not None else None,
        }
    ), 201


def _document() -> None:
    from app.api.spec import TID, _errors, _json, _ok, register

    register(
        "/api/v1/trajects/{tid}",
        {
            "patch": {
                "summary": "Edit a traject (regisseur); lowering a threshold after publishing answers 409",
                "parameters": [TID],
                "requestBody": {"required": True, **_json({"$ref": "#/components/schemas/TrajectUpdate"})},
                "responses": {
                    "200": _ok({"$ref": "#/components/schemas/Traject"}),
                    **_errors(400, 401, 403, 404, 409, 422),
                },
            }
        },
        {
            "TrajectUpdate": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "description": {"type": "string"},
                    "deadline": {"type": ["string", "null"], "format": "date"},
                    "phase": {"type": "string", "enum": ["ict_foto", "analyse", "voorstellen"]},
                    "anonymity_threshold": {
                        "type": "integer",
                        "minimum": 3,
                        "maximum": 100000,
                        "description": "may not be lowered once a questionnaire was published",
                    },
                    "comment_threshold": {
                        "type": "integer",
                        "maximum": 100000,
                        "description": "at least anonymity_threshold; may not be lowered once a "
                        "questionnaire was published",
                    },
                },
            }
        },
    )
    register(
        "/api/v1/trajects/{tid}/members",
        {
            "post": {
                "summary": "Add a member to a traject (regisseur); creates the account without a password",
                "parameters": [TID],
                "requestBody": {"required": True, **_json({"$ref": "#/components/schemas/MemberCreate"})},
                "responses": {
                    "201": _ok({"$ref": "#/components/schemas/Member"}, "Created"),
                    **_errors(400, 401, 403, 404, 409, 422),
                },
            }
        },
        {
            "MemberCreate": {
                "type": "object",
                "required": ["email", "name", "role"],
                "properties": {
                    "email": {"type": "string", "format": "email", "maxLength": 254},
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "role": {"type": "string", "enum": list(MEMBER_ROLES)},
                    "organisation": {
                        "type": "string",
                        "description": "organisation code; required for bestuurder and ict_lead",
                    },
                },
            },
            "Member": {
                "type": "object",
                "required": ["id", "email", "role", "organisation"],
                "properties": {
                    "id": {"type": "integer"},
                    "email": {"type": "string"},
                    "role": {"type": "string", "enum": list(MEMBER_ROLES)},
                    "organisation": {"type": ["string", "null"]},
                },
            },
        },
    )


_document()
