"""API: recompute a traject's indicators, poll jobs, and read the latest indicator snapshot."""

from __future__ import annotations

from flask import abort, g, jsonify

from analysis import fields
from app.api import bp, spec
from app.api.auth import token_required
from app.api.trajects import api_traject
from app.errors import problem
from app.extensions import db
from app.jobs import enqueue_recompute
from app.models import Job, Traject
from app.security.access import is_member
from app.services import indicators

# The rows' fields as the analysis writes them (analysis.fields: one list, no pandas in the web process).
CONSTRUCT_FIELDS = tuple(fields.API_FIELDS)
INDEX_FIELDS = tuple(fields.INDEX_API_FIELDS)


def indicators_json(snapshot) -> dict:
    """The API v1 Indicators shape from a snapshot; without one, ``snapshot`` is null and lists empty."""
    if snapshot is None:
        return {"snapshot": None, "constructs": [], "indices": [], "rollups": [], "rolled_up": [], "comparisons": []}
    payload = snapshot.payload or {}
    return {
        **_rollups_json(snapshot, payload),
        "snapshot": {
            "id": snapshot.id,
            "number": snapshot.number,
            "released_on": snapshot.released_on.isoformat(),
            "responses": snapshot.responses,
            "anonymity_threshold": snapshot.anonymity_threshold,
        },
        "constructs": [{k: row.get(k) for k in CONSTRUCT_FIELDS} for row in payload.get("constructs", [])],
        "indices": [{k: row.get(k) for k in INDEX_FIELDS} for row in payload.get("indices", [])],
    }


ROLLUP_FIELDS = ("questionnaire", "organisation", "role", "kind", "organisations", "n")
COMPARISON_FIELDS = (
    "questionnaire",
    "construct",
    "by",
    "groups",
    "tested",
    "reason",
    "h",
    "df",
    "p",
    "eta2_h",
    "pairs",
)


def _rollups_json(snapshot, payload: dict) -> dict:
    """The roll-ups of the release (docs/statistics.md, *Roll-ups*) and the comparisons between
    schools; both only over groups the release shows (analysis.disclosure)."""
    from app.services import rollups

    disclosure_state = (snapshot.counts or {}).get("disclosure") or {}
    return {
        "rollups": [
            dict(
                {k: entry.get(k) for k in ROLLUP_FIELDS},
                constructs=[{k: r.get(k) for k in CONSTRUCT_FIELDS} for r in entry.get("constructs", [])],
                indices=[{k: r.get(k) for k in INDEX_FIELDS} for r in entry.get("indices", [])],
            )
            for entry in payload.get("rollups", [])
        ],
        "rolled_up": [
            dict(row, questionnaire=key)
            for key, state in sorted(disclosure_state.items())
            for row in rollups.explanation(payload, state, snapshot.anonymity_threshold, key)
        ],
        "comparisons": [{k: c.get(k) for k in COMPARISON_FIELDS if k in c} for c in payload.get("comparisons", [])],
    }


def job_json(job: Job) -> dict:
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "progress": float(job.progress or 0.0),
        "message": job.message or "",
    }


@bp.post("/trajects/<int:tid>/recompute")
@token_required
def recompute(tid: int):
    traject = api_traject(tid, write=True)
    job = enqueue_recompute(traject.id, created_by=g.api_user.id)
    return jsonify({"job": job.id, "state": job.state}), 202


@bp.get("/jobs/<id>")
@token_required
def get_job(id: str):  # noqa: A002 - the path parameter is called id in the contract
    # A NUL cannot be in an id and PostgreSQL refuses it in a query parameter.
    job = db.session.get(Job, id) if "\x00" not in id and len(id) <= 36 else None
    if job is None or not _may_see(job):
        abort(problem(404, "Taak niet gevonden."))
    return jsonify(job_json(job))


def _may_see(job: Job) -> bool:
    if job.traject_id is None:
        return job.created_by == g.api_user.id
    traject = db.session.get(Traject, job.traject_id)
    return traject is not None and is_member(g.api_user, traject)


@bp.get("/trajects/<int:tid>/indicators")
@token_required
def get_indicators(tid: int):
    # Bestuurders may read these too: they are aggregates, suppressed below the threshold.
    traject = api_traject(tid)
    return jsonify(indicators_json(indicators.latest_snapshot(traject)))


_NUM = {"type": ["number", "null"]}
_INT = {"type": ["integer", "null"]}
_STR = {"type": ["string", "null"]}
TID = {"name": "tid", "in": "path", "required": True, "schema": {"type": "integer"}}
JOB_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}


def _ok(ref: str, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _errors(*codes: int) -> dict:
    return {str(code): spec.PROBLEM for code in codes}


spec.register(
    "/api/v1/trajects/{tid}/recompute",
    {
        "post": {
            "summary": "Recompute the traject's indicators (regisseur); coalesces with a queued recompute",
            "parameters": [TID],
            "responses": {"202": _ok("#/components/schemas/JobAccepted", "Accepted"), **_errors(401, 403, 404)},
        }
    },
    schemas={
        "JobAccepted": {
            "type": "object",
            "required": ["job", "state"],
            "properties": {
                "job": {"type": "string"},
                "state": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
            },
        }
    },
)
spec.register(
    "/api/v1/jobs/{id}",
    {
        "get": {
            "summary": "A background job (only for members of its traject)",
            "parameters": [JOB_ID],
            "responses": {"200": _ok("#/components/schemas/Job"), **_errors(401, 404)},
        }
    },
    schemas={
        "Job": {
            "type": "object",
            "required": ["id", "state", "progress"],
            "properties": {
                "id": {"type": "string"},
                "kind": {"type": "string"},
                "state": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                "progress": {"type": "number", "minimum": 0, "maximum": 1},
                "message": {"type": "string"},
                "retry_at": {
                    "type": ["string", "null"],
                    "format": "date-time",
                    "description": "When a planned retry runs (mail: SMTP unreachable or 4xx)",
                },
            },
        }
    },
)
spec.register(
    "/api/v1/trajects/{tid}/indicators",
    {
        "get": {
            "summary": "Indicators from the latest release; snapshot null and empty lists before the first release",
            "parameters": [TID],
            "responses": {"200": _ok("#/components/schemas/Indicators"), **_errors(401, 404)},
        }
    },
    schemas={
        "Indicators": {
            "type": "object",
            "required": ["snapshot", "constructs", "indices"],
            "properties": {
                "snapshot": {
                    "oneOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "required": ["id", "released_on", "responses", "anonymity_threshold"],
                            "properties": {
                                "id": {"type": "integer"},
                                "number": {"type": "integer"},
                                "released_on": {"type": "string", "format": "date"},
                                "responses": {"type": "integer"},
                                "anonymity_threshold": {"type": "integer"},
                            },
                        },
                    ]
                },
                "constructs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": list(CONSTRUCT_FIELDS),
                        "properties": {
                            "questionnaire": _STR,
                            "construct": {"type": "string"},
                            "organisation": _STR,
                            "role": _STR,
                            "n": _INT,
                            "mean": _NUM,
                            "sd": _NUM,
                            "ci_low": _NUM,
                            "ci_high": _NUM,
                            "score": _NUM,
                            "top2box": _NUM,
                            "alpha": _NUM,
                            "alpha_ci": {"type": ["array", "null"], "items": {"type": "number"}},
                            "suppressed": {"type": "boolean"},
                        },
                    },
                },
                "indices": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": list(INDEX_FIELDS),
                        "properties": {
                            "index": {
                                "type": "string",
                                "enum": ["draagvlak", "wil", "moet", "kun", "steun", "weerstand"],
                            },
                            "organisation": _STR,
                            "role": _STR,
                            "n": _INT,
                            "value": _NUM,
                            "ci_low": _NUM,
                            "ci_high": _NUM,
                            "suppressed": {"type": "boolean"},
                        },
                    },
                },
                "rollups": {
                    "type": "array",
                    "description": "Pools ('kleinere scholen samen') the release shows: hidden "
                    "schools together, when the pool and the rest of its parent both reach the threshold and the "
                    "audit over all releases passes with the pool included. organisation is the pool's key "
                    "('+A+B'); constructs and indices are the pool's rows.",
                    "items": {
                        "type": "object",
                        "required": list(ROLLUP_FIELDS) + ["constructs", "indices"],
                        "properties": {
                            "questionnaire": _STR,
                            "organisation": {"type": "string"},
                            "role": _STR,
                            "kind": {"type": "string", "enum": ["kleinere_scholen"]},
                            "organisations": {"type": "array", "items": {"type": "string"}},
                            "n": {"type": "integer"},
                            "constructs": {"type": "array", "items": {"type": "object"}},
                            "indices": {"type": "array", "items": {"type": "object"}},
                        },
                    },
                },
                "rolled_up": {
                    "type": "array",
                    "description": "Per hidden per-school group: the shown groups its "
                    "respondents count in (kleinere_scholen, per_rol, alle_samen); never its n.",
                    "items": {
                        "type": "object",
                        "required": ["questionnaire", "organisation", "role", "shown_in"],
                        "properties": {
                            "questionnaire": {"type": "string"},
                            "organisation": {"type": "string"},
                            "role": _STR,
                            "shown_in": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["kind"],
                                    "properties": {
                                        "kind": {
                                            "type": "string",
                                            "enum": ["kleinere_scholen", "per_rol", "alle_samen"],
                                        },
                                        "organisations": {"type": ["array", "null"], "items": {"type": "string"}},
                                        "role": _STR,
                                    },
                                },
                            },
                        },
                    },
                },
                "comparisons": {
                    "type": "array",
                    "description": "Differences between schools per staff construct, only "
                    "between schools the release shows: Kruskal-Wallis H with eta2_h, and per pair "
                    "Mann-Whitney U, rank-biserial r_rb and Holm-adjusted p (docs/statistics.md).",
                    "items": {
                        "type": "object",
                        "required": ["construct", "groups", "tested"],
                        "properties": {
                            "questionnaire": _STR,
                            "construct": {"type": "string"},
                            "by": {"type": "string"},
                            "groups": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "group": {"type": "string"},
                                        "n": {"type": "integer"},
                                        "mean": {"type": "number"},
                                        "median": {"type": "number"},
                                    },
                                },
                            },
                            "tested": {"type": "boolean"},
                            "reason": {"type": "string"},
                            "h": _NUM,
                            "df": _INT,
                            "p": _NUM,
                            "eta2_h": _NUM,
                            "pairs": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "a": {"type": "string"},
                                        "b": {"type": "string"},
                                        "n_a": {"type": "integer"},
                                        "n_b": {"type": "integer"},
                                        "u": {"type": "number"},
                                        "p": {"type": "number"},
                                        "r_rb": {"type": "number"},
                                        "p_holm": {"type": "number"},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        }
    },
)
