"""API: the current SWOT, feasibility matrix and roadmap of a traject, and the advice report files."""
from __future__ import annotations

import os

from flask import g, jsonify, send_file

from app.api import bp, spec
from app.api.auth import token_required
from app.api.trajects import api_traject
from app.extensions import db
from app.services import advice, audit

_NUM = {"type": ["number", "null"]}
_STR = {"type": ["string", "null"]}
_CONDITION = {"type": "object", "properties": {"criterion": {"type": "string"}, "value": _NUM, "limit": _NUM,
                                               "text_nl": {"type": "string"}, "text_en": {"type": "string"}}}
SCHEMAS = {
    "SwotItem": {"type": "object", "required": ["id", "organisation", "quadrant", "text", "source", "selected"],
                 "properties": {"id": {"type": "integer"}, "organisation": _STR,
                                "quadrant": {"type": "string", "enum": ["S", "W", "O", "T"]},
                                "text": {"type": "object", "properties": {"nl": {"type": "string"},
                                                                          "en": {"type": "string"}}},
                                "source": {"type": "string", "enum": ["auto", "manual"]}, "rule": _STR,
                                "evidence": {"type": ["object", "null"]}, "selected": {"type": "boolean"}}},
    "Swot": {"type": "object", "required": ["scopes"], "properties": {"scopes": {"type": "array", "items": {
        "type": "object", "required": ["organisation", "items", "confrontation"],
        "properties": {"organisation": _STR,
                       "items": {"type": "array", "items": {"$ref": "#/components/schemas/SwotItem"}},
                       "confrontation": {"type": "object", "properties": {
                           "scores": {"type": "array", "items": {"type": "object", "properties": {
                               "internal": {"type": "integer"}, "external": {"type": "integer"},
                               "score": {"type": "integer", "minimum": -2, "maximum": 2}}}},
                           "rows": {"type": "object", "additionalProperties": {"type": "integer"}},
                           "columns": {"type": "object", "additionalProperties": {"type": "integer"}},
                           "attention": {"type": "array", "items": {"type": "object", "properties": {
                               "item": {"type": "integer"}, "quadrant": {"type": "string"},
                               "sum": {"type": "integer"}, "impact": {"type": "integer"}}}}}}}}}}},
    "Feasibility": {"type": "object", "required": ["domains", "forms", "cells", "recommendations"], "properties": {
        "domains": {"type": "array", "items": {"type": "string"}},
        "forms": {"type": "array", "items": {"type": "string"}},
        "cells": {"type": "array", "items": {"type": "object", "properties": {
            "domain": {"type": "string"}, "form": {"type": "string"}, "score": _NUM, "computed": _NUM,
            "threshold": {"type": "number"}, "feasible": {"type": "boolean"},
            "override": {"type": ["object", "null"], "properties": {
                "score": {"type": "number"}, "reason": {"type": "string"}, "user": _STR,
                "at": {"type": "string", "format": "date-time"}}},
            "knockouts": {"type": "array", "items": _CONDITION},
            "contributions": {"type": "array", "items": {"type": "object", "properties": {
                "criterion": {"type": "string"}, "value": {"type": "number"}, "weight": {"type": "number"},
                "contribution": _NUM}}}}}},
        "recommendations": {"type": "array", "items": {"type": "object", "properties": {
            "domain": {"type": "string"}, "form": {"type": "string"}, "score": _NUM,
            "preconditions": {"type": "array", "items": _CONDITION},
            "next": {"type": ["object", "null"]}}}}}},
    "RoadmapAction": {"type": "object", "required": ["id", "title", "horizon", "status", "depends_on"], "properties": {
        "id": {"type": "integer"}, "key": _STR, "title": {"type": "string"},
        "horizon": {"type": "string", "enum": ["kort", "middellang", "lang"]}, "domain": _STR, "form": _STR,
        "owner": {"type": "string"}, "quarter": _STR,
        "depends_on": {"type": "array", "items": {"type": "integer"}},
        "status": {"type": "string", "enum": ["open", "bezig", "klaar"]}}},
    "Roadmap": {"type": "object", "required": ["actions"], "properties": {
        "actions": {"type": "array", "items": {"$ref": "#/components/schemas/RoadmapAction"}}}},
    "ReportJob": {"type": "object", "required": ["job", "state"], "properties": {
        "job": {"type": "string"}, "state": {"type": "string", "enum": ["queued", "running", "done", "failed"]}}},
}
_TID = {"name": "tid", "in": "path", "required": True, "schema": {"type": "integer"}}
_ERRORS = {"401": spec.PROBLEM, "404": spec.PROBLEM}


def _utc(moment) -> str | None:
    from datetime import timezone

    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _doc(path: str, summary: str, schema: str) -> None:
    spec.register(path, {"get": {"summary": summary, "parameters": [_TID], "responses": {
        "200": spec._ok({"$ref": f"#/components/schemas/{schema}"}), **_ERRORS}}}, SCHEMAS)


def _doc_file(path: str, summary: str, media: str) -> None:
    spec.register(path, {"get": {"summary": summary, "parameters": [_TID], "responses": {
        "200": {"description": "The report file", "content": {media: {"schema": {"type": "string",
                                                                                 "format": "binary"}}}},
        "202": spec._ok({"$ref": "#/components/schemas/ReportJob"}, "Being built; poll /api/v1/jobs/{id}"),
        **_ERRORS}}}, SCHEMAS)


def swot_json(traject) -> dict:
    result = []
    for scope in advice.scopes(traject):
        items = [i for q in advice.swot_items(traject, scope).values() for i in q]
        state = advice.confrontation_state(traject, scope)
        res = state["result"]
        result.append({
            "organisation": scope,
            "items": [{"id": i.id, "organisation": i.organisation_code, "quadrant": i.quadrant,
                       "text": {"nl": i.text_nl, "en": i.text_en}, "source": i.source, "rule": i.rule,
                       "evidence": i.evidence, "selected": bool(i.selected)} for i in items],
            "confrontation": {"scores": [{"internal": a, "external": b, "score": s}
                                         for (a, b), s in sorted(state["scores"].items())],
                              "rows": {str(k): v for k, v in res["rows"].items()},
                              "columns": {str(k): v for k, v in res["columns"].items()},
                              "attention": [{"item": a["item"], "quadrant": a["quadrant"], "sum": a["sum"],
                                             "impact": a["impact"]} for a in res["attention"]]}})
    return {"scopes": result}


def feasibility_json(traject) -> dict:
    feas = advice.feasibility(traject)
    cells = []
    for c in feas["cells"]:
        o = feas["overrides"].get((c["domain"], c["form"]))
        cells.append({"domain": c["domain"], "form": c["form"], "score": c["score"], "computed": c["computed"],
                      "threshold": c["threshold"], "feasible": c["feasible"], "knockouts": c["knockouts"],
                      "contributions": c["contributions"],
                      "override": None if o is None else {"score": o.score, "reason": o.reason,
                                                          "user": o.user.name if o.user else None, "at": _utc(o.at)}})
    return {"domains": feas["domains"], "forms": feas["forms"], "cells": cells,
            "recommendations": feas["recommendations"]}


def roadmap_json(traject) -> dict:
    return {"actions": [{"id": a.id, "key": a.key, "title": a.title, "horizon": a.horizon, "domain": a.domain,
                         "form": a.form, "owner": a.owner, "quarter": a.quarter, "depends_on": list(a.depends_on or []),
                         "status": a.status} for a in advice.actions(traject)]}


@bp.get("/trajects/<int:tid>/swot")
@token_required
def get_swot(tid: int):
    traject = api_traject(tid)
    advice.sync_swot(traject)  # derived items follow the latest snapshot; idempotent
    db.session.commit()
    return jsonify(swot_json(traject))


@bp.get("/trajects/<int:tid>/feasibility")
@token_required
def get_feasibility(tid: int):
    return jsonify(feasibility_json(api_traject(tid)))


@bp.get("/trajects/<int:tid>/roadmap")
@token_required
def get_roadmap(tid: int):
    return jsonify(roadmap_json(api_traject(tid)))


def _report_file(tid: int, fmt: str):
    from app.results import report as report_service
    from app.results.report_routes import MIMETYPES

    traject = api_traject(tid)
    advice.sync_swot(traject)
    db.session.commit()
    current = report_service.current_report(traject)
    if current is not None and os.path.exists((current.files or {}).get(fmt, "")):
        audit.record("export.report", obj=current, traject_id=traject.id, actor_id=g.api_user.id, format=fmt,
                     via="api")
        db.session.commit()
        return send_file(current.files[fmt], mimetype=MIMETYPES[fmt], as_attachment=True, conditional=True,
                         download_name=f"adviesrapport-{traject.id}.{fmt}")
    job = report_service.request_build(traject, g.api_user)
    return jsonify({"job": job.id, "state": job.state}), 202


@bp.get("/trajects/<int:tid>/report.pdf")
@token_required
def get_report_pdf(tid: int):
    return _report_file(tid, "pdf")


@bp.get("/trajects/<int:tid>/report.xlsx")
@token_required
def get_report_xlsx(tid: int):
    return _report_file(tid, "xlsx")


_doc("/api/v1/trajects/{tid}/swot", "The current SWOT per scope (traject and each organisation)", "Swot")
_doc("/api/v1/trajects/{tid}/feasibility", "The feasibility matrix with overrides and recommendations", "Feasibility")
_doc("/api/v1/trajects/{tid}/roadmap", "The roadmap actions", "Roadmap")
_doc_file("/api/v1/trajects/{tid}/report.pdf", "The advice report as PDF (202 while it is being built)",
          "application/pdf")
_doc_file("/api/v1/trajects/{tid}/report.xlsx", "Every table of the advice report as XLSX (202 while built)",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
