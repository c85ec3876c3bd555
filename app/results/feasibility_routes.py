"""Feasibility matrix of domains × cooperation forms, with the regisseur's written overrides."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from analysis.feasibility import CRITERIA, FORMS
from app.actions import run_action
from app.results import bp, views
from app.results.forms import CsrfForm
from app.security.access import can_edit, role_required, traject_for
from app.services import advice


@bp.route("/trajecten/<int:traject_id>/haalbaarheid")
@login_required
def feasibility(traject_id: int):
    traject = traject_for(current_user, traject_id)
    feas = advice.feasibility(traject)
    cells = {(c["domain"], c["form"]): c for c in feas["cells"]}
    recs = {r["domain"]: r for r in feas["recommendations"]}
    return render_template(
        "results/feasibility.html",
        traject=traject,
        feas=feas,
        cells=cells,
        recs=recs,
        forms=FORMS,
        criteria=CRITERIA,
        views=views,
        editable=can_edit(current_user, traject),
        form=CsrfForm(),
        has_snapshot=advice.latest_snapshot(traject, payload=False) is not None,
    )


@bp.route("/trajecten/<int:traject_id>/haalbaarheid/overschrijven", methods=["POST"])
@role_required("regisseur")
def feasibility_override(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    if not CsrfForm().validate_on_submit():
        abort(400)
    raw = (request.form.get("score") or "").replace(",", ".").strip()
    try:
        score = float(raw)
    except ValueError:
        score = None
    outcome = run_action(
        lambda: advice.set_override(
            traject,
            domain=request.form.get("domain", ""),
            form=request.form.get("form", ""),
            score=score,
            reason=request.form.get("reason", ""),
            user=current_user,
        ),
        success=_("Score overschreven; de onderbouwing is vastgelegd."),
    )
    anchor = "overschrijvingen" if outcome.ok else "overschrijven"
    return redirect(url_for("results.feasibility", traject_id=traject.id, _anchor=anchor))


@bp.route("/trajecten/<int:traject_id>/haalbaarheid/overschrijven/verwijderen", methods=["POST"])
@role_required("regisseur")
def feasibility_override_remove(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    if not CsrfForm().validate_on_submit():
        abort(400)
    run_action(
        lambda: advice.remove_override(
            traject, domain=request.form.get("domain", ""), form=request.form.get("form", "")
        ),
        success=_("Overschrijving verwijderd; de berekende score geldt weer."),
    )
    return redirect(url_for("results.feasibility", traject_id=traject.id, _anchor="overschrijvingen"))
