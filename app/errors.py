"""Error pages in Dutch (or English) and problem+json for the API; rollback on server errors."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from app.extensions import db

TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet ingelogd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    409: "Conflict",
    410: "Niet meer beschikbaar",
    413: "Te groot",
    422: "Ongeldige invoer",
    429: "Te veel verzoeken",
    500: "Interne fout",
    503: "Tijdelijk niet beschikbaar",
}


HTML_TITLES = {
    400: _l("Ongeldig verzoek"),
    403: _l("Geen toegang"),
    404: _l("Niet gevonden"),
    405: _l("Methode niet toegestaan"),
    409: _l("Conflict"),
    410: _l("Niet meer beschikbaar"),
    413: _l("Te groot"),
    429: _l("Te veel verzoeken"),
}


def problem(
    status: int,
    detail: str = "",
    *,
    title: str | None = None,
    errors: dict | None = None,
    type_: str = "about:blank",
    message_id: str | None = None,
):
    """An application/problem+json response (RFC 9457). `message_id`: the catalog id of a service
    refusal's `detail` (the Dutch source text), stable whatever language `detail` is in."""
    body = {"type": type_, "title": title or TITLES.get(status, "Fout"), "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    if message_id is not None:
        body["message_id"] = message_id
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if _wants_problem():
            return problem(400, "CSRF-token ontbreekt of is verlopen.")
        return render_template(
            "errors/error.html",
            code=400,
            title=_("Formulier verlopen"),
            message=_("Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens."),
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if getattr(error, "response", None) is not None:
            return error.response  # abort(response) and ApiProblem carry their own answer
        if _wants_problem():
            return problem(code, error.description if code != 404 else "Niet gevonden.")
        messages = {
            403: _("U heeft geen toegang tot deze pagina."),
            404: _("Deze pagina bestaat niet (meer), of u heeft er geen toegang toe."),
            405: _("Deze actie is hier niet toegestaan."),
            429: _("Te veel pogingen. Wacht even en probeer het daarna opnieuw."),
        }
        return render_template(
            "errors/error.html",
            code=code,
            title=str(HTML_TITLES.get(code, _("Fout"))),
            message=messages.get(code, _("Er ging iets mis met dit verzoek.")),
        ), code

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_down(error):
        db.session.rollback()
        app.logger.error("Database niet bereikbaar: %s", type(error).__name__)
        if _wants_problem():
            return problem(503, "De database is even niet bereikbaar. Probeer het over een minuut opnieuw.")
        return render_template(
            "errors/error.html",
            code=503,
            title=_("Tijdelijk niet beschikbaar"),
            message=_(
                "De database is even niet bereikbaar. Uw antwoorden zijn niet verloren: probeer het over een minuut opnieuw."
            ),
        ), 503

    @app.errorhandler(Exception)
    def server_error(error):
        db.session.rollback()
        app.logger.exception("Onverwachte fout")
        if _wants_problem():
            return problem(500, "Er ging iets mis aan onze kant.")
        return render_template(
            "errors/error.html",
            code=500,
            title=_("Er ging iets mis"),
            message=_("Er ging iets mis aan onze kant. Probeer het later opnieuw."),
        ), 500
