"""Routes of the respond blueprint: the personal link `/v/<token>` and its pages."""
from __future__ import annotations

from flask import abort, render_template

from app.respond import bp
from app.services.tokens import participant_for_token


@bp.route("/v/<token>")
def start(token: str):
    participant = participant_for_token(token)
    if participant is None:
        abort(404)
    return render_template("respond/start.html", participant=participant, token=token)
