"""Bearer-token authentication for the API, and JSON body helpers."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, request
from werkzeug.exceptions import HTTPException

from app.actions import commit
from app.errors import problem
from app.extensions import limiter
from app.services.accounts import user_for_api_token


class ApiProblem(HTTPException):
    """Raise to answer with a problem+json response from anywhere in an API handler."""

    def __init__(self, status: int, detail: str = "", errors: dict | None = None, *, message_id: str | None = None):
        super().__init__(description=detail)
        self.code = status
        self.response = problem(status, detail, errors=errors, message_id=message_id)


def _token_limit() -> str:
    return current_app.config["TOKEN_RATE_LIMIT"]


def token_required(view):
    """Require `Authorization: Bearer <token>`; sets g.api_user. Rate-limited per address."""

    @wraps(view)
    @limiter.limit(
        _token_limit, key_func=lambda: f"api-token:{request.remote_addr}", exempt_when=lambda: _valid_token_cached()
    )
    def wrapped(*args, **kwargs):
        user = _authenticate()
        if user is None:
            response = problem(401, "Een geldig API-token is nodig (Authorization: Bearer <token>).")
            response.headers["WWW-Authenticate"] = 'Bearer realm="draagvlak"'
            return response
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped


def _authenticate():
    if "api_user_checked" in g:
        return g.api_user_checked
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and secret.strip():
        user = user_for_api_token(secret.strip())
        if user is not None:
            commit()  # last_used_at
            g.api_token_prefix = secret.strip()[:8]  # stored beside the hash; audit events name it
    g.api_user_checked = user
    return user


def _valid_token_cached() -> bool:
    # Only failed authentications count against the limit: it slows token guessing,
    # not an integrator's normal traffic.
    return _authenticate() is not None


def require_role(*roles: str) -> None:
    if g.api_user.role not in roles:
        abort(problem(403, "Uw rol mag deze actie niet uitvoeren."))


# No body of the contract nests deeper than 4 (participants[i].field, answers.key[list]); a
# body nested far deeper is an attack on the parser or on code that walks it recursively.
MAX_JSON_DEPTH = 16


def json_depth_exceeds(data, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when `data` nests lists/objects deeper than `limit` (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def parsed_json_body():
    """The request body parsed as JSON (cached), None when it is not JSON; a 400 problem when it
    is nested deeper than MAX_JSON_DEPTH or too deep for the parser itself."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise ApiProblem(400, f"De JSON-body is te diep genest (hoogstens {MAX_JSON_DEPTH} niveaus).") from None
    if data is not None and json_depth_exceeds(data):
        raise ApiProblem(400, f"De JSON-body is te diep genest (hoogstens {MAX_JSON_DEPTH} niveaus).")
    return data


def check_json_body():
    """before_request of the API: every JSON body is checked once, before any view walks it."""
    if request.content_length or request.headers.get("Transfer-Encoding"):
        if request.is_json:
            parsed_json_body()


def json_object(*, validate: bool = True) -> dict:
    """The request's JSON body as an object, or a 400/422 problem; on a `@validated_body` handler
    also checked against the operation's schema in the OpenAPI document (app/api/validation.py)."""
    from app.api.validation import check_body

    data = parsed_json_body()
    if data is None:
        raise ApiProblem(400, "De body moet geldige JSON zijn (Content-Type: application/json).")
    if not isinstance(data, dict):
        raise ApiProblem(422, "De body moet een JSON-object zijn.", errors={"body": ["Verwacht een object."]})
    if validate:
        check_body(data)
    return data
