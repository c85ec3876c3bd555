"""API: trajects and their organisations."""
from __future__ import annotations

from flask import abort, g, jsonify
from sqlalchemy import select

from app.api import bp
from app.api.auth import ApiProblem, json_object, require_role, token_required
from app.api.pagination import paginate
from app.api.serializers import organisation_json, traject_json
from app.errors import problem
from app.extensions import db
from app.models import Organisation, Traject
from app.security.access import is_member, refuse_if_archived, visible_trajects_query
from app.services import trajects as traject_service


def api_traject(traject_id: int, *, write: bool = False) -> Traject:
    """Object-level check for the API: another traject's id answers 404."""
    traject = db.session.get(Traject, traject_id)

    if traject is None or not is_member(g.api_user, traject):
        abort(problem(404, "Traject niet gevonden."))
    if write and g.api_user.role != "regisseur":
        abort(problem(403, "Alleen een regisseur mag dit traject wijzigen."))
    refuse_if_archived(traject)
    return traject


@bp.get("/trajects")
@token_required
def list_trajects():
    return jsonify(paginate(visible_trajects_query(g.api_user), Traject.id, traject_json))


@bp.post("/trajects")
@token_required
def create_traject():
    require_role("regisseur")
    data = json_object()
    errors: dict[str, list[str]] = {}
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = ["Vul een naam in (tekst)."]
    values = {"anonymity_threshold": data.get("anonymity_threshold", 5),
              "comment_threshold": data.get("comment_threshold", 10)}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            errors[key] = ["Moet een geheel getal zijn."]
    description = data.get("description", "")
    if not isinstance(description, str):
        errors["description"] = ["Moet tekst zijn."]
    if errors:
        raise ApiProblem(422, "De traject-gegevens zijn niet geldig.", errors)
    try:
        traject = traject_service.create_traject(g.api_user, name=name, description=description, **values)
    except traject_service.TrajectError as exc:
        db.session.rollback()
        raise ApiProblem(422, str(exc), exc.errors) from None
    db.session.commit()
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
def create_organisation(tid: int):
    traject = api_traject(tid, write=True)
    data = json_object()
    errors: dict[str, list[str]] = {}
    for key in ("code", "name"):
        if not isinstance(data.get(key), str):
            errors[key] = ["Verplicht veld (tekst)."]
    for key in ("staff", "students", "locations"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            errors[key] = ["Moet een geheel getal ≥ 0 zijn."]
    if data.get("region") is not None and not isinstance(data.get("region"), str):
        errors["region"] = ["Moet tekst zijn."]
    if errors:
        raise ApiProblem(422, "De organisatie is niet geldig.", errors)
    code = data["code"].strip().upper()
    if traject.organisation_by_code(code) is not None:
        raise ApiProblem(409, f"De code {code} bestaat al in dit traject.")
    try:
        organisation = traject_service.add_organisation(traject, data)
    except traject_service.TrajectError as exc:
        db.session.rollback()
        raise ApiProblem(422, str(exc), exc.errors) from None
    db.session.commit()
    return jsonify(organisation_json(organisation)), 201


