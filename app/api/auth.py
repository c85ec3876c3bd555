"""Bearer-token authentication for the API, and JSON body helpers."""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, request
from werkzeug.exceptions import HTTPException

from app.errors import problem
from app.extensions import db, limiter
from app.services.accounts import user_for_api_token


class ApiProblem(HTTPException):
    """Raise to answer with a problem+json response from anywhere in an API handler."""

    def __init__(self, status: int, detail: str = "", errors: dict | None = None):
        super().__init__(description=detail)
        self.code = status
        self.response = problem(status, detail, errors=errors)


def _token_limit() -> str:
    return current_app.config["TOKEN_RATE_LIMIT"]


def token_required(view):
    """Require `Authorization: Bearer <token>`; sets g.api_user. Rate-limited per address."""

    @wraps(view)
    @limiter.limit(_token_limit, key_func=lambda: f"api-token:{request.remote_addr}",
                   exempt_when=lambda: _valid_token_cached())
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
            db.session.commit()  # last_used_at
    g.api_user_checked = user
    return user


def _valid_token_cached() -> bool:
    # Only failed authentications count against the limit: it slows token guessing,
    # not an integrator's normal traffic.
    return _authenticate() is not None


def require_role(*roles: str) -> None:
    if g.api_user.role not in roles:
        abort(problem(403, "Uw rol mag deze actie niet uitvoeren."))


def json_object() -> dict:
    """The request's JSON body as an object, or a 400/422 problem."""
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(400, "De body moet geldige JSON zijn (Content-Type: application/json).")
    if not isinstance(data, dict):
        raise ApiProblem(422, "De body moet een JSON-object zijn.", errors={"body": ["Verwacht een object."]})
    return data
