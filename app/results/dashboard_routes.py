"""Dashboard of a traject's results, and the ICT staff's aggregate results page by personal link."""
from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db
from app.models import Questionnaire, Traject
from app.results import bp, views
from app.results.format import fmt
from app.security.access import can_edit, traject_for
from app.services import advice


@bp.app_context_processor
def results_helpers():
    return {"too_few": _("te weinig respons"), "fmt": fmt}


@bp.route("/trajecten/<int:traject_id>/resultaten")
@login_required
def dashboard(traject_id: int):
    traject = traject_for(current_user, traject_id)
    snapshot = advice.latest_snapshot(traject)
    editable = can_edit(current_user, traject)
    payload = dict(snapshot.payload or {}) if snapshot is not None else {}
    # Bestuurders read aggregates only; free-text answers are raw answers, so only the regisseur sees them.
    # Board trust: the full matrix (who rated whom how) for the regisseur; bestuurders see what each board receives.
    d = views.dashboard(traject, payload, include_comments=editable,
                        full_trust=current_user.role == "regisseur") if snapshot is not None else None
    return render_template("results/dashboard.html", traject=traject, snapshot=snapshot, d=d, editable=editable)


@bp.route("/resultaten/<token>")
def staff_results(token: str):
    from app.services.tokens import participant_for_token

    participant = participant_for_token(token)
    if participant is None:
        abort(404)
    questionnaire = participant.questionnaire
    traject = db.session.get(Traject, questionnaire.traject_id)
    if questionnaire.status != "closed":
        return render_template("results/staff_pending.html", questionnaire=questionnaire, traject=traject)
    snapshot = advice.latest_snapshot(traject)
    payload = dict(snapshot.payload or {}) if snapshot is not None else {}
    organisation = participant.organisation.code if participant.organisation is not None else None
    indices = views.indices_section(traject, payload) if payload else None
    rows = {(r.get("index"), r.get("organisation")): r for r in payload.get("indices") or [] if r.get("role") is None}
    summary = [{"name": views.index_name(i), "all": rows.get((i, None)), "own": rows.get((i, organisation))}
               for i in views.INDEX_ORDER if (i, None) in rows]
    return render_template("results/staff_results.html", traject=traject, questionnaire=questionnaire,
                           snapshot=snapshot, summary=summary, organisation=organisation,
                           chart=indices["chart_all"] if indices else None)
