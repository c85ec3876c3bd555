"""An ICT staff member raises a concern anonymously through their personal link: `/zorg/<token>`.

The link only proves the right to write; what is stored holds no participant, organisation or
time of day, and no audit event is written (see app/services/concerns.py)."""

from __future__ import annotations

import hashlib

from flask import abort, make_response, render_template, request
from flask_babel import gettext as _

from app.actions import run_action
from app.extensions import limiter
from app.services import concerns as concern_service
from app.services.tokens import participant_for_token
from app.stakeholders import bp
from app.stakeholders.forms import StaffConcernForm


def _link_key() -> str:
    # Limits count per link without keeping the link itself in the limiter's storage.
    token = (request.view_args or {}).get("token", "")
    return "concern:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def _participant(token: str):
    participant = participant_for_token(token)
    if not concern_service.may_raise(participant):
        abort(make_response(render_template("respond/unknown.html"), 404))
    return participant


@bp.route("/zorg/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", key_func=_link_key, methods=["POST"])
def staff_concern(token: str):
    participant = _participant(token)
    traject = participant.questionnaire.traject
    form = StaffConcernForm()
    if form.validate_on_submit():
        data = {"text": form.text.data, "domain": form.domain.data}
        if run_action(lambda: concern_service.raise_anonymously(participant, data), form=form).ok:
            response = make_response(
                render_template("stakeholders/staff_concern_sent.html", traject=traject, token=token)
            )
            response.headers["Cache-Control"] = "no-store"
            return response
    elif request.method == "POST" and not form.errors:
        abort(400)
    response = make_response(
        render_template(
            "stakeholders/staff_concern.html",
            form=form,
            traject=traject,
            token=token,
            threshold=traject.comment_threshold,
            title=_("Een zorg of bezwaar melden"),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
