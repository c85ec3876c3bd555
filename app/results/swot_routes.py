"""SWOT per organisation and for the whole traject: derived and manual items, selection, confrontatiematrix."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.results import bp
from app.results.forms import CsrfForm
from app.results.swot_words import item_label, quadrant_letter, rule_label
from app.security.access import can_edit, role_required, traject_for
from app.services import advice

#: dashboard anchor per evidence kind
EVIDENCE_ANCHORS = {"index": "indices", "ict_foto": "ict-foto", "board": "vertrouwen", "gap": "kloof",
                    "motive": "motieven"}


def quadrant_label(q: str) -> str:
    return {"S": _("Sterktes"), "W": _("Zwaktes"), "O": _("Kansen"), "T": _("Bedreigingen")}[q]


def evidence_anchor(item) -> str | None:
    evidence = item.evidence or {}
    kind = evidence.get("kind")
    if kind == "board" and str(evidence.get("ref", "")).startswith("autonomy"):
        return "autonomie"
    return EVIDENCE_ANCHORS.get(kind)


def _scope(traject):
    code = request.values.get("org") or None
    if code is not None and traject.organisation_by_code(code) is None:
        abort(404)
    return code


def _back(traject, scope, anchor=None):
    return redirect(url_for("results.swot", traject_id=traject.id, org=scope, _anchor=anchor))


@bp.route("/trajecten/<int:traject_id>/swot")
@login_required
def swot(traject_id: int):
    traject = traject_for(current_user, traject_id)
    scope = _scope(traject)
    editable = can_edit(current_user, traject)
    if editable:
        advice.sync_swot(traject)
        db.session.commit()
    items = advice.swot_items(traject, scope)
    state = advice.confrontation_state(traject, scope)
    return render_template("results/swot.html", traject=traject, scope=scope, items=items, state=state,
                           editable=editable, form=CsrfForm(), quadrant_label=quadrant_label,
                           quadrant_letter=quadrant_letter, item_label=item_label, rule_label=rule_label,
                           evidence_anchor=evidence_anchor, has_snapshot=advice.latest_snapshot(traject) is not None)


@bp.route("/trajecten/<int:traject_id>/swot/selectie", methods=["POST"])
@role_required("regisseur")
def swot_selection(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    scope = _scope(traject)
    if not CsrfForm().validate_on_submit():
        abort(400)
    ids = {int(v) for v in request.form.getlist("selected") if v.isdigit()}
    try:
        advice.set_selection(traject, scope, ids)
    except advice.AdviceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(traject, scope, "selectie")
    db.session.commit()
    flash(_("Selectie opgeslagen."), "success")
    return _back(traject, scope, "matrix")


@bp.route("/trajecten/<int:traject_id>/swot/punten", methods=["POST"])
@bp.route("/trajecten/<int:traject_id>/swot/punten/<int:item_id>", methods=["POST"])
@role_required("regisseur")
def swot_item_save(traject_id: int, item_id: int | None = None):
    traject = traject_for(current_user, traject_id, write=True)
    scope = _scope(traject)
    if not CsrfForm().validate_on_submit():
        abort(400)
    item = None
    if item_id is not None:
        item = advice.item_for(traject, item_id)
        if item is None:
            abort(404)
        scope = item.organisation_code
    try:
        advice.save_manual_item(traject, organisation=scope, quadrant=request.form.get("quadrant", ""),
                                text_nl=request.form.get("text_nl", ""), text_en=request.form.get("text_en", ""),
                                item=item)
    except advice.AdviceError as exc:
        db.session.rollback()
        flash(" ".join([str(exc)] + [m for msgs in exc.errors.values() for m in msgs]), "error")
        return _back(traject, scope, "toevoegen")
    db.session.commit()
    flash(_("SWOT-punt opgeslagen."), "success")
    return _back(traject, scope, "selectie")


@bp.route("/trajecten/<int:traject_id>/swot/punten/<int:item_id>/verwijderen", methods=["POST"])
@role_required("regisseur")
def swot_item_delete(traject_id: int, item_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    if not CsrfForm().validate_on_submit():
        abort(400)
    item = advice.item_for(traject, item_id)
    if item is None:
        abort(404)
    scope = item.organisation_code
    try:
        advice.delete_manual_item(traject, item)
    except advice.AdviceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(traject, scope, "selectie")
    db.session.commit()
    flash(_("SWOT-punt verwijderd."), "success")
    return _back(traject, scope, "selectie")


@bp.route("/trajecten/<int:traject_id>/swot/confrontatie", methods=["POST"])
@role_required("regisseur")
def swot_scores(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    scope = _scope(traject)
    if not CsrfForm().validate_on_submit():
        abort(400)
    values = {}
    for name, raw in request.form.items():
        if not name.startswith("score-"):
            continue
        try:
            _prefix, row, column = name.split("-")
            values[(int(row), int(column))] = int(raw)
        except ValueError:
            flash(_("Een score ligt tussen −2 en +2."), "error")
            return _back(traject, scope, "matrix")
    try:
        advice.save_scores(traject, scope, values)
    except advice.AdviceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(traject, scope, "matrix")
    db.session.commit()
    flash(_("Confrontatiematrix opgeslagen."), "success")
    return _back(traject, scope, "matrix")
