"""Dashboard of a traject's results, and the ICT staff's aggregate results page by personal link."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Traject
from app.results import bp, findings, open_answers, views
from app.results.format import fmt
from app.security.access import can_edit, traject_for
from app.services import advice


@bp.app_context_processor
def results_helpers():
    return {"too_few": _("te weinig respons"), "fmt": fmt}


@bp.route("/trajecten/<int:traject_id>/resultaten")
@login_required
def dashboard(traject_id: int):
    """The first screen: per step of the case its findings, each linking to its detail page."""
    traject = traject_for(current_user, traject_id)
    snapshot = advice.latest_snapshot(traject)
    editable = can_edit(current_user, traject)
    payload = dict(snapshot.payload or {}) if snapshot is not None else {}
    steps = (
        findings.first_screen(traject, payload, full_trust=current_user.role == "regisseur")
        if snapshot is not None
        else None
    )
    return render_template(
        "results/dashboard.html",
        traject=traject,
        snapshot=snapshot,
        steps=steps,
        editable=editable,
        parts=findings.DETAIL_PARTS,
        part_title=findings.part_title,
    )


_PARTS = ", ".join(f"'{p}'" for p in findings.DETAIL_PARTS)


@bp.route(f"/trajecten/<int:traject_id>/resultaten/<any({_PARTS}):part>")
@login_required
def dashboard_detail(traject_id: int, part: str):
    """One detail page of the dashboard: the tables and charts behind one step's findings."""
    traject = traject_for(current_user, traject_id)
    # The open answers live in their own table: that page needs no figures, so no payload to decode.
    snapshot = advice.latest_snapshot(traject, payload=part != "open-antwoorden")
    editable = can_edit(current_user, traject)
    payload = dict(snapshot.payload or {}) if snapshot is not None and part != "open-antwoorden" else {}
    d, answers = None, None
    if snapshot is not None:
        # Bestuurders read aggregates only; free-text answers are raw answers, so only the regisseur sees them.
        # Board trust: the full matrix (who rated whom how) for the regisseur; bestuurders see what each board receives.
        d = views.dashboard_part(part, traject, payload, full_trust=current_user.role == "regisseur")
        if part == "open-antwoorden" and editable:
            answers = open_answers.grouped(
                snapshot.id,
                traject.comment_threshold,
                question=request.args.get("vraag", ""),
                domain=request.args.get("domein", ""),
                search=request.args.get("zoek", "")[:200],
                repeated_only=request.args.get("herhaald") == "1",
                page=request.args.get("pagina", "1")[:9],
            )
    return render_template(
        "results/dashboard_detail.html",
        traject=traject,
        snapshot=snapshot,
        d=d,
        part=part,
        answers=answers,
        editable=editable,
        parts=findings.DETAIL_PARTS,
        part_title=findings.part_title,
    )


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
    summary = [
        {"name": views.index_name(i), "all": rows.get((i, None)), "own": rows.get((i, organisation))}
        for i in views.INDEX_ORDER
        if (i, None) in rows
    ]
    return render_template(
        "results/staff_results.html",
        traject=traject,
        questionnaire=questionnaire,
        snapshot=snapshot,
        summary=summary,
        organisation=organisation,
        chart=indices["chart_all"] if indices else None,
    )
