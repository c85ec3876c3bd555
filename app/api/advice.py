"""API: the current SWOT, feasibility matrix and roadmap of a traject, and the advice report files."""

from __future__ import annotations

import io
import os

from flask import g, jsonify, send_file

from app.actions import api_action, commit
from app.api import bp, spec
from app.api.auth import ApiProblem, json_object, token_required
from app.api.trajects import api_traject
from app.api.validation import validated_body
from app.extensions import db
from app.models.advice import AdviceVersion
from app.models.base import iso_utc
from app.services import advice, advice_versions, audit

_NUM = {"type": ["number", "null"]}
_STR = {"type": ["string", "null"]}
_CONDITION = {
    "type": "object",
    "properties": {
        "criterion": {"type": "string"},
        "value": _NUM,
        "limit": _NUM,
        "text_nl": {"type": "string"},
        "text_en": {"type": "string"},
    },
}
SCHEMAS = {
    "SwotItem": {
        "type": "object",
        "required": ["id", "organisation", "quadrant", "text", "source", "selected"],
        "properties": {
            "id": {"type": "integer"},
            "organisation": _STR,
            "quadrant": {"type": "string", "enum": ["S", "W", "O", "T"]},
            "text": {"type": "object", "properties": {"nl": {"type": "string"}, "en": {"type": "string"}}},
            "source": {"type": "string", "enum": ["auto", "manual"]},
            "rule": _STR,
            "evidence": {"type": ["object", "null"]},
            "selected": {"type": "boolean"},
        },
    },
    "Swot": {
        "type": "object",
        "required": ["scopes"],
        "properties": {
            "scopes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["organisation", "items", "confrontation"],
                    "properties": {
                        "organisation": _STR,
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/SwotItem"}},
                        "confrontation": {
                            "type": "object",
                            "properties": {
                                "scores": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "internal": {"type": "integer"},
                                            "external": {"type": "integer"},
                                            "score": {"type": "integer", "minimum": -2, "maximum": 2},
                                        },
                                    },
                                },
                                "rows": {"type": "object", "additionalProperties": {"type": "integer"}},
                                "columns": {"type": "object", "additionalProperties": {"type": "integer"}},
                                "attention": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "item": {"type": "integer"},
                                            "quadrant": {"type": "string"},
                                            "sum": {"type": "integer"},
                                            "impact": {"type": "integer"},
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            }
        },
    },
    "Feasibility": {
        "type": "object",
        "required": ["domains", "forms", "cells", "recommendations"],
        "properties": {
            "domains": {"type": "array", "items": {"type": "string"}},
            "forms": {"type": "array", "items": {"type": "string"}},
            "cells": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "domain": {"type": "string"},
                        "form": {"type": "string"},
                        "score": _NUM,
                        "computed": _NUM,
                        "threshold": {"type": "number"},
                        "feasible": {"type": "boolean"},
                        "override": {
                            "type": ["object", "null"],
                            "properties": {
                                "score": {"type": "number"},
                                "reason": {"type": "string"},
                                "user": _STR,
                                "at": {"type": "string", "format": "date-time"},
                            },
                        },
                        "knockouts": {"type": "array", "items": _CONDITION},
                        "contributions": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "criterion": {"type": "string"},
                                    "value": {"type": "number"},
                                    "weight": {"type": "number"},
                                    "contribution": _NUM,
                                },
                            },
                        },
                    },
                },
            },
            "recommendations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "domain": {"type": "string"},
                        "form": {"type": "string"},
                        "score": _NUM,
                        "preconditions": {"type": "array", "items": _CONDITION},
                        "next": {"type": ["object", "null"]},
                    },
                },
            },
        },
    },
    "RoadmapAction": {
        "type": "object",
        "required": ["id", "title", "horizon", "status", "depends_on"],
        "properties": {
            "id": {"type": "integer"},
            "key": _STR,
            "title": {"type": "string"},
            "horizon": {"type": "string", "enum": ["kort", "middellang", "lang"]},
            "domain": _STR,
            "form": _STR,
            "owner": {"type": "string"},
            "quarter": _STR,
            "depends_on": {"type": "array", "items": {"type": "integer"}},
            "status": {"type": "string", "enum": ["open", "bezig", "klaar"]},
        },
    },
    "Roadmap": {
        "type": "object",
        "required": ["actions"],
        "properties": {"actions": {"type": "array", "items": {"$ref": "#/components/schemas/RoadmapAction"}}},
    },
    "ReportJob": {
        "type": "object",
        "required": ["job", "state"],
        "properties": {
            "job": {"type": "string"},
            "state": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
        },
    },
}
MIMETYPES = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_TID = {"name": "tid", "in": "path", "required": True, "schema": {"type": "integer"}}
_ERRORS = {"401": spec.PROBLEM, "404": spec.PROBLEM}


# The operations of this module's paths, one shape each: a read, a report file, a write.


def _schema(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _read(summary: str, parameter: dict, answer: dict) -> dict:
    """A GET answering `answer` (a schema), or 401/404."""
    return {"summary": summary, "parameters": [parameter], "responses": {"200": spec._ok(answer), **_ERRORS}}


def _file(summary: str, parameter: dict, media: str) -> dict:
    """A GET answering a report file, or 202 with the job that builds it, or 401/404."""
    return {
        "summary": summary,
        "parameters": [parameter],
        "responses": {
            "200": {
                "description": "The report file",
                "content": {media: {"schema": {"type": "string", "format": "binary"}}},
            },
            "202": spec._ok(_schema("ReportJob"), "Being built; poll /api/v1/jobs/{id}"),
            **_ERRORS,
        },
    }


def _write(summary: str, parameter: dict, body: str, *, required: bool, created: str, description: str) -> dict:
    """A POST taking the `body` schema and answering 201 with the `created` one, or a problem."""
    return {
        "summary": summary,
        "parameters": [parameter],
        "requestBody": {"required": required, **spec._json(_schema(body))},
        "responses": {
            "201": spec._ok(_schema(created), description),
            **spec._errors(400, 401, 403, 404, 409, 422),
        },
    }


def _doc(path: str, summary: str, schema: str) -> None:
    spec.register(path, {"get": _read(summary, _TID, _schema(schema))}, SCHEMAS)


def _doc_file(path: str, summary: str, media: str) -> None:
    spec.register(path, {"get": _file(summary, _TID, media)}, SCHEMAS)


def swot_json(traject) -> dict:
    result = []
    for scope in advice.scopes(traject):
        items = [i for q in advice.swot_items(traject, scope).values() for i in q]
        state = advice.confrontation_state(traject, scope)
        res = state["result"]
        result.append(
            {
                "organisation": scope,
                "items": [
                    {
                        "id": i.id,
                        "organisation": i.organisation_code,
                        "quadrant": i.quadrant,
                        "text": {"nl": i.text_nl, "en": i.text_en},
                        "source": i.source,
                        "rule": i.rule,
                        "evidence": i.evidence,
                        "selected": bool(i.selected),
                    }
                    for i in items
                ],
                "confrontation": {
                    "scores": [
                        {"internal": a, "external": b, "score": s} for (a, b), s in sorted(state["scores"].items())
                    ],
                    "rows": {str(k): v for k, v in res["rows"].items()},
                    "columns": {str(k): v for k, v in res["columns"].items()},
                    "attention": [
                        {"item": a["item"], "quadrant": a["quadrant"], "sum": a["sum"], "impact": a["impact"]}
                        for a in res["attention"]
                    ],
                },
            }
        )
    return {"scopes": result}


def feasibility_json(traject) -> dict:
    feas = advice.feasibility(traject)
    cells = []
    for c in feas["cells"]:
        o = feas["overrides"].get((c["domain"], c["form"]))
        cells.append(
            {
                "domain": c["domain"],
                "form": c["form"],
                "score": c["score"],
                "computed": c["computed"],
                "threshold": c["threshold"],
                "feasible": c["feasible"],
                "knockouts": c["knockouts"],
                "contributions": c["contributions"],
                "override": None
                if o is None
                else {
                    "score": o.score,
                    "reason": o.reason,
                    "user": o.user.name if o.user else None,
                    "at": iso_utc(o.at),
                },
            }
        )
    return {
        "domains": feas["domains"],
        "forms": feas["forms"],
        "cells": cells,
        "recommendations": feas["recommendations"],
    }


def roadmap_json(traject) -> dict:
    return {
        "actions": [
            {
                "id": a.id,
                "key": a.key,
                "title": a.title,
                "horizon": a.horizon,
                "domain": a.domain,
                "form": a.form,
                "owner": a.owner,
                "quarter": a.quarter,
                "depends_on": list(a.depends_on or []),
                "status": a.status,
            }
            for a in advice.actions(traject)
        ]
    }


@bp.get("/trajects/<int:tid>/swot")
@token_required
def get_swot(tid: int):
    traject = api_traject(tid)
    advice.sync_swot(traject)  # derived items follow the latest snapshot; idempotent
    commit()
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

    traject = api_traject(tid)
    advice.sync_swot(traject)
    commit()
    current = report_service.current_report(traject)
    if current is not None and os.path.exists((current.files or {}).get(fmt, "")):
        audit.record("export.report", obj=current, traject_id=traject.id, actor_id=g.api_user.id, format=fmt, via="api")
        commit()
        return send_file(
            current.files[fmt],
            mimetype=MIMETYPES[fmt],
            as_attachment=True,
            conditional=True,
            download_name=f"adviesrapport-{traject.id}.{fmt}",
        )
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
_doc_file(
    "/api/v1/trajects/{tid}/report.pdf", "The advice report as PDF (202 while it is being built)", "application/pdf"
)
_doc_file(
    "/api/v1/trajects/{tid}/report.xlsx",
    "Every table of the advice report as XLSX (202 while built)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


# --- advice versions and the decision round ---------------------------------------------------

_DECISION_ENUM = ["yes", "yes_with_conditions", "no", "deferred"]
_SUMMARY = {
    "type": "object",
    "required": ["yes", "yes_with_conditions", "no", "deferred", "pending"],
    "properties": {k: {"type": "integer"} for k in ("yes", "yes_with_conditions", "no", "deferred", "pending")},
}
SCHEMAS.update(
    {
        "AdviceVersionSummary": {
            "type": "object",
            "required": ["id", "number", "status", "published_at", "snapshot"],
            "properties": {
                "id": {"type": "integer"},
                "number": {"type": "integer"},
                "status": {"type": "string", "enum": ["published"]},
                "published_at": {"type": "string", "format": "date-time"},
                "snapshot": {"type": ["integer", "null"]},
                "note": {"type": "string"},
                "decisions": {"type": "string", "enum": ["open", "closed"]},
                "warnings": {"type": "array", "items": {"type": "string"}},
            },
        },
        "AdviceVersionCreate": {
            "type": "object",
            "properties": {
                "note": {"type": "string", "maxLength": 5000},
                "confirm": {
                    "type": "boolean",
                    "description": "required (true) when the advice has gaps in its evidence",
                },
            },
        },
        "AdviceVersion": {
            "type": "object",
            "required": ["id", "number", "published_at", "note", "recommendations", "roadmap", "swot"],
            "properties": {
                "id": {"type": "integer"},
                "number": {"type": "integer"},
                "status": {"type": "string"},
                "published_at": {"type": "string", "format": "date-time"},
                "note": {"type": "string"},
                "snapshot": {"type": ["object", "null"]},
                "recommendations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["domain", "form", "score", "conditions"],
                        "properties": {
                            "domain": {"type": "string"},
                            "form": {"type": "string"},
                            "status": {"type": "string"},
                            "score": _NUM,
                            "conditions": {"type": "array", "items": {"type": "object"}},
                        },
                    },
                },
                "feasibility": {"type": "object"},
                "roadmap": {"type": "array", "items": {"type": "object"}},
                "swot": {"type": "object"},
                "texts": {"type": "object"},
                "gaps": {"type": "array", "items": {"type": "object"}},
                "changes": {"type": "array", "items": {"type": "object"}},
            },
        },
        "DecisionCreate": {
            "type": "object",
            "required": ["decision"],
            "properties": {
                "decision": {"type": "string", "enum": _DECISION_ENUM},
                "conditions": {"type": "string", "maxLength": 5000},
                "motivation": {"type": "string", "maxLength": 5000},
                "name": {"type": "string", "maxLength": 200},
                "function": {"type": "string", "maxLength": 200},
                "domain_conditions": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "Decision": {
            "type": "object",
            "required": ["organisation", "decision", "conditions", "motivation", "revision", "signed_by", "signed_at"],
            "properties": {
                "organisation": {"type": "string"},
                "decision": {"type": "string", "enum": _DECISION_ENUM},
                "conditions": {"type": "string"},
                "domain_conditions": {"type": "object"},
                "motivation": {"type": "string"},
                "revision": {"type": "integer"},
                "signed_by": {"type": "string"},
                "function": {"type": "string"},
                "signed_at": {"type": "string", "format": "date"},
                "final": {"type": "boolean"},
                "mr": {"type": ["object", "null"]},
            },
        },
        "Decisions": {
            "type": "object",
            "required": ["items", "next", "summary", "status"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Decision"}},
                "next": {"type": "null"},
                "summary": _SUMMARY,
                "status": {"type": "string", "enum": ["open", "closed"]},
            },
        },
        "DecisionsClosed": {
            "type": "object",
            "required": ["status", "summary"],
            "properties": {"status": {"type": "string", "enum": ["closed"]}, "summary": _SUMMARY},
        },
    }
)
_VID = {"name": "vid", "in": "path", "required": True, "schema": {"type": "integer"}}


def version_summary_json(version, warnings=None) -> dict:
    body = {
        "id": version.id,
        "number": version.number,
        "status": version.status,
        "published_at": iso_utc(version.published_at),
        "snapshot": version.snapshot_id,
        "note": version.note or "",
        "decisions": "open" if version.round_open else "closed",
    }
    if warnings is not None:
        body["warnings"] = warnings
    return body


def version_json(version) -> dict:
    doc = version.document
    return {
        "id": version.id,
        "number": version.number,
        "status": version.status,
        "published_at": iso_utc(version.published_at),
        "note": version.note or "",
        "snapshot": {k: v for k, v in (doc.get("snapshot") or {}).items() if k != "payload"} or None,
        "recommendations": doc.get("recommendations", []),
        "feasibility": doc.get("feasibility", {}),
        "roadmap": doc.get("roadmap", []),
        "swot": doc.get("swot", {}),
        "texts": doc.get("texts", {}),
        "gaps": doc.get("gaps", []),
        "changes": advice_versions.changes_of(version),
    }


def decision_json(row, mr=None) -> dict:
    return {
        "organisation": row.organisation_code,
        "decision": row.decision,
        "conditions": row.conditions or "",
        "domain_conditions": row.domain_conditions or {},
        "motivation": row.motivation or "",
        "revision": row.revision,
        "signed_by": row.signed_name,
        "function": row.signed_function or "",
        "signed_at": row.signed_on.isoformat(),
        "final": row.decision != "deferred" and advice_versions.mr_recorded(mr),
        "mr": None
        if mr is None
        else {
            "council": mr.council,
            "outcome": mr.outcome,
            "received_on": mr.received_on.isoformat() if mr.received_on else None,
            "staff_move": mr.staff_move,
            "pmr_outcome": mr.pmr_outcome,
        },
    }


def api_version(vid: int, *, write: bool = False):
    version = db.session.get(AdviceVersion, vid)
    if version is None:
        raise ApiProblem(404, "Adviesversie niet gevonden.")
    traject = api_traject(version.traject_id, write=write)
    return version, traject


@bp.post("/trajects/<int:tid>/advice-versions")
@token_required
@validated_body
def create_advice_version(tid: int):
    traject = api_traject(tid, write=True)
    from flask import request

    body = json_object() if request.get_data() else {}  # the body is optional
    note, confirm = body.get("note", ""), body.get("confirm", False)
    advice.sync_swot(traject)

    def publish():
        published = advice_versions.publish(traject, g.api_user, note=note, confirm_gaps=confirm)
        audit.record("advice.version_published_api", obj=published, traject_id=traject.id, actor_id=g.api_user.id)
        return published

    version = api_action(publish)
    advice_versions.deliver_queued(traject)
    warnings = [gap["text_nl"] for gap in version.document.get("gaps", [])]
    advice_versions.request_files(version, g.api_user)
    version = db.session.get(AdviceVersion, version.id)
    return jsonify(version_summary_json(version, warnings)), 201


@bp.get("/trajects/<int:tid>/advice-versions")
@token_required
def list_advice_versions(tid: int):
    traject = api_traject(tid)
    return jsonify({"items": [version_summary_json(v) for v in advice_versions.versions(traject)], "next": None})


@bp.get("/advice-versions/<int:vid>")
@token_required
def get_advice_version(vid: int):
    version, _ = api_version(vid)
    return jsonify(version_json(version))


def _version_file(vid: int, fmt: str):
    version, traject = api_version(vid)
    stored = advice_versions.file_of(version, fmt)
    if stored is None:
        job = advice_versions.request_files(version, g.api_user)
        stored = advice_versions.file_of(version, fmt)
        if stored is None:
            return jsonify({"job": job.id, "state": job.state}), 202
    audit.record(
        "export.advice_version",
        obj=version,
        traject_id=traject.id,
        actor_id=g.api_user.id,
        format=fmt,
        number=version.number,
        via="api",
    )
    commit()
    return send_file(
        io.BytesIO(stored.data),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        etag=stored.sha256,
        last_modified=stored.built_at,
        download_name=f"advies-{traject.id}-versie-{version.number}.{fmt}",
    )


@bp.get("/advice-versions/<int:vid>/report.pdf")
@token_required
def get_advice_version_pdf(vid: int):
    return _version_file(vid, "pdf")


@bp.get("/advice-versions/<int:vid>/report.xlsx")
@token_required
def get_advice_version_xlsx(vid: int):
    return _version_file(vid, "xlsx")


@bp.post("/advice-versions/<int:vid>/decisions")
@token_required
@validated_body
def create_decision(vid: int):
    user = g.api_user
    # The role first, whatever the id: only a bestuurder records a board's decision (a regisseur never).
    if user.role != "bestuurder":
        raise ApiProblem(403, "Alleen een bestuurder legt het besluit van zijn bestuur vast.")
    version, traject = api_version(vid)
    if advice_versions.organisation_of(user, traject) is None:
        raise ApiProblem(403, "Uw account hoort niet bij een school van dit traject.")
    body = json_object()
    if not version.round_open:
        raise ApiProblem(409, "De besluitronde van deze versie is gesloten.")
    domain_conditions = body.get("domain_conditions") or {}
    row = api_action(
        lambda: advice_versions.record_decision(
            version,
            user,
            decision=body.get("decision"),
            conditions=body.get("conditions"),
            motivation=body.get("motivation"),
            signed_name=body.get("name"),
            signed_function=body.get("function"),
            domain_conditions=domain_conditions,
        ),
        conflicts=(advice_versions.RoundClosed,),
    )
    return jsonify(decision_json(row, advice_versions.mr_advice(version).get(row.organisation_code))), 201


@bp.get("/advice-versions/<int:vid>/decisions")
@token_required
def list_decisions(vid: int):
    version, traject = api_version(vid)
    mr = advice_versions.mr_advice(version)
    latest = advice_versions.latest_decisions(version)
    return jsonify(
        {
            "items": [decision_json(latest[k], mr.get(k)) for k in sorted(latest)],
            "next": None,
            "summary": advice_versions.summary(version, traject),
            "status": "open" if version.round_open else "closed",
        }
    )


@bp.post("/advice-versions/<int:vid>/close-decisions")
@token_required
def close_decisions(vid: int):
    version, traject = api_version(vid, write=True)
    try:
        counts = advice_versions.close_round(version, g.api_user)
    except advice_versions.RoundClosed as exc:
        db.session.rollback()
        raise ApiProblem(409, str(exc)) from None
    commit()
    advice_versions.deliver_queued(traject)
    return jsonify({"status": "closed", "summary": counts})


spec.register(
    "/api/v1/trajects/{tid}/advice-versions",
    {
        "get": _read(
            "Published advice versions, newest first",
            _TID,
            spec._list_of("#/components/schemas/AdviceVersionSummary"),
        ),
        "post": _write(
            "Publish the current advice as the next frozen version (regisseur)",
            _TID,
            "AdviceVersionCreate",
            required=False,
            created="AdviceVersionSummary",
            description="Published",
        ),
    },
    SCHEMAS,
)
spec.register(
    "/api/v1/advice-versions/{vid}",
    {"get": _read("One frozen advice version; it never changes", _VID, _schema("AdviceVersion"))},
    SCHEMAS,
)
for _fmt, _media in MIMETYPES.items():
    spec.register(
        f"/api/v1/advice-versions/{{vid}}/report.{_fmt}",
        {
            "get": _file(
                f"The version's report as {_fmt.upper()}, the same bytes every time (202 while it is built)",
                _VID,
                _media,
            )
        },
        SCHEMAS,
    )
spec.register(
    "/api/v1/advice-versions/{vid}/decisions",
    {
        "get": _read("The latest decision per board, the summary and the round's status", _VID, _schema("Decisions")),
        "post": _write(
            "Record (a new revision of) the caller's board's intention decision (bestuurder)",
            _VID,
            "DecisionCreate",
            required=True,
            created="Decision",
            description="Recorded",
        ),
    },
    SCHEMAS,
)
spec.register(
    "/api/v1/advice-versions/{vid}/close-decisions",
    {
        "post": {
            "summary": "Close the decision round of a version (regisseur)",
            "parameters": [_VID],
            "responses": {
                "200": spec._ok({"$ref": "#/components/schemas/DecisionsClosed"}),
                **spec._errors(401, 403, 404, 409),
            },
        }
    },
    SCHEMAS,
)
