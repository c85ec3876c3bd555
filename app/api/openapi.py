"""GET /api/v1/openapi.json: the OpenAPI document, no token needed."""

from flask import jsonify

from app.api import bp
from app.api.spec import document
from app.extensions import limiter


@bp.get("/openapi.json")
@limiter.exempt
def openapi():
    return jsonify(document())
