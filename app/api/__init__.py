"""Public JSON API v1: bearer tokens, problem+json errors, cursor pagination, OpenAPI."""

from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # the API authenticates with bearer tokens, not cookies


@bp.before_request
def _refuse_deep_json():
    # A JSON body nested 1,000 deep answers 400 on every endpoint, never 500 (RecursionError).
    from app.api.auth import check_json_body

    check_json_body()


from app.api import (  # noqa: E402,F401
    advice,  # noqa: E402,F401
    health,
    indicators,  # noqa: E402,F401
    openapi,
    participants,  # noqa: E402,F401
    questionnaires,  # noqa: E402,F401
    responses,  # noqa: E402,F401
    stakeholders,  # noqa: E402,F401
    trajects,
)
