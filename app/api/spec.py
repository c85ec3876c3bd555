"""The OpenAPI 3.1 document of API v1; a test checks it lists exactly the API's routes."""

from __future__ import annotations

PROBLEM = {"$ref": "#/components/responses/Problem"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, **_json(schema)}


def _list_of(ref: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "next"],
        "properties": {"items": {"type": "array", "items": {"$ref": ref}}, "next": {"type": ["string", "null"]}},
    }


def _errors(*codes: int) -> dict:
    return {str(code): PROBLEM for code in codes}


TID = {"name": "tid", "in": "path", "required": True, "schema": {"type": "integer"}}
QID = {"name": "qid", "in": "path", "required": True, "schema": {"type": "integer"}}
LIMIT = {
    "name": "limit",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
}
CURSOR = {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}}

SCHEMAS: dict = {
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "message_id": {
                "type": "string",
                "description": "catalog id of a service "
                "refusal's detail (its Dutch source text); detail is in the "
                "language of Accept-Language (nl or en)",
            },
            "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "database", "broker", "rate_limits"],
        "properties": {
            "status": {"type": "string"},
            "database": {"type": "string", "enum": ["ok", "down"]},
            "broker": {"type": "string", "enum": ["ok", "eager", "down"]},
            "rate_limits": {
                "type": "string",
                "enum": ["redis", "memory", "off"],
                "description": "Where rate limits count; 'memory' also while Redis is unreachable",
            },
        },
    },
    "Traject": {
        "type": "object",
        "required": ["id", "name", "phase", "anonymity_threshold", "comment_threshold"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "phase": {"type": "string", "enum": ["ict_foto", "analyse", "voorstellen"]},
            "anonymity_threshold": {"type": "integer", "minimum": 3},
            "comment_threshold": {"type": "integer"},
            "deadline": {"type": ["string", "null"], "format": "date"},
        },
    },
    "TrajectCreate": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": {"type": "string"},
            "anonymity_threshold": {"type": "integer", "minimum": 3, "maximum": 100000, "default": 5},
            "comment_threshold": {
                "type": "integer",
                "maximum": 100000,
                "default": 10,
                "description": "at least anonymity_threshold",
            },
        },
    },
    "Organisation": {
        "type": "object",
        "required": ["id", "code", "name"],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "name": {"type": "string"},
            "staff": {"type": ["integer", "null"]},
            "students": {"type": ["integer", "null"]},
            "locations": {"type": ["integer", "null"]},
            "region": {"type": "string"},
        },
    },
    "OrganisationCreate": {
        "type": "object",
        "required": ["code", "name"],
        "properties": {
            "code": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$"},
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "staff": {"type": ["integer", "null"], "minimum": 0, "maximum": 10000000},
            "students": {"type": ["integer", "null"], "minimum": 0, "maximum": 10000000},
            "locations": {"type": ["integer", "null"], "minimum": 0, "maximum": 10000000},
            "region": {"type": "string", "maxLength": 100},
        },
    },
}

PATHS: dict = {
    "/api/v1/health": {
        "get": {
            "summary": "Health of the service",
            "security": [],
            "responses": {
                "200": _ok({"$ref": "#/components/schemas/Health"}),
                "503": _ok({"$ref": "#/components/schemas/Health"}, "Database down"),
            },
        }
    },
    "/api/v1/openapi.json": {
        "get": {"summary": "This document", "security": [], "responses": {"200": _ok({"type": "object"})}}
    },
    "/api/v1/trajects": {
        "get": {
            "summary": "Trajects the caller belongs to",
            "parameters": [LIMIT, CURSOR],
            "responses": {"200": _ok(_list_of("#/components/schemas/Traject")), **_errors(401, 422)},
        },
        "post": {
            "summary": "Create a traject (regisseur)",
            "requestBody": {"required": True, **_json({"$ref": "#/components/schemas/TrajectCreate"})},
            "responses": {
                "201": _ok({"$ref": "#/components/schemas/Traject"}, "Created"),
                **_errors(400, 401, 403, 422),
            },
        },
    },
    "/api/v1/trajects/{tid}": {
        "get": {
            "summary": "One traject",
            "parameters": [TID],
            "responses": {"200": _ok({"$ref": "#/components/schemas/Traject"}), **_errors(401, 404)},
        }
    },
    "/api/v1/trajects/{tid}/organisations": {
        "get": {
            "summary": "Organisations of a traject",
            "parameters": [TID, LIMIT, CURSOR],
            "responses": {"200": _ok(_list_of("#/components/schemas/Organisation")), **_errors(401, 404, 422)},
        },
        "post": {
            "summary": "Add an organisation",
            "parameters": [TID],
            "requestBody": {"required": True, **_json({"$ref": "#/components/schemas/OrganisationCreate"})},
            "responses": {
                "201": _ok({"$ref": "#/components/schemas/Organisation"}, "Created"),
                **_errors(400, 401, 403, 404, 409, 422),
            },
        },
    },
}


def register(path: str, operations: dict, schemas: dict | None = None) -> None:
    """Feature modules add their paths here at import time, beside their routes."""
    PATHS.setdefault(path, {}).update(operations)
    if schemas:
        SCHEMAS.update(schemas)


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Draagvlak API",
            "version": "1.0.0",
            "description": "Public API of Draagvlak. Errors are application/problem+json.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": {
                "Problem": {
                    "description": "Problem",
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                }
            },
        },
    }
